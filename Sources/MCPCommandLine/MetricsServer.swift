import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A tiny HTTP server with `GET /metrics` only, for processes without an HTTP
/// port of their own (workers): one more `Service` in the process's group.
public enum MetricsServer {
    /// The Prometheus text exposition format's content type.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The server; it logs `<process> metrics listening` with its address once it listens.
    public static func make(address: ListenAddress, metrics: PrometheusMetrics, process: String, logger: Logger) -> any Service {
        let router = Router()
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "\(process)-metrics"),
            onServerRunning: { channel in
                logger.info("\(process) metrics listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
            },
            logger: logger)
    }
}
