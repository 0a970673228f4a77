@testable import MCPFuzzTargets
import RedisClient
import Testing

/// The harness's own RESP reader: what the seeds mean depends on it.
@Suite struct RESPReaderTests {
    @Test func readsEveryReplyKind() {
        let text = "*5\r\n$3\r\nfoo\r\n:-7\r\n+OK\r\n-ERR no\r\n$-1\r\n*-1\n"
        #expect(RESPReader.values(Array(text.utf8)) == [
            .array([.bulk(Array("foo".utf8)), .integer(-7), .status("OK"), .error("ERR no"), .null]),
            .null,
        ])
    }

    @Test func stopsAtTheFirstThingThatIsNotAReply() {
        #expect(RESPReader.values(Array(":1\n*3\n:1\n".utf8)) == [.integer(1)])
        #expect(RESPReader.values(Array("$99\nshort\n".utf8)).isEmpty)
        #expect(RESPReader.values(Array(":99999999999999999999\n".utf8)).isEmpty)
    }

    @Test func boundsNesting() {
        let deep = String(repeating: "*1\n", count: RESPReader.maxDepth + 2) + ":1\n"
        #expect(RESPReader.values(Array(deep.utf8)).isEmpty)
    }
}
