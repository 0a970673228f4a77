@testable import RedisClient
import Testing

/// The reply reader's budget at a header: a bulk string or array that declares more than the
/// reply may take is refused as soon as its header is read, before a byte of its payload.
@Suite("The reply reader's budget at a header")
struct RESPReplyReaderBudgetTests {
    private static func isTooLarge(_ next: RESPReplyReader.Next) -> Bool {
        if case .failure(let error) = next { return error.code == .replyTooLarge }
        return false
    }

    private static func isIncomplete(_ next: RESPReplyReader.Next) -> Bool {
        if case .incomplete = next { return true }
        return false
    }

    @Test func aBulkDeclaredLargerThanTheLimitIsRefusedAtItsHeader() {
        let reader = RESPReplyReader(replyByteLimit: 1 << 20)
        #expect(reader.feed(Array("$2000000000\r\nxx".utf8)) == nil)
        #expect(Self.isTooLarge(reader.next()))
        #expect(Self.isTooLarge(reader.next()), "the reader stays failed")
    }

    @Test func aLengthIsRefusedOnceItsDigitsAloneAreTooMany() {
        let reader = RESPReplyReader(replyByteLimit: 1 << 20)
        #expect(reader.feed(Array("$2000".utf8)) == nil)
        #expect(Self.isIncomplete(reader.next()), "2000 bytes would fit")
        #expect(reader.feed(Array("000".utf8)) == nil)
        #expect(Self.isTooLarge(reader.next()), "2 000 000 bytes never fit, whatever digits follow")
    }

    @Test func aBulkInsideAnArrayCountsWhatTheArrayTookAlready() {
        let limit = 1 << 20
        // The array (2 slots and itself: 176) and "foo" (163) leave 1 048 237; the next bulk costs its length + 160.
        let fits = RESPReplyReader(replyByteLimit: limit)
        #expect(fits.feed(Array("*2\r\n$3\r\nfoo\r\n$1048077\r\n".utf8)) == nil)
        #expect(Self.isIncomplete(fits.next()))
        let refused = RESPReplyReader(replyByteLimit: limit)
        #expect(refused.feed(Array("*2\r\n$3\r\nfoo\r\n$1048078\r\n".utf8)) == nil)
        #expect(Self.isTooLarge(refused.next()))
    }

    @Test func anArrayIsRefusedAtItsCountWhenItsElementsCouldNotFit() {
        // 100 000 slots are 800 KB, under 1 MiB, but 100 000 elements take 160 bytes each at least.
        let reader = RESPReplyReader(replyByteLimit: 1 << 20)
        #expect(reader.feed(Array("*100000\r\n".utf8)) == nil)
        #expect(Self.isTooLarge(reader.next()))
        let small = RESPReplyReader(replyByteLimit: 1 << 20)
        #expect(small.feed(Array("*6000\r\n".utf8)) == nil)
        #expect(Self.isIncomplete(small.next()), "6 000 elements of 168 bytes fit")
    }

    @Test func repliesThatFitAreReadAsBefore() {
        let reader = RESPReplyReader(replyByteLimit: 100 + 160)
        #expect(reader.feed(Array("$-1\r\n$100\r\n".utf8)) == nil)
        guard case .reply(.null) = reader.next() else {
            Issue.record("a nil bulk was not read")
            return
        }
        #expect(Self.isIncomplete(reader.next()))
        #expect(reader.feed(Array(String(repeating: "x", count: 100).utf8) + Array("\r\n".utf8)) == nil)
        guard case .reply(let value) = reader.next() else {
            Issue.record("a bulk of exactly the limit was not read")
            return
        }
        #expect(value.bytes?.count == 100)
    }
}
