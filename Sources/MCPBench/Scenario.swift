import Foundation

/// One benchmark scenario; each produces one or more rows of the report.
public enum Scenario: String, CaseIterable, Sendable, Codable {
    /// `redis-benchmark` running the gateway's accept script and a plain XADD: the physical limit.
    case ceiling
    /// Pre-signed async envelopes posted as fast as they are accepted (workers paused).
    case submit
    /// No-op async jobs submitted and all completed.
    case e2e
    /// `batch_sum` answered inline: closed loop and open loop at a fixed rate.
    case sync
    /// One job after an idle second, repeated: submit → final status.
    case lone
    /// Redis commands, round trips and CPU per job; process RSS.
    case cost
    /// As users call: closed loops of 1, 4 and 16 clients without pipelining (`batch_sum`
    /// over HTTP), from Swift and from a Python client (`bench/python/closed_loop.py`),
    /// each with jobs/s, latency, server and Redis CPU per job and RSS.
    case closed
    /// One producer feeding `mcp:ingress` one entry at a time with a `reply_to`
    /// results stream, then reading every answer: end-to-end jobs/s and cost per job.
    case ingress

    /// Parses a comma-separated list such as `submit,e2e`; `all` selects every scenario.
    public static func parseList(_ text: String) throws(BenchError) -> [Scenario] {
        var result = [Scenario]()
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            if word == "all" { return allCases }
            guard let scenario = Scenario(rawValue: word) else {
                throw BenchError("unknown scenario \"\(word)\"; choose from \(allCases.map(\.rawValue).joined(separator: ", ")) or all")
            }
            if !result.contains(scenario) { result.append(scenario) }
        }
        guard !result.isEmpty else { throw BenchError("--scenarios names no scenario") }
        return allCases.filter(result.contains)
    }
}
