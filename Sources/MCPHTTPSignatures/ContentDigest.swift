import Foundation
import MCPWire

/// RFC 9530 `Content-Digest` with `sha-256`: `sha-256=:<base64>:`.
public enum ContentDigest {
    /// The header value for a body.
    public static func sha256(of body: [UInt8]) -> String {
        "sha-256=:" + Data(SHA256.hash(body)).base64EncodedString() + ":"
    }

    /// Whether a header value carries the body's `sha-256` digest (other algorithms
    /// in the dictionary are ignored; `sha-256` must be present).
    public static func matches(_ header: String, body: [UInt8]) -> Bool {
        let expected = Data(SHA256.hash(body))
        for member in header.split(separator: ",") {
            let trimmed = member.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("sha-256=:"), trimmed.hasSuffix(":"), trimmed.count > 10 else { continue }
            let encoded = trimmed.dropFirst("sha-256=:".count).dropLast()
            guard let decoded = Data(base64Encoded: String(encoded)) else { return false }
            return SignatureCheck.constantTimeEqual(Array(decoded), Array(expected))
        }
        return false
    }
}
