import Foundation

/// Turns a key ring secret string into key bytes (`hex:`, `base64:`, `env:`,
/// `file:`, `raw:`, or the text's own UTF-8 bytes).
struct SecretResolver {
    /// Where `env:NAME` looks.
    let environment: [String: String]
    /// Where relative `file:PATH` secrets are found (current directory if nil).
    let baseDirectory: String?

    /// Resolves `text`, the value of `member` (a full path) of `client`.
    func resolve(_ text: String, client: String?, member: String) throws(KeyRingError) -> [UInt8] {
        func failure(_ code: KeyRingError.Code, _ message: String) -> KeyRingError {
            KeyRingError(code: code, client: client, member: member, message: "\(member): \(message)")
        }
        let bytes: [UInt8]
        if let rest = SecretResolver.value(of: text, after: "hex:") {
            guard let decoded = Hex.decode(rest) else {
                throw failure(.invalidHex, "hex: secret must be an even number of hex digits")
            }
            bytes = decoded
        } else if let rest = SecretResolver.value(of: text, after: "base64:") {
            guard let decoded = Data(base64Encoded: rest) else {
                throw failure(.invalidBase64, "base64: secret is not valid base64")
            }
            bytes = Array(decoded)
        } else if let name = SecretResolver.value(of: text, after: "env:") {
            guard let value = environment[name] else {
                throw failure(.missingEnvVar, "environment variable \(name) is not set")
            }
            bytes = Array(value.utf8)
        } else if let path = SecretResolver.value(of: text, after: "file:") {
            bytes = try readSecretFile(path, failure: failure)
        } else if let rest = SecretResolver.value(of: text, after: "raw:") {
            bytes = Array(rest.utf8)
        } else if let scheme = SecretResolver.schemeLikePrefix(text) {
            throw failure(
                .unknownSecretForm,
                "unknown secret form \"\(scheme):\" (use hex:, base64:, env:, file:, or raw: for a literal secret containing a colon)")
        } else {
            bytes = Array(text.utf8)
        }
        guard !bytes.isEmpty else {
            throw failure(.emptySecret, "the secret is empty")
        }
        return bytes
    }

    /// Reads a `file:` secret, dropping one trailing `\n` (or `\r\n`).
    private func readSecretFile(
        _ path: String, failure: (KeyRingError.Code, String) -> KeyRingError
    ) throws(KeyRingError) -> [UInt8] {
        let resolved: String
        if path.hasPrefix("/") {
            resolved = path
        } else {
            let base = baseDirectory ?? FileManager.default.currentDirectoryPath
            resolved = URL(fileURLWithPath: base).appendingPathComponent(path).path
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw failure(.unreadableSecretFile, "cannot read secret file \(resolved)")
        }
        var bytes = Array(data)
        if bytes.last == 0x0A {
            bytes.removeLast()
            if bytes.last == 0x0D { bytes.removeLast() }
        }
        return bytes
    }

    /// The text after `prefix` when `text` starts with it (compared as bytes,
    /// so a combining mark after the colon cannot hide the prefix).
    static func value(of text: String, after prefix: String) -> String? {
        guard text.utf8.starts(with: prefix.utf8) else { return nil }
        return String(decoding: Array(text.utf8.dropFirst(prefix.utf8.count)), as: UTF8.self)
    }

    /// The scheme when `text` starts with `[a-z][a-z0-9]{1,15}:`.
    static func schemeLikePrefix(_ text: String) -> String? {
        var length = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ":") {
                guard length >= 2 else { return nil }
                return String(decoding: Array(text.utf8.prefix(length)), as: UTF8.self)
            }
            let isLetter = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            guard isLetter || (length > 0 && isDigit), length < 16 else { return nil }
            length += 1
        }
        return nil
    }
}
