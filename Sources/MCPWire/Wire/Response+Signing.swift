/// Response signing: HMAC-SHA256 over the canonical response with `"signature": ""`.
extension Response {
    /// The bytes a response signature covers: the canonical JSON of the
    /// response with `signature` present and set to `""` (the original
    /// design signs while the placeholder is still in place).
    public func signingBytes() -> [UInt8] {
        canonicalBytes(signature: "")
    }

    /// The canonical JSON of the response with `signature` replaced, written
    /// directly in sorted key order without building a `JSONValue`.
    func canonicalBytes(signature: String) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256)
        buffer.append(contentsOf: #"{"error":"#.utf8)
        if let error {
            CanonicalJSON.writeString(error, into: &buffer)
        } else {
            buffer.append(contentsOf: CanonicalJSON.nullWord)
        }
        buffer.append(contentsOf: #","ok":"#.utf8)
        buffer.append(contentsOf: ok ? CanonicalJSON.trueWord : CanonicalJSON.falseWord)
        buffer.append(contentsOf: #","request_id":"#.utf8)
        CanonicalJSON.writeString(requestID, into: &buffer)
        buffer.append(contentsOf: #","result":"#.utf8)
        if let result {
            CanonicalJSON.writeObject(result, into: &buffer)
        } else {
            buffer.append(contentsOf: CanonicalJSON.nullWord)
        }
        buffer.append(contentsOf: #","server_id":"#.utf8)
        CanonicalJSON.writeString(serverID, into: &buffer)
        buffer.append(contentsOf: #","signature":"#.utf8)
        CanonicalJSON.writeString(signature, into: &buffer)
        buffer.append(contentsOf: #","status":"#.utf8)
        CanonicalJSON.writeString(status.rawValue, into: &buffer)
        buffer.append(contentsOf: #","ts_ms":"#.utf8)
        buffer.append(contentsOf: tsMs.text.utf8)
        buffer.append(contentsOf: #","v":"#.utf8)
        CanonicalJSON.writeString(v, into: &buffer)
        buffer.append(UInt8(ascii: "}"))
        return buffer
    }

    /// A copy carrying the signature made with the server's `key`.
    public func signed(with key: HMACKey) -> Response {
        Response(
            v: v, requestID: requestID, tsMs: tsMs, ok: ok, serverID: serverID, status: status,
            result: result, error: error, signature: key.hexMAC(signingBytes()))
    }

    /// Whether `signature` is exactly the lower-case hex MAC of
    /// `signingBytes()` under `key`, compared in constant time.
    public func verify(with key: HMACKey) -> Bool {
        SignatureCheck.matches(expectedHex: key.hexMAC(signingBytes()), carried: signature)
    }
}
