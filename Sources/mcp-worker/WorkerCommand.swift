import ArgumentParser
import MCPBroker
import MCPCommandLine
import MCPTools
import MCPWorker
import ServiceLifecycle

/// `mcp-worker`: runs tools for jobs on the Redis stream.
@main
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-worker", abstract: "Run MCPStreams tools for jobs read from the Redis stream.",
        version: MCPStreamsVersion.current)

    @OptionGroup var common: CommonOptions
    @OptionGroup var options: WorkerOptions

    func run() async throws {
        SignalMask.unblockTermination()
        let logger = try common.bootstrapLogging(label: "mcp.worker")
        let worker = Worker(configuration: try options.configuration(common: common), registry: options.registry, logger: logger)
        let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }
}
