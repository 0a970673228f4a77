import MCPWire
import Testing

@Suite("HMAC-SHA256, SHA-256, signature comparison")
struct CryptoTests {
    struct RFC4231Case: Sendable, CustomTestStringConvertible {
        let number: Int
        let key: [UInt8]
        let data: [UInt8]
        let mac: String
        var testDescription: String { "RFC 4231 case \(number)" }
    }

    static let rfc4231: [RFC4231Case] = [
        RFC4231Case(
            number: 1, key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8),
            mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        RFC4231Case(
            number: 2, key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
            mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        RFC4231Case(
            number: 3, key: [UInt8](repeating: 0xaa, count: 20), data: [UInt8](repeating: 0xdd, count: 50),
            mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        RFC4231Case(
            number: 4, key: hexBytes("0102030405060708090a0b0c0d0e0f10111213141516171819"),
            data: [UInt8](repeating: 0xcd, count: 50),
            mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        RFC4231Case(
            number: 5, key: [UInt8](repeating: 0x0c, count: 20), data: Array("Test With Truncation".utf8),
            mac: "a3b6167473100ee06e0c796c2955552b"),
        RFC4231Case(
            number: 6, key: [UInt8](repeating: 0xaa, count: 131),
            data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        RFC4231Case(
            number: 7, key: [UInt8](repeating: 0xaa, count: 131),
            data: Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
            mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: rfc4231)
    func hmacMatchesRFC4231(_ testCase: RFC4231Case) {
        let key = HMACKey(secret: testCase.key)
        let mac = key.mac(testCase.data)
        #expect(mac.count == 32)
        if testCase.number == 5 {
            #expect(hexString(Array(mac.prefix(16))) == testCase.mac)
        } else {
            #expect(hexString(mac) == testCase.mac)
            #expect(key.hexMAC(testCase.data) == testCase.mac)
        }
    }

    @Test func keyIsReusableAndSharedAcrossTasks() async {
        let key = HMACKey(secret: "client_secret")
        let expected = "3caa75519689dfe9e4bb75d16e0ab758a1ee0cf42852e7100bc2c9cdf74ea870"
        let canonical = Array(Fixtures.vectors.first { $0.name == "demo_batch_sum" }?.canonical?.utf8 ?? "".utf8)
        let results = await withTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { key.hexMAC(canonical) } }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: expected, count: 8))
    }

    @Test func emptyKeyAndEmptyMessage() {
        // HMAC-SHA256("", "") — a known constant.
        #expect(HMACKey(secret: [UInt8]()).hexMAC([])
            == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash(Array("abc".utf8)).count == 32)
    }

    static let good = "3caa75519689dfe9e4bb75d16e0ab758a1ee0cf42852e7100bc2c9cdf74ea870"

    @Test func signatureCheckAcceptsExactLowerCase() {
        #expect(SignatureCheck.matches(expectedHex: Self.good, carried: Self.good))
    }

    @Test func signatureCheckRejectsUpperCaseHex() {
        #expect(!SignatureCheck.matches(expectedHex: Self.good, carried: Self.good.uppercased()))
        // Even when the expected text itself is upper case, only lower-case carried hex passes.
        #expect(!SignatureCheck.matches(expectedHex: Self.good.uppercased(), carried: Self.good.uppercased()))
    }

    @Test func signatureCheckRejectsWrongLength() {
        #expect(!SignatureCheck.matches(expectedHex: Self.good, carried: String(Self.good.dropLast())))
        #expect(!SignatureCheck.matches(expectedHex: Self.good, carried: Self.good + "0"))
        #expect(!SignatureCheck.matches(expectedHex: Self.good, carried: Self.good + "\n"))
        #expect(!SignatureCheck.matches(expectedHex: Self.good, carried: ""))
        #expect(!SignatureCheck.matches(expectedHex: "", carried: ""))
    }

    @Test func signatureCheckRejectsOneDifferentDigit() {
        let lastFlipped = String(Self.good.dropLast()) + "1"
        let firstFlipped = "4" + String(Self.good.dropFirst())
        #expect(!SignatureCheck.matches(expectedHex: Self.good, carried: lastFlipped))
        #expect(!SignatureCheck.matches(expectedHex: Self.good, carried: firstFlipped))
    }
}
