import MCPWire

/// A JWT in compact form (`header.payload.signature`), split and decoded at
/// the boundary: the header and claims parsed as strict JSON objects with our
/// parser, so every later read is typed. The signature is checked by JWTKit.
struct CompactJWS: Sendable {
    /// The longest token looked at, in bytes.
    static let maxBytes = 16 << 10

    /// The token as received.
    let token: String
    /// The JOSE header.
    let header: JSONObject
    /// The claims.
    let claims: JSONObject

    /// Splits and decodes `token`; `what` names it in errors ("access token", "DPoP proof").
    init(_ token: String, what: String, code: BearerError.Code) throws(BearerError) {
        guard token.utf8.count <= Self.maxBytes else {
            throw BearerError(code, "the \(what) is \(token.utf8.count) bytes; at most \(Self.maxBytes) are accepted")
        }
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        // An empty signature parses (so `alg: none` is refused by name, not as malformed) and never verifies.
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw BearerError(code, "the \(what) is not a compact JWS (three base64url parts separated by dots)")
        }
        self.token = token
        self.header = try Self.object(parts[0], part: "header", what: what, code: code)
        self.claims = try Self.object(parts[1], part: "claims", what: what, code: code)
        guard parts[2].isEmpty || Base64URL.decode(String(decoding: parts[2], as: UTF8.self)) != nil else {
            throw BearerError(code, "the \(what)'s signature is not base64url")
        }
    }

    private static func object(_ part: Substring.UTF8View.SubSequence, part name: String, what: String, code: BearerError.Code) throws(BearerError) -> JSONObject {
        guard let bytes = Base64URL.decode(String(decoding: part, as: UTF8.self)) else {
            throw BearerError(code, "the \(what)'s \(name) is not base64url")
        }
        guard let value = try? JSONParser.parse(bytes, maxDepth: 16), case .object(let object) = value else {
            throw BearerError(code, "the \(what)'s \(name) is not a JSON object")
        }
        return object
    }

    /// The header's `alg`.
    var algorithm: String? { header["alg"]?.stringValue }
    /// The header's `kid`.
    var keyID: String? { header["kid"]?.stringValue }
    /// The header's `typ`.
    var type: String? { header["typ"]?.stringValue }

    /// A string claim; a present claim of another type is malformed.
    func string(_ name: String, what: String, code: BearerError.Code) throws(BearerError) -> String? {
        switch claims[name] {
        case nil: return nil
        case .string(let value)?: return value
        default: throw BearerError(code, "the \(what)'s \(name) claim must be a string")
        }
    }

    /// A NumericDate claim (seconds since the epoch, RFC 7519 §2) as whole seconds;
    /// fractions are dropped, absurd values clamped, never trapped on.
    func seconds(_ name: String, what: String, code: BearerError.Code) throws(BearerError) -> Int64? {
        guard let value = claims[name] else { return nil }
        guard let number = value.doubleValue, number.isFinite else {
            throw BearerError(code, "the \(what)'s \(name) claim must be a number of seconds")
        }
        if number >= 9.0e15 { return 9_000_000_000_000_000 }
        if number <= -9.0e15 { return -9_000_000_000_000_000 }
        return Int64(number.rounded(.down))
    }
}
