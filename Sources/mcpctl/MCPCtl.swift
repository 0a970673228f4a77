import ArgumentParser
import MCPBroker

/// `mcpctl`: the operator and client command line.
@main
struct MCPCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcpctl",
        abstract: "Call tools on an MCPStreams gateway, follow jobs, and manage keys.",
        version: MCPStreamsVersion.current,
        subcommands: [
            KeygenCommand.self, CallCommand.self, PollCommand.self, CancelCommand.self, DeadCommand.self, MCPCommand.self, StatsCommand.self,
            RedisAdminCommand.self,
        ])
}
