import MCPWire
import Testing

@Suite("RFC 3339 timestamps without ICU")
struct RFC3339TimestampTests {
    @Test func millisecondsAndLogSeconds() {
        #expect(RFC3339Timestamp.string(milliseconds: 1_700_000_000_123) == "2023-11-14T22:13:20.123Z")
        #expect(RFC3339Timestamp.secondsWithOffset(milliseconds: 1_700_000_000_999) == "2023-11-14T22:13:20+0000")
        #expect(RFC3339Timestamp.string(milliseconds: 1_709_251_199_000) == "2024-02-29T23:59:59.000Z")  // leap day
        #expect(RFC3339Timestamp.string(milliseconds: -86_400_001) == "1969-12-30T23:59:59.999Z")
    }
}
