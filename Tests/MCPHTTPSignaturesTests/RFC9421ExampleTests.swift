import Foundation
import MCPHTTPSignatures
import MCPWire
import Testing

/// RFC 9421 Appendix B.2.5, "Signing a Request Using hmac-sha256": the test
/// request, its shared secret and its published signature.
@Suite("RFC 9421 hmac-sha256 example")
struct RFC9421ExampleTests {
    /// Appendix B.1.4, `test-shared-secret`.
    static let key = HMACKey(secret: Array(Data(base64Encoded:
        "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==")!))
    static let input = #"sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret""#
    static let signature = "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:"
    static let values = ["date": "Tue, 20 Apr 2021 02:07:55 GMT", "@authority": "example.com", "content-type": "application/json"]
    static let expectedBase = """
        "date": Tue, 20 Apr 2021 02:07:55 GMT
        "@authority": example.com
        "content-type": application/json
        "@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"
        """

    static func base(_ parameters: HTTPSignatureParameters) throws -> [UInt8] {
        try HTTPMessageSignature.base(parameters) { (name: String) throws(HTTPSignatureError) -> String in
            guard let value = values[name] else { throw HTTPSignatureError(.missingComponent, name) }
            return value
        }
    }

    @Test func theExampleParsesAndItsBaseAndSignatureMatchTheRFC() throws {
        let (label, parameters, mac) = try HTTPMessageSignature.parse(input: Self.input, signature: Self.signature)
        #expect(label == "sig-b25")
        #expect(parameters.components == ["date", "@authority", "content-type"])
        #expect(parameters.created == 1_618_884_473)
        #expect(parameters.keyID == "test-shared-secret")
        #expect(parameters.algorithm == nil && parameters.nonce == nil)
        let base = try Self.base(parameters)
        #expect(String(decoding: base, as: UTF8.self) == Self.expectedBase)
        #expect(HTTPMessageSignature.sign(base: base, key: Self.key) == "pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=")
        #expect(Self.key.mac(base) == mac)
        // Serialising the parsed parameters gives back the header (signing is the inverse of parsing).
        let headers = try HTTPMessageSignature.headers(label: label, parameters: parameters, signature: "pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=")
        #expect(headers.input == Self.input)
        #expect(headers.signature == Self.signature)
    }

    @Test func aChangedComponentNoLongerVerifies() throws {
        let (_, parameters, mac) = try HTTPMessageSignature.parse(input: Self.input, signature: Self.signature)
        var base = try Self.base(parameters)
        base[base.count / 2] ^= 1
        #expect(Self.key.mac(base) != mac)
    }

    @Test(arguments: [
        ("", "sig=:AAAA:"), ("sig=(", "sig=:AAAA:"), ("sig=(\"@method\")", "sig=AAAA"), ("sig=(\"@method\")", "other=:AAAA:"),
        ("sig=(\"@method\");created=\"x\"", "sig=:AAAA:"), ("sig=(\"@method\");tag=\"t\"", "sig=:AAAA:"), ("sig=(1)", "sig=:AAAA:"),
    ])
    func malformedHeadersAreTypedErrors(input: String, signature: String) {
        #expect(throws: HTTPSignatureError.self) { try HTTPMessageSignature.parse(input: input, signature: signature) }
    }
}
