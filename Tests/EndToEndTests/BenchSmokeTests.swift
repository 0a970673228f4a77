import Foundation
import MCPWire
import RedisTestSupport
import Testing

/// `mcp-bench`'s workloads as users run them work end to end against the real
/// executables (small sizes: this checks that they run and report, not speed).
@Suite("mcp-bench closed loops and ingress producer")
struct BenchSmokeTests {
    /// Runs the real `mcp-bench` with `arguments` in a folder of its own; expects exit 0 and returns its JSON report.
    static func runBench(_ arguments: [String], timeout: Duration) async throws -> JSONObject {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-smoke-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = folder.appendingPathComponent("report.json").path
        let run = try await ExternalProgram.run(
            ChildProcess.binaryFolder.appendingPathComponent("mcp-bench").path, arguments + ["--json", json], in: folder, timeout: timeout)
        #expect(run.status == 0, "mcp-bench exited \(run.status): \(run.errors.suffix(2000))")
        return try #require(try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: json)))).objectValue)
    }

    @Test func closedLoopsAndTheIngressProducerReportEveryFigure() async throws {
        let report = try await Self.runBench([
            "--scenarios", "closed,ingress", "--duration", "0.5", "--closed-clients", "1,3", "--ingress-jobs", "60", "--workers", "1",
            "--python-client", PythonScript.repositoryRoot.appendingPathComponent("bench/python/closed_loop.py").path,
        ], timeout: .seconds(180))
        let rows = report["userLoads"]?.arrayValue?.compactMap(\.objectValue) ?? []
        try #require(rows.count == 5, "\(report)")
        #expect(rows.map { $0["workload"]?.stringValue ?? "" } == [
            "HTTP batch_sum, 1 client", "HTTP batch_sum, 3 clients", "Python HTTP batch_sum, 1 client", "Python HTTP batch_sum, 3 clients",
            "ingress batch_sum, 1 producer (reply_to)",
        ])
        #expect(rows[4]["jobs"]?.int64Value == 60, "every ingress job answered on its results stream: \(rows[4])")
        for row in rows {
            #expect((row["jobs"]?.int64Value ?? 0) > 0, "\(row)")
            for figure in ["perSecond", "serverCPUMicrosPerJob", "commandsPerJob", "serverRSSBytes"] {
                #expect((row[figure]?.doubleValue ?? 0) > 0, "\(figure) of \(row)")
            }
            #expect(row["latency"]?.objectValue?["p99"] != nil, "\(row)")
        }
        #expect(report["warnings"]?.arrayValue?.isEmpty ?? true, "\(report["warnings"] ?? .null)")
    }

    @Test func aClusterRunComparesEveryFigureWithOneServer() async throws {
        let report = try await Self.runBench([
            "--cluster", "3", "--partitions", "6", "--scenarios", "e2e,lone,cost", "--jobs", "200", "--lone-repeats", "2", "--duration", "0.5",
            "--workers", "1",
        ], timeout: .seconds(240))
        let comparison = report["clusterComparison"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let measures = comparison.map { $0["measure"]?.stringValue ?? "" }
        for expected in [
            "redis CPU µs/job, async noop (e2e)", "round trips/job, async noop (e2e)", "commands/job, async noop (e2e)",
            "p50 µs, lone async noop, 1.0s idle", "ops/s, e2e async noop ×200",
        ] {
            let row = try #require(comparison.first { $0["measure"]?.stringValue == expected }, "\(expected) missing from \(measures)")
            #expect((row["single"]?.doubleValue ?? 0) > 0 && (row["cluster"]?.doubleValue ?? 0) > 0, "\(row)")
        }
        // Both systems' rows are there, the cluster's marked; the cluster run used its own partitions.
        let variants = (report["rows"]?.arrayValue ?? []).compactMap { $0.objectValue?["variant"]?.stringValue }
        #expect(variants.contains("async noop ×200") && variants.contains("[cluster 3×, P 6] async noop ×200"), "\(variants)")
        #expect(report["setup"]?.objectValue?["[cluster 3×, P 6] partitions"]?.stringValue == "6")
        #expect(report["warnings"]?.arrayValue?.isEmpty ?? true, "\(report["warnings"] ?? .null)")
    }
}
