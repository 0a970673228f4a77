import MCPWire
import Testing

/// Random bytes come from a buffer the kernel refills 4 KiB at a time: any
/// count is served whole, across refills, and no byte is handed out twice.
@Suite("Secure random bytes")
struct SecureRandomTests {
    @Test("counts of 0, below 0, 1, one refill and several refills are served exactly")
    func countsAreServedExactly() {
        #expect(SecureRandom.bytes(0).isEmpty)
        #expect(SecureRandom.bytes(-3).isEmpty)
        #expect(SecureRandom.bytes(1).count == 1)
        #expect(SecureRandom.bytes(4096).count == 4096)
        let large = SecureRandom.bytes(10_000)
        #expect(large.count == 10_000)
        #expect(Set(large).count == 256, "10 000 random bytes should take every value")
        #expect(SecureRandom.hex(bytes: 16).utf8.count == 32)
    }

    @Test("consecutive draws across a refill never repeat a 16-byte block")
    func drawsDoNotRepeat() {
        let blocks = (0..<1_000).map { _ in SecureRandom.bytes(16) }  // about four refills
        #expect(Set(blocks).count == blocks.count)
    }
}
