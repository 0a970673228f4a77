import Histogram
import Testing
@testable import MCPBench

@Suite struct ReportFormattingTests {
    @Test func numbersAreGroupedAndRounded() {
        #expect(BenchFormat.grouped(0) == "0")
        #expect(BenchFormat.grouped(999) == "999")
        #expect(BenchFormat.grouped(1_000) == "1,000")
        #expect(BenchFormat.grouped(1_234_567) == "1,234,567")
        #expect(BenchFormat.grouped(-12_345) == "-12,345")
        #expect(BenchFormat.rate(21_344.6) == "21,345")
        #expect(BenchFormat.percent(0.256) == "26%")
        #expect(BenchFormat.mebibytes(12 * 1_048_576 + 524_288) == "12.5 MiB")
    }

    @Test func latenciesPickTheirUnit() {
        #expect(BenchFormat.latency(micros: 850.4) == "850µs")
        #expect(BenchFormat.latency(micros: 1_234) == "1.23ms")
        #expect(BenchFormat.latency(micros: 123_456) == "123ms")
        #expect(BenchFormat.latency(micros: 1_500_000) == "1.5s")
    }

    @Test func ratesComeFromCountAndNanoseconds() {
        #expect(BenchFormat.perSecond(count: 20_000, nanoseconds: 1_000_000_000) == 20_000)
        #expect(BenchFormat.perSecond(count: 5, nanoseconds: 500_000_000) == 10)
        #expect(BenchFormat.perSecond(count: 5, nanoseconds: 0) == 0)
    }

    @Test func tableAlignsTextLeftAndNumbersRight() {
        let table = TextTable(headers: ["name", "ops/s"], rows: [["submit", "21,000"], ["lone", "-"]], leftAligned: 1)
        #expect(table.render() == """
            name     ops/s
            ------  ------
            submit  21,000
            lone         -
            """)
    }

    @Test func reportPrintsRowsTargetsAndCosts() {
        var report = BenchReport()
        report.rows = [
            BenchRow(scenario: .submit, variant: "c=32", count: 100, perSecond: 25_000,
                     latency: LatencySummary(p50: 900, p90: 1_000, p99: 2_000, p999: 3_000, max: 4_000),
                     ofCeiling: 0.5, generatorCPU: 0.25, target: "≥20,000/s", met: true),
            BenchRow(scenario: .lone, variant: "async", count: 5, target: "≤2ms", met: false),
        ]
        report.costs = [CostRow(name: "async", jobs: 10, roundTripsPerJob: 2.5, commandsPerJob: 12, callsPerJob: ["evalsha": 2], redisCPUMicrosPerJob: 31.4)]
        let text = report.text()
        #expect(text.contains("25,000"))
        #expect(text.contains("≥20,000/s met"))
        #expect(text.contains("≤2ms MISSED"))
        #expect(text.contains("evalsha 2.00"))
        #expect(text.contains("31µs"))
    }

    @Test func percentilesComeFromTheHistogram() throws {
        var histogram = LoadResult.makeHistogram()
        for micros in 1...1_000 { _ = histogram.record(UInt64(micros) * 1_000) }
        let summary = try #require(LatencySummary(nanoseconds: histogram))
        #expect(abs(summary.p50 - 500) <= 1)
        #expect(abs(summary.p99 - 990) <= 1)
        #expect(abs(summary.max - 1_000) <= 1)
        #expect(LatencySummary(nanoseconds: LoadResult.makeHistogram()) == nil)
    }

    @Test func scenarioListsParse() throws {
        #expect(try Scenario.parseList("e2e,submit") == [.submit, .e2e])
        #expect(try Scenario.parseList("all") == Scenario.allCases)
        #expect(throws: BenchError.self) { try Scenario.parseList("fast") }
    }
}
