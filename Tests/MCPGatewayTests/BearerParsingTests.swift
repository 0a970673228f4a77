import Foundation
@testable import MCPGateway
import MCPWire
import Testing

/// The bearer path's parsers on hostile input: every one is a typed refusal, never a trap.
@Suite("Bearer credentials and JWS parsing")
struct BearerParsingTests {
    @Test func authorizationHeadersAreSplitStrictly() throws {
        #expect(try BearerAuthenticator.credentials(["Bearer abc.def-_~+/="]).token == "abc.def-_~+/=")
        #expect(try BearerAuthenticator.credentials(["bearer   tok"]).token == "tok")
        #expect(try BearerAuthenticator.credentials(["DPoP tok"]).dpopScheme)
        let refused: [[String]] = [
            [], ["Bearer a", "Bearer b"], ["Bearer"], ["Basic dXNlcg=="], ["Bearer a b"], ["Bearer ünïcode"],
            ["Bearer " + String(repeating: "a", count: CompactJWS.maxBytes + 1)], ["Bearer \u{0}"],
        ]
        for values in refused {
            #expect(throws: BearerError.self, "\(values.map { $0.prefix(40) })") { try BearerAuthenticator.credentials(values) }
        }
    }

    @Test func compactJWSRefusesEveryMalformedShape() {
        let header = Base64URL.encode(Array("{\"alg\":\"RS256\"}".utf8))
        let claims = Base64URL.encode(Array("{\"exp\":1}".utf8))
        let deep = Base64URL.encode(Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8))
        let duplicate = Base64URL.encode(Array("{\"iss\":\"a\",\"iss\":\"b\"}".utf8))
        let cases = [
            "", ".", "..", "a.b", "a.b.c.d", "\(header).\(claims).!!!", "\(header).\(deep).c2ln",
            "\(header).\(duplicate).c2ln", "\(header).W10.c2ln", "=.\(claims).c2ln", "\(header).\(claims)+.c2ln",
            String(repeating: ".", count: 10_000),
        ]
        for token in cases {
            #expect(throws: BearerError.self, "\(token.prefix(60))") { try CompactJWS(token, what: "access token", code: .malformedToken) }
        }
    }

    @Test func absurdTimesAreClampedOrRefusedNeverTrapped() throws {
        let header = Base64URL.encode(Array("{\"alg\":\"RS256\"}".utf8))
        for (exp, expected) in [("1e308", Int64(9_000_000_000_000_000)), ("-1e308", -9_000_000_000_000_000), ("1.9", 1), ("-0.5", -1)] {
            let token = "\(header).\(Base64URL.encode(Array("{\"exp\":\(exp)}".utf8))).c2ln"
            let jws = try CompactJWS(token, what: "access token", code: .malformedToken)
            #expect(try jws.seconds("exp", what: "access token", code: .malformedToken) == expected, "\(exp)")
        }
        let text = "\(header).\(Base64URL.encode(Array("{\"exp\":\"soon\"}".utf8))).c2ln"
        #expect(throws: BearerError.self) { try CompactJWS(text, what: "access token", code: .malformedToken).seconds("exp", what: "access token", code: .malformedToken) }
    }

    @Test func keySetsOnlyKeepPublicSignatureKeysOfAllowedAlgorithms() async throws {
        let jwks = """
            {"keys": [
              {"kty": "oct", "kid": "secret", "k": "c2VjcmV0"},
              {"kty": "EC", "kid": "p384", "crv": "P-384", "x": "AA", "y": "AA"},
              {"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"},
              {"kty": "RSA", "kid": "ps", "alg": "PS256", "n": "AQAB", "e": "AQAB"}
            ]}
            """
        await #expect(throws: BearerError.self) { try await SigningKeySet(jwks: Array(jwks.utf8)) }  // symmetric key material
        let withoutSecret = jwks.replacingOccurrences(of: "{\"kty\": \"oct\", \"kid\": \"secret\", \"k\": \"c2VjcmV0\"},", with: "")
        let set = try await SigningKeySet(jwks: Array(withoutSecret.utf8))
        #expect(set.algorithms.isEmpty)
        #expect(set.skipped.count == 3)
        await #expect(throws: BearerError.self) { try await SigningKeySet(jwks: Array("[]".utf8)) }
        let many = "{\"keys\": [" + Array(repeating: "{}", count: 65).joined(separator: ",") + "]}"
        await #expect(throws: BearerError.self) { try await SigningKeySet(jwks: Array(many.utf8)) }
    }

    @Test func challengesQuoteAndBoundWhatTheyEcho() {
        let error = BearerError(.unknownKeyID, "kid \"evil\\\"\r\nSet-Cookie: x\" " + String(repeating: "é", count: 1000))
        let header = BearerChallenge.header(for: error, metadataURL: "http://127.0.0.1:1/.well-known/oauth-protected-resource/mcp", offersOAuth: true)
        #expect(!header.contains("\r") && !header.contains("\n") && !header.contains("é"))
        #expect(header.utf8.count < 600)
        #expect(header.contains("error=\"invalid_token\""))
    }

    @Test func dpopTargetsCompareAsRFC9449Says() {
        #expect(DPoPProofVerifier.sameTarget("HTTP://127.0.0.1:80/mcp?x=1#f", "http://127.0.0.1/mcp"))
        #expect(DPoPProofVerifier.sameTarget("https://mcp.example.com:443/mcp", "https://mcp.example.com/mcp"))
        #expect(!DPoPProofVerifier.sameTarget("https://mcp.example.com/mcp/", "https://mcp.example.com/mcp"))
        #expect(!DPoPProofVerifier.sameTarget("https://other.example.com/mcp", "https://mcp.example.com/mcp"))
        #expect(!DPoPProofVerifier.sameTarget("not a url", "https://mcp.example.com/mcp"))
    }
}
