import Foundation
import MCPWire
import RedisTestSupport
import Testing

/// `mcp-bench`'s workloads as users run them work end to end against the real
/// executables (small sizes: this checks that they run and report, not speed).
@Suite("mcp-bench closed loops and ingress producer")
struct BenchSmokeTests {
    @Test func closedLoopsAndTheIngressProducerReportEveryFigure() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-smoke-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = folder.appendingPathComponent("report.json").path
        let run = try await ExternalProgram.run(
            ChildProcess.binaryFolder.appendingPathComponent("mcp-bench").path,
            ["--scenarios", "closed,ingress", "--duration", "0.5", "--closed-clients", "1,3", "--ingress-jobs", "60", "--workers", "1", "--json", json,
             "--python-client", PythonScript.repositoryRoot.appendingPathComponent("bench/python/closed_loop.py").path],
            in: folder, timeout: .seconds(180))
        #expect(run.status == 0, "mcp-bench exited \(run.status): \(run.errors.suffix(2000))")
        let report = try #require(try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: json)))).objectValue)
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
}
