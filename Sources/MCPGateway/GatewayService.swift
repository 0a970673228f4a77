import Hummingbird
import MCPBroker
import ServiceLifecycle

/// The gateway application as a service that, when graceful shutdown begins,
/// first wakes every request waiting on a job (the reply listener closes), so
/// the HTTP server, which waits for in-flight requests, can stop promptly.
struct GatewayService<App: ApplicationProtocol>: Service {
    let application: App
    let replies: ReplyListener

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await application.run()
        } onGracefulShutdown: {
            replies.close()
        }
    }
}
