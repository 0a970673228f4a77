import MCPWire
import Testing

/// The key ring's `auth` lists and API key digests (issue: bearer and OAuth on /mcp).
@Suite("KeyRing auth methods and API keys")
struct KeyRingAuthTests {
    static func ring(_ clients: String) throws(KeyRingError) -> KeyRing {
        try KeyRing.parse(bytes: Array("{\"server_id\": \"s\", \"server_secret\": \"x\", \"clients\": {\(clients)}}".utf8), environment: [:])
    }

    @Test func methodsDefaultToTheCredentialsAClientHas() throws {
        let token = APIKey.generate()
        let ring = try Self.ring("""
            "signer": {"secret": "s1"},
            "both": {"secret": "s2", "api_keys": ["\(APIKey.storedForm(of: token))"]},
            "ide": {"auth": ["oauth"], "tools": ["batch_sum"]}
            """)
        #expect(ring.client("signer")?.methods == [.signature])
        #expect(ring.client("both")?.methods == [.signature, .apiKey])
        #expect(ring.client("ide")?.methods == [.oauth])
        #expect(ring.client(forAPIKey: token)?.id == "both")
        #expect(ring.client(forAPIKey: token + "x") == nil)
        #expect(ring.client(forAPIKey: String(repeating: "a", count: 10_000)) == nil)
        #expect(!"\(ring.client("both")!)".contains(token) && !"\(ring.client("both")!)".contains("s2"))
    }

    @Test func generatedTokensAreDistinctAndPrefixed() {
        let a = APIKey.generate(), b = APIKey.generate()
        #expect(a != b && a.hasPrefix("mcps_") && a.utf8.count == 5 + 43)
        #expect(APIKey.parseStored(APIKey.storedForm(of: a)) == APIKey.digest(of: a))
    }

    @Test func everyInconsistentEntryIsRefusedWithItsCode() throws {
        let digest = APIKey.storedForm(of: "mcps_x")
        let cases: [(String, KeyRingError.Code)] = [
            ("\"a\": {\"tools\": [\"*\"]}", .missingMember),
            ("\"a\": {\"secret\": \"s\", \"auth\": []}", .invalidAuth),
            ("\"a\": {\"secret\": \"s\", \"auth\": [\"password\"]}", .invalidAuth),
            ("\"a\": {\"auth\": [\"signature\"]}", .invalidAuth),
            ("\"a\": {\"auth\": [\"api_key\"]}", .invalidAuth),
            ("\"a\": {\"secret\": \"s\", \"auth\": [\"signature\"], \"api_keys\": [\"\(digest)\"]}", .invalidAuth),
            ("\"a\": {\"api_keys\": [\"mcps_pasted-the-token\"]}", .invalidAPIKey),
            ("\"a\": {\"api_keys\": [\"sha256:abc\"]}", .invalidAPIKey),
            ("\"a\": {\"api_keys\": [\"\(digest)\"]}, \"b\": {\"api_keys\": [\"\(digest)\"]}", .duplicateAPIKey),
            ("\"a\": {\"api_keys\": [7]}", .wrongType),
        ]
        for (clients, code) in cases {
            #expect(throws: KeyRingError.self, "\(clients)") { try Self.ring(clients) }
            do {
                _ = try Self.ring(clients)
            } catch {
                #expect(error.code == code, "\(clients): \(error)")
            }
        }
    }
}
