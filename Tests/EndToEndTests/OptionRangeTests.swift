import Foundation
import RedisTestSupport
import Testing

/// Every numeric and id option refuses absurd values before the process starts, with a
/// message naming the option (and its `MCP_…` variable) and what it accepts: the real
/// executables, parsed as a user runs them. None of these needs Redis: the refusal
/// comes before the first connection.
@Suite("Option ranges")
struct OptionRangeTests {
    /// One refused command line: the program, its arguments, extra environment, and what the error must say.
    struct Refusal: CustomTestStringConvertible, Sendable {
        let program: String
        let arguments: [String]
        let environment: [String: String]
        let mentions: [String]

        init(_ program: String, _ arguments: [String], environment: [String: String] = [:], mentions: String...) {
            self.program = program
            self.arguments = arguments
            self.environment = environment
            self.mentions = mentions
        }

        var testDescription: String { "\(program) \(arguments.joined(separator: " ")) \(environment)" }

        /// The full command line: the gateway needs a key ring path (never read: validation comes first).
        var commandLine: [String] {
            switch program {
            case "mcp-gateway": ["--redis", "redis://127.0.0.1:1", "--keys", "/nonexistent/keys.json"] + arguments
            case "mcp-worker": ["--redis", "redis://127.0.0.1:1"] + arguments
            default: arguments
            }
        }
    }

    static let gateway: [Refusal] = [
        Refusal("mcp-gateway", ["--skew", "0"], mentions: "--skew / MCP_SKEW is 0", "1 to 3600 seconds"),
        Refusal("mcp-gateway", ["--skew", "-1"], mentions: "--skew / MCP_SKEW is -1"),
        Refusal("mcp-gateway", [], environment: ["MCP_SKEW": "nan"], mentions: "--skew / MCP_SKEW is nan"),
        Refusal("mcp-gateway", ["--body-limit", "0"], mentions: "--body-limit / MCP_BODY_LIMIT is 0", "4096 to"),
        Refusal("mcp-gateway", ["--retention", "0"], mentions: "--retention / MCP_RETENTION is 0", "1 to 2592000 seconds"),
        Refusal("mcp-gateway", [], environment: ["MCP_RETENTION": "0"], mentions: "--retention / MCP_RETENTION is 0"),
        Refusal("mcp-gateway", ["--retention", "100"], mentions: "--retention / MCP_RETENTION (100 s)", "--skew / MCP_SKEW (300 s)"),
        Refusal("mcp-gateway", ["--sync-budget", "1e309"], mentions: "--sync-budget / MCP_SYNC_BUDGET is inf"),
        Refusal("mcp-gateway", ["--sync-budget", "0"], mentions: "--sync-budget / MCP_SYNC_BUDGET is 0", "0.1 to 300 seconds"),
        Refusal("mcp-gateway", ["--max-backlog", "-1"], mentions: "--max-backlog / MCP_MAX_BACKLOG is -1", "0 (off) or 1 to"),
        Refusal("mcp-gateway", ["--client-rate", "nan"], mentions: "--client-rate / MCP_CLIENT_RATE is nan", "0 (off) or 0.001 to"),
        Refusal("mcp-gateway", ["--gateway-id", ""], mentions: "--gateway-id / MCP_GATEWAY_ID \"\"", "1 to 64 characters"),
        Refusal("mcp-gateway", ["--gateway-id", "gw{1}"], mentions: "--gateway-id / MCP_GATEWAY_ID \"gw{1}\""),
        Refusal("mcp-gateway", [], environment: ["MCP_GATEWAY_ID": String(repeating: "g", count: 65)], mentions: "--gateway-id / MCP_GATEWAY_ID"),
        Refusal("mcp-gateway", ["--inflight-body-limit", "1000"], mentions: "--inflight-body-limit / MCP_INFLIGHT_BODY_LIMIT is 1000"),
        Refusal("mcp-gateway", ["--ingress-batch", "0"], mentions: "--ingress-batch / MCP_INGRESS_BATCH is 0", "1 to 1000"),
        Refusal("mcp-gateway", ["--ingress-batch", "9223372036854775807"], mentions: "--ingress-batch / MCP_INGRESS_BATCH is 9223372036854775807"),
        Refusal("mcp-gateway", ["--ingress-lease", "0"], mentions: "--ingress-lease / MCP_INGRESS_LEASE is 0"),
        Refusal("mcp-gateway", ["--request-head-timeout", "0"], mentions: "--request-head-timeout / MCP_REQUEST_HEAD_TIMEOUT is 0"),
        Refusal("mcp-gateway", ["--request-body-timeout", "1e9"], mentions: "--request-body-timeout / MCP_REQUEST_BODY_TIMEOUT is 1000000000"),
        Refusal("mcp-gateway", ["--max-connections", "-5"], mentions: "--max-connections / MCP_MAX_CONNECTIONS is -5", "0 (no cap) or 1 to"),
        Refusal("mcp-gateway", ["--replication-timeout", "0"], mentions: "--replication-timeout / MCP_REPLICATION_TIMEOUT is 0"),
        Refusal("mcp-gateway", ["--oauth-leeway", "-1"], mentions: "--oauth-leeway / MCP_OAUTH_LEEWAY is -1", "0 (none) or 1 to 600"),
        Refusal("mcp-gateway", ["--oauth-key-refresh", "1e309"], mentions: "--oauth-key-refresh / MCP_OAUTH_KEY_REFRESH is inf"),
        Refusal("mcp-gateway", ["--partitions", "0"], mentions: "--partitions / MCP_PARTITIONS is 0"),
        Refusal("mcp-gateway", ["--tasks-on-event-loops", "2"], mentions: "--tasks-on-event-loops / MCP_TASKS_ON_EVENT_LOOPS is 2"),
    ]

    static let worker: [Refusal] = [
        Refusal("mcp-worker", ["--lease", "0"], mentions: "--lease / MCP_LEASE is 0", "1 to 86400 seconds"),
        Refusal("mcp-worker", [], environment: ["MCP_LEASE": "0"], mentions: "--lease / MCP_LEASE is 0"),
        Refusal("mcp-worker", ["--lease", "-1"], mentions: "--lease / MCP_LEASE is -1"),
        Refusal("mcp-worker", ["--lease", "86401"], mentions: "--lease / MCP_LEASE is 86401"),
        Refusal("mcp-worker", ["--retention", "0"], mentions: "--retention / MCP_RETENTION is 0"),
        Refusal("mcp-worker", ["--concurrency", "0"], mentions: "--concurrency / MCP_CONCURRENCY is 0", "1 to 10000"),
        Refusal("mcp-worker", [], environment: ["MCP_CONCURRENCY": "0"], mentions: "--concurrency / MCP_CONCURRENCY is 0"),
        Refusal("mcp-worker", ["--concurrency", "9223372036854775807"], mentions: "--concurrency / MCP_CONCURRENCY is 9223372036854775807"),
        Refusal("mcp-worker", ["--grace", "-1"], mentions: "--grace / MCP_GRACE is -1", "0 to 3600 seconds"),
        Refusal("mcp-worker", ["--max-deliveries", "0"], mentions: "--max-deliveries / MCP_MAX_DELIVERIES is 0"),
        Refusal("mcp-worker", ["--tool-threads", "0"], mentions: "--tool-threads / MCP_TOOL_THREADS is 0"),
        Refusal("mcp-worker", ["--worker-id", ""], mentions: "--worker-id / MCP_WORKER_ID \"\""),
        Refusal("mcp-worker", ["--worker-id", "a b\nc*{x}"], mentions: "--worker-id / MCP_WORKER_ID \"a b\\nc*{x}\""),
        Refusal("mcp-worker", ["--event-loops", "-1"], mentions: "--event-loops / MCP_EVENT_LOOPS is -1"),
    ]

    static let tools: [Refusal] = [
        Refusal("mcpctl", ["stats", "--sample", "1e309"], mentions: "--sample is inf", "0 (skip it) or 0.1 to 3600 seconds"),
        Refusal("mcpctl", ["stats", "--sample", "9223372036854775807"], mentions: "--sample is 9.22"),
        Refusal("mcpctl", ["stats", "--sample", "nan"], mentions: "--sample is nan"),
        Refusal("mcpctl", ["stats", "--sample", "-1"], mentions: "--sample is -1"),
        Refusal("mcpctl", ["stats", "--watch", "nan"], mentions: "SECONDS (of --watch) is nan"),
        Refusal("mcpctl", ["stats", "--watch", "1e309"], mentions: "SECONDS (of --watch) is inf"),
        Refusal("mcpctl", ["stats", "--watch", "0.0000001"], mentions: "SECONDS (of --watch) is 1e-07", "0.1 to 3600 seconds"),
        Refusal("mcpctl", ["call", "echo", "--poll-interval", "nan"], mentions: "--poll-interval is nan"),
        Refusal("mcpctl", ["call", "echo", "--poll-interval", "0"], mentions: "--poll-interval is 0"),
        Refusal("mcpctl", ["dead", "list", "--count", "0"], mentions: "--count is 0", "1 to 10000"),
        Refusal("mcp-bench", ["--duration", "1e309"], mentions: "--duration is inf"),
    ]

    @Test("an out-of-range value is refused before start, naming the option", arguments: gateway + worker + tools)
    func refused(_ refusal: Refusal) async throws {
        let run = try await ProgramRun.run(
            ChildProcess.binaryFolder.appendingPathComponent(refusal.program).path, refusal.commandLine,
            environment: refusal.environment, timeout: .seconds(20))
        #expect(run.status == 1 || run.status == 64, "\(refusal.program) exited \(run.status): \(run.errors)")
        for text in refusal.mentions {
            #expect(run.errors.contains(text), "expected \"\(text)\" in: \(run.errors)")
        }
        #expect(!run.errors.contains("Missing value") && !run.errors.contains("Fatal error"), "\(run.errors)")
    }

    /// Values at the edges of their ranges (and the defaults) pass validation: the process
    /// gets as far as its first later check (a key ring file, a metrics address, a client id).
    @Test("values at the edges of their ranges are accepted", arguments: [
        (["mcp-gateway", "--redis", "redis://127.0.0.1:1", "--keys", "/nonexistent/keys.json"], "/nonexistent/keys.json"),
        (
            [
                "mcp-gateway", "--redis", "redis://127.0.0.1:1", "--keys", "/nonexistent/keys.json", "--skew", "1", "--retention", "1",
                "--body-limit", "4096", "--inflight-body-limit", "4096", "--max-backlog", "0", "--client-rate", "0", "--max-connections", "0",
                "--oauth-leeway", "0", "--oauth-key-refresh", "0", "--ingress-batch", "1000", "--gateway-id", "gw-1.a_B",
                "--replication-timeout", "0.01", "--sync-budget", "300",
            ],
            "/nonexistent/keys.json"
        ),
        (["mcp-worker", "--redis", "redis://127.0.0.1:1", "--metrics-listen", "nonsense"], "--metrics-listen"),
        (
            [
                "mcp-worker", "--redis", "redis://127.0.0.1:1", "--metrics-listen", "nonsense", "--lease", "1", "--retention", "1",
                "--concurrency", "10000", "--grace", "0", "--max-deliveries", "1000", "--tool-threads", "1024",
                "--worker-id", String(repeating: "w", count: 64),
            ],
            "--metrics-listen"
        ),
        (["mcpctl", "call", "echo", "--poll-interval", "0.1"], "client id"),
    ])
    func accepted(_ commandLine: [String], laterError: String) async throws {
        let run = try await ProgramRun.run(
            ChildProcess.binaryFolder.appendingPathComponent(commandLine[0]).path, Array(commandLine.dropFirst()),
            environment: ["MCP_CLIENT_ID": "", "MCP_SKEW": "", "MCP_RETENTION": ""], timeout: .seconds(20))
        #expect(run.status != 0)
        #expect(run.errors.contains(laterError), "\(commandLine[0]) should pass validation and stop at \(laterError): \(run.errors)")
        #expect(!run.errors.contains(" is ") || !run.errors.contains("it must be"), "\(run.errors)")
    }
}
