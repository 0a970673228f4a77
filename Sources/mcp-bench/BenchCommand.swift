import ArgumentParser
import Foundation
import MCPBench
import MCPCommandLine

/// `mcp-bench`: starts (or targets) a system, runs the scenarios, prints the report.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-bench",
        abstract: "Measure MCPStreams beside the Redis ceiling: throughput, latency and cost per job.")

    @OptionGroup var options: BenchOptions

    func run() async throws {
        SignalMask.unblockTermination()
        let configuration = try options.configuration()
        let report = try await BenchRunner.run(configuration) { line in
            FileHandle.standardError.write(Data("mcp-bench: \(line)\n".utf8))
        }
        print(report.text())
        if let file = configuration.jsonFile { try report.json().write(to: URL(fileURLWithPath: file)) }
    }
}
