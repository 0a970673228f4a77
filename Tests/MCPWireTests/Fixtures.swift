import Foundation
import MCPWire
import Testing

/// One entry of `vectors` in vectors.json.
struct SigningVector: Sendable, CustomTestStringConvertible {
    let name: String
    let kind: String
    let layer: String
    let expect: String
    let wire: String
    let secretHex: String
    let canonical: String?
    let canonicalSHA256: String?
    let expectedSignature: String?
    let carriedSignature: String?
    var testDescription: String { name }
}

/// One entry of `quirks`.
struct Quirk: Sendable, CustomTestStringConvertible {
    let name: String
    let wire: String
    let secretHex: String
    let strictResult: String
    let strictReason: String
    var testDescription: String { name }
}

/// One entry of `canonicalization_cases`.
struct CanonicalCase: Sendable, CustomTestStringConvertible {
    let name: String
    let wire: String
    let canonical: String
    var testDescription: String { name }
}

/// vectors.json, parsed with MCPWire's own strict parser (the file is strict
/// JSON: no duplicate keys, no lone surrogates, no non-finite numbers).
enum Fixtures {
    static let root: JSONObject = {
        guard let url = Bundle.module.url(forResource: "vectors", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              case .object(let object)? = try? JSONParser.parse(Array(data))
        else { return JSONObject() }
        return object
    }()

    static func entries(_ key: String) -> [JSONObject] {
        (root[key]?.arrayValue ?? []).compactMap(\.objectValue)
    }

    static let vectors: [SigningVector] = entries("vectors").map { entry in
        SigningVector(
            name: entry["name"]?.stringValue ?? "?",
            kind: entry["kind"]?.stringValue ?? "?",
            layer: entry["layer"]?.stringValue ?? "?",
            expect: entry["expect"]?.stringValue ?? "?",
            wire: entry["envelope_wire"]?.stringValue ?? "",
            secretHex: entry["secret_hex"]?.stringValue ?? "",
            canonical: entry["canonical"]?.stringValue,
            canonicalSHA256: entry["canonical_sha256"]?.stringValue,
            expectedSignature: entry["expected_signature"]?.stringValue,
            carriedSignature: entry["carried_signature"]?.stringValue)
    }

    static let quirks: [Quirk] = entries("quirks").map { entry in
        Quirk(
            name: entry["name"]?.stringValue ?? "?",
            wire: entry["envelope_wire"]?.stringValue ?? "",
            secretHex: entry["secret_hex"]?.stringValue ?? "",
            strictResult: entry["strict_result"]?.stringValue ?? "?",
            strictReason: entry["strict_reason"]?.stringValue ?? "?")
    }

    static let canonicalCases: [CanonicalCase] = entries("canonicalization_cases").map { entry in
        CanonicalCase(
            name: entry["name"]?.stringValue ?? "?",
            wire: entry["wire"]?.stringValue ?? "",
            canonical: entry["canonical"]?.stringValue ?? "")
    }
}

/// Decodes hex test data (either case); traps on bad input.
func hexBytes(_ text: String) -> [UInt8] {
    let utf8 = Array(text.utf8)
    precondition(utf8.count % 2 == 0, "odd hex length")
    return stride(from: 0, to: utf8.count, by: 2).map { index in
        UInt8(String(decoding: utf8[index..<index + 2], as: UTF8.self), radix: 16)!
    }
}

/// Lower-case hex of bytes, for comparing digests.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// The gateway's order of checks (DESIGN §3 steps 2–4 and 7) reduced to a
/// verdict and a reason, for vectors and quirks.
func strictVerdict(wire: String, secret: [UInt8], kind: String) -> (result: String, reason: String) {
    let parsed: JSONValue
    do {
        parsed = try JSONParser.parse(Array(wire.utf8))
    } catch {
        return ("invalid", "parse:\(error.code.rawValue)")
    }
    let key = HMACKey(secret: secret)
    do {
        if kind == "response" {
            let response = try Response(json: parsed)
            guard response.v == Envelope.version else { return ("invalid", "unsupported_version") }
            return (response.verify(with: key) ? "valid" : "invalid", "signature")
        }
        let envelope = try Envelope(json: parsed)
        guard envelope.v == Envelope.version else { return ("invalid", "unsupported_version") }
        return (envelope.verify(with: key) ? "valid" : "invalid", "signature")
    } catch {
        return ("invalid", "schema:\(error.code.rawValue):\(error.member ?? "")")
    }
}
