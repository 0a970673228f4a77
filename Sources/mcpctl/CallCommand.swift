import ArgumentParser
import Foundation
import MCPClient
import MCPCommandLine
import MCPWire

/// `mcpctl call TOOL --args JSON`: sign, send, and follow an accepted job to its end.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call a tool; for an accepted job, show a live progress bar until it ends, then print the result.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The tool name, e.g. batch_sum.")
    var tool: String

    @Option(help: "The tool's arguments as a JSON object.")
    var args: String = "{}"

    @Option(name: .customLong("request-id"), help: "Request id (default: a new UUID); resending one returns the same job.")
    var requestID: String?

    @Flag(name: .customLong("no-wait"), help: "Print the accepted job id and return without following the job.")
    var noWait = false

    @Option(name: .customLong("poll-interval"), parsing: .unconditional, help: "Seconds between polls while following a job, \(StatsCommand.intervalText) (default 0.2).")
    var pollInterval: Double = 0.2

    func validate() throws {
        _ = try OptionRange.check(pollInterval, "--poll-interval", in: StatsCommand.intervals)
    }

    func run() async throws {
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(Array(args.utf8))
        } catch {
            throw ValidationError("--args is not valid JSON: \(error)")
        }
        guard let object = parsed.objectValue else { throw ValidationError("--args must be a JSON object, e.g. '{\"numbers\":[1,2]}'") }
        let client = try client.client()
        let reply = try await client.call(tool, args: object, requestID: requestID ?? UUID().uuidString.lowercased())
        guard reply.response.status == .accepted, !noWait, let jobID = reply.jobID else {
            try ReplyPrinter.finish(reply)
            return
        }
        let final = try await JobFollower(client: client, interval: OptionRange.duration(seconds: pollInterval)).follow(jobID: jobID)
        if final.response.status == .done, let result = final.response.result?["result"] {
            print(CanonicalJSON.string(result))  // the tool's result, as for a sync call
            return
        }
        try ReplyPrinter.finish(final)
    }
}

/// `mcpctl poll JOB_ID`: one poll, printed.
struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "poll", abstract: "Show a job's status, progress and result.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The job id.")
    var jobID: String

    @Flag(help: "Follow the job with a progress bar until it ends.")
    var follow = false

    func run() async throws {
        let client = try client.client()
        if follow {
            try ReplyPrinter.finish(try await JobFollower(client: client, interval: .milliseconds(200)).follow(jobID: jobID))
        } else {
            try ReplyPrinter.finish(try await client.poll(jobID: jobID))
        }
    }
}

/// `mcpctl cancel JOB_ID`.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a job: a queued job never runs, a running one is stopped.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The job id.")
    var jobID: String

    func run() async throws {
        try ReplyPrinter.finish(try await client.client().cancel(jobID: jobID))
    }
}
