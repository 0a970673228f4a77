import NIOCore
import Testing
@testable import MCPBench

@Suite struct ParsingTests {
    @Test func framerSplitsResponsesAndWaitsForWholeBodies() throws {
        var buffer = ByteBuffer(string: "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nabc")
        let first = try #require(try HTTPResponseFramer.parse(&buffer))
        #expect(first.status == 202)
        #expect(String(buffer: first.body) == "{}")
        #expect(try HTTPResponseFramer.parse(&buffer) == nil)
        buffer.writeString("de")
        let second = try #require(try HTTPResponseFramer.parse(&buffer))
        #expect(second.status == 200)
        #expect(String(buffer: second.body) == "abcde")
        #expect(buffer.readableBytes == 0)
    }

    @Test func partitionsWithoutAClusterAreRefused() {
        var configuration = BenchConfiguration()
        #expect(throws: Never.self) { try configuration.validate() }
        configuration.partitions = 8
        #expect(throws: BenchError.self) { try configuration.validate() }  // it used to be ignored silently
        configuration.clusterPrimaries = 3
        #expect(throws: Never.self) { try configuration.validate() }
    }

    @Test func framerRefusesChunkedResponses() {
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(throws: BenchError.self) { try HTTPResponseFramer.parse(&buffer) }
    }

    @Test func redisBenchmarkRateIsReadFromTheRight() {
        let csv = """
            "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
            "EVALSHA abc 1 k {"a":1,"b":2} x","80321.29","0.351","0.072","0.335","0.543","0.759","2.431"
            """
        #expect(RedisBenchmark.parseRate(csv) == 80321.29)
        #expect(RedisBenchmark.parseRate("nothing") == nil)
    }

    @Test func redisInfoDeltasCountCommandsReadsAndCPU() {
        let before = RedisInfo(parsing: "# Stats\r\ntotal_reads_processed:10\r\ntotal_commands_processed:20\r\n# CPU\r\nused_cpu_sys:1.5\r\nused_cpu_user:2.0\r\n# Commandstats\r\ncmdstat_evalsha:calls=3,usec=30,usec_per_call=10.00\r\n")
        let after = RedisInfo(parsing: "total_reads_processed:40\r\ntotal_commands_processed:80\r\nused_cpu_sys:2.0\r\nused_cpu_user:2.5\r\ncmdstat_evalsha:calls=13,usec=130\r\ncmdstat_xadd:calls=5,usec=5\r\nprocess_id:42\r\n")
        let delta = after.since(before)
        #expect(delta.readsProcessed == 30)
        #expect(delta.commandsProcessed == 60)
        #expect(abs(delta.cpuSeconds - 1.0) < 1e-9)
        #expect(delta.calls == ["evalsha": 10, "xadd": 5])
        #expect(delta.pid == 42)
    }
}
