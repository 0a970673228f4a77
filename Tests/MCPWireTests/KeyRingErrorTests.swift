import Foundation
import MCPWire
import Testing

/// Parses key ring text, returning the error (nil if it loaded).
func keyRingError(
    _ text: String, environment: [String: String] = [:], baseDirectory: String? = nil
) -> KeyRingError? {
    do {
        _ = try KeyRing.parse(bytes: Array(text.utf8), environment: environment, baseDirectory: baseDirectory)
        return nil
    } catch {
        return error
    }
}

/// A key ring whose `billing` client has `clientBody` as its JSON object body.
func ringWithBilling(_ clientBody: String) -> String {
    #"{"server_id":"s","server_secret":"server_secret","clients":{"ok":{"secret":"k"},"billing":{"#
        + clientBody + "}}}"
}

@Suite("KeyRing errors")
struct KeyRingErrorTests {
    @Test func unreadableFile() {
        do {
            _ = try KeyRing.load(path: "/nonexistent/mcp/keys.json", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unreadableFile)
            #expect(error.file == "/nonexistent/mcp/keys.json")
            #expect(error.message.contains("/nonexistent/mcp/keys.json"))
        }
    }

    @Test func malformed() {
        let error = keyRingError(#"{"server_id":"s","#)
        #expect(error?.code == .malformed)
        #expect(error?.parseError?.code == .unexpectedEnd)
        let duplicateElsewhere = keyRingError(#"{"server_id":"s","server_id":"t","server_secret":"x","clients":{}}"#)
        #expect(duplicateElsewhere?.code == .malformed)
        #expect(duplicateElsewhere?.parseError?.code == .duplicateKey)
    }

    @Test func missingMember() {
        let top = keyRingError(#"{"server_id":"s","clients":{"c":{"secret":"k"}}}"#)
        #expect(top?.code == .missingMember)
        #expect(top?.member == "server_secret")
        let client = keyRingError(ringWithBilling(#""tools":["*"]"#))
        #expect(client?.code == .missingMember)
        #expect(client?.client == "billing")
        #expect(client?.member == "clients.billing.secret")
    }

    @Test(arguments: [
        (#""secret":"k","tools":"batch_sum""#, "clients.billing.tools"),
        (#""secret":"k","tools":[]"#, "clients.billing.tools"),
        (#""secret":"k","tools":null"#, "clients.billing.tools"),
        (#""secret":"k","tools":["echo",1]"#, "clients.billing.tools[1]"),
        (#""secret":42"#, "clients.billing.secret"),
    ])
    func wrongTypeInClient(_ body: String, _ member: String) {
        let error = keyRingError(ringWithBilling(body))
        #expect(error?.code == .wrongType)
        #expect(error?.client == "billing")
        #expect(error?.member == member)
    }

    @Test func wrongTypeElsewhere() {
        #expect(keyRingError("[]")?.code == .wrongType)
        let clientNotObject = keyRingError(#"{"server_id":"s","server_secret":"x","clients":{"billing":"hex:00"}}"#)
        #expect(clientNotObject?.code == .wrongType)
        #expect(clientNotObject?.member == "clients.billing")
        #expect(keyRingError(#"{"server_id":1,"server_secret":"x","clients":{"c":{"secret":"k"}}}"#)?.member == "server_id")
    }

    @Test func extraMember() {
        let client = keyRingError(ringWithBilling(#""secret":"k","tool":["echo"]"#))
        #expect(client?.code == .extraMember)
        #expect(client?.member == "clients.billing.tool")
        #expect(client?.client == "billing")
        let top = keyRingError(#"{"server_id":"s","server_secret":"x","clients":{"c":{"secret":"k"}},"debug":true}"#)
        #expect(top?.code == .extraMember)
        #expect(top?.member == "debug")
    }

    @Test(arguments: ["vault:x", "aws:secret", "hex2:00", "sha256:abc"])
    func unknownSecretForm(_ secret: String) {
        let error = keyRingError(ringWithBilling("\"secret\":\"\(secret)\""))
        #expect(error?.code == .unknownSecretForm)
        #expect(error?.member == "clients.billing.secret")
        #expect(error?.message.contains("raw:") == true)
    }

    @Test(arguments: ["a:b", "Vault:x", "1abc:x", "has space:x", "abcdefghijklmnopq:x"])
    func colonTextThatIsNotSchemeLikeIsALiteral(_ secret: String) throws {
        let ring = try KeyRing.parse(bytes: Array(ringWithBilling("\"secret\":\"\(secret)\"").utf8), environment: [:])
        #expect(ring.client("billing")?.secret == Array(secret.utf8))
    }

    @Test(arguments: ["hex:abc", "hex:zz", "hex:0g"])
    func invalidHex(_ secret: String) {
        let error = keyRingError(ringWithBilling("\"secret\":\"\(secret)\""))
        #expect(error?.code == .invalidHex)
        #expect(error?.client == "billing")
    }

    @Test func invalidBase64() {
        let error = keyRingError(ringWithBilling(#""secret":"base64:!!not base64!!""#))
        #expect(error?.code == .invalidBase64)
        #expect(error?.member == "clients.billing.secret")
    }

    @Test func missingEnvVar() {
        let error = keyRingError(ringWithBilling(#""secret":"env:BILLING_SECRET""#), environment: ["OTHER": "x"])
        #expect(error?.code == .missingEnvVar)
        #expect(error?.message.contains("BILLING_SECRET") == true)
        #expect(error?.client == "billing")
    }

    @Test func unreadableSecretFile() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = keyRingError(ringWithBilling(#""secret":"file:missing.secret""#), baseDirectory: folder.path)
        #expect(error?.code == .unreadableSecretFile)
        #expect(error?.message.contains(folder.appendingPathComponent("missing.secret").path) == true)
    }

    @Test(arguments: [#""secret":"""#, #""secret":"hex:""#, #""secret":"raw:""#, #""secret":"env:EMPTY""#, #""secret":"base64:""#])
    func emptySecret(_ body: String) {
        let error = keyRingError(ringWithBilling(body), environment: ["EMPTY": ""])
        #expect(error?.code == .emptySecret)
        #expect(error?.member == "clients.billing.secret")
    }

    @Test func emptySecretFileAfterNewlineIsStripped() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("\n".utf8).write(to: folder.appendingPathComponent("blank"))
        let error = keyRingError(ringWithBilling(#""secret":"file:blank""#), baseDirectory: folder.path)
        #expect(error?.code == .emptySecret)
    }

    @Test func duplicateClient() {
        let text = #"{"server_id":"s","server_secret":"x","clients":{"billing":{"secret":"a"},"ops":{"secret":"b"},"billing":{"secret":"c"}}}"#
        let error = keyRingError(text)
        #expect(error?.code == .duplicateClient)
        #expect(error?.client == "billing")
        #expect(error?.message.contains("billing") == true)
    }

    @Test func unicodeEquivalentClientIDsAreDuplicates() {
        let text = #"{"server_id":"s","server_secret":"x","clients":{"caf\u00e9":{"secret":"a"},"cafe\u0301":{"secret":"b"}}}"#
        let error = keyRingError(text)
        #expect(error?.code == .duplicateClient)
        #expect(error?.client == "cafe\u{301}")
    }

    @Test func noClients() {
        let error = keyRingError(#"{"server_id":"s","server_secret":"x","clients":{}}"#)
        #expect(error?.code == .noClients)
        #expect(error?.member == "clients")
    }

    @Test func emptyClientID() {
        #expect(keyRingError(#"{"server_id":"s","server_secret":"x","clients":{"":{"secret":"a"}}}"#)?.code
            == .invalidClientID)
    }

    @Test func loadAttributesErrorsToTheFile() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("keys.json").path
        try Data(ringWithBilling(#""secret":"vault:x""#).utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try KeyRing.load(path: path, environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.file == path)
            #expect(error.description.hasPrefix("\(path): unknown_secret_form: clients.billing.secret:"))
        }
    }
}
