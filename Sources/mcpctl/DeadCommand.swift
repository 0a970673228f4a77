import ArgumentParser
import Logging
import MCPBroker
import MCPCommandLine
import MCPWire
import RedisClient

/// `mcpctl dead …`: the dead-letter stream, read and redriven straight from Redis.
struct DeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead", abstract: "List dead-lettered jobs or put them back on the stream.",
        subcommands: [DeadListCommand.self, DeadRedriveCommand.self])
}

/// `mcpctl dead list`.
struct DeadListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Show dead-lettered jobs, oldest first, one JSON object per line.")

    @OptionGroup var common: CommonOptions

    @Option(parsing: .unconditional, help: "At most this many entries, 1 to 10000 (default 100).")
    var count: Int = 100

    func validate() throws {
        _ = try OptionRange.check(count, "--count", in: 1...10_000)
    }

    func run() async throws {
        let broker = try common.broker()
        try await broker.checkPartitions(record: false)  // sums over the wrong partitions would mislead
        let page = try await broker.deadLetterPage(count: count)
        for key in page.unreadable {
            ReplyPrinter.printToStandardError("unreadable dead-letter stream \(DeadRedriveCommand.shown(key)) (docs/operations.md, \"Poison values\")")
        }
        for letter in page.letters {
            let line: JSONObject = [
                "id": .string(letter.id), "job_id": .string(letter.jobID), "tool": .string(letter.tool),
                "client_id": .string(letter.clientID), "attempts": .integer(JSONInteger(Int64(letter.attempts))),
                "deliveries": .integer(JSONInteger(Int64(letter.deliveries))), "dead_ms": .integer(JSONInteger(letter.deadMs)),
                "error": .string(letter.error), "error_code": .string(letter.errorCode),
            ]
            print(CanonicalJSON.string(.object(line)))
        }
        if !page.unreadable.isEmpty { throw ExitCode(1) }
    }
}

/// `mcpctl dead redrive ID|--all`.
struct DeadRedriveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redrive", abstract: "Put dead-lettered jobs back on the stream with fresh attempts (same job ids).")

    @OptionGroup var common: CommonOptions

    @Argument(help: "Dead-letter entry ids (the `id` of `mcpctl dead list`).")
    var ids: [String] = []

    @Flag(help: "Redrive every dead-lettered job.")
    var all = false

    func validate() throws {
        guard all != !ids.isEmpty else { throw ValidationError("give dead-letter ids or --all, not both and not neither") }
    }

    func run() async throws {
        let broker = try common.broker()
        try await broker.checkPartitions(record: false)  // sums over the wrong partitions would mislead
        var targets = ids
        var missing = 0
        var skipped = Set<String>()
        if all {
            targets = []
            var after = "-"
            while true {  // page through the whole dead stream
                let page = try await broker.deadLetterPage(count: 500, after: after)
                for key in page.unreadable where !skipped.contains(key) {
                    ReplyPrinter.printToStandardError("skipped unreadable dead-letter stream \(Self.shown(key))")
                    skipped.insert(key)
                    missing += 1
                }
                targets += page.letters.map(\.id)
                guard page.letters.count == 500, let last = page.letters.last else { break }
                after = "(" + last.id
            }
        }
        for id in targets {
            switch await Self.redrive(id, with: broker) {
            case .success(let jobID?):
                print("redriven \(Self.shown(id)) job \(Self.shown(jobID))")
            case .success(nil):
                ReplyPrinter.printToStandardError("no dead letter \(Self.shown(id))")
                missing += 1
            case .failure(let error) where error.code == .unexpectedReply:
                ReplyPrinter.printToStandardError(Self.shown(error.message))  // one junk entry does not stop the rest
                missing += 1
            case .failure(let error):
                throw error
            }
        }
        if missing > 0 { throw ExitCode(1) }
    }

    /// An id or message as text output shows it: ids come from Redis (a dead letter's `job_id` is whatever its
    /// writer put there) or the command line, so their control characters (NUL, ESC: terminal escape
    /// sequences) are shown as `?` rather than written to the operator's terminal; `dead list`'s JSON escapes them.
    static func shown(_ text: String) -> String {
        RedisError.printable(text, limit: 1_000)
    }

    /// One redrive's outcome: the job id, `nil` for no such dead letter, or the refusal.
    private static func redrive(_ id: String, with broker: Broker) async -> Result<String?, BrokerError> {
        do {
            return .success(try await broker.redrive(deadLetterID: id))
        } catch {
            return .failure(error)
        }
    }
}
