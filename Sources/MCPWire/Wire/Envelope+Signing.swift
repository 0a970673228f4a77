/// Request signing: HMAC-SHA256 over the canonical envelope without `signature`.
extension Envelope {
    /// The bytes a request signature covers: the canonical JSON of the
    /// envelope without its `signature` member (8 members, keys sorted).
    /// Written directly in sorted key order, without building a `JSONValue`.
    public func signingBytes() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(256)
        buffer.append(contentsOf: #"{"args":"#.utf8)
        CanonicalJSON.writeObject(args, into: &buffer)
        buffer.append(contentsOf: #","client_id":"#.utf8)
        CanonicalJSON.writeString(clientID, into: &buffer)
        buffer.append(contentsOf: #","nonce":"#.utf8)
        CanonicalJSON.writeString(nonce, into: &buffer)
        buffer.append(contentsOf: #","request_id":"#.utf8)
        CanonicalJSON.writeString(requestID, into: &buffer)
        buffer.append(contentsOf: #","server_id":"#.utf8)
        CanonicalJSON.writeString(serverID, into: &buffer)
        buffer.append(contentsOf: #","tool":"#.utf8)
        CanonicalJSON.writeString(tool, into: &buffer)
        buffer.append(contentsOf: #","ts_ms":"#.utf8)
        buffer.append(contentsOf: tsMs.text.utf8)
        buffer.append(contentsOf: #","v":"#.utf8)
        CanonicalJSON.writeString(v, into: &buffer)
        buffer.append(UInt8(ascii: "}"))
        return buffer
    }

    /// A copy carrying the signature made with the client's `key`.
    public func signed(with key: HMACKey) -> Envelope {
        Envelope(
            v: v, requestID: requestID, tsMs: tsMs, clientID: clientID, serverID: serverID,
            tool: tool, args: args, nonce: nonce, signature: key.hexMAC(signingBytes()))
    }

    /// Whether `signature` is exactly the lower-case hex MAC of
    /// `signingBytes()` under `key`, compared in constant time.
    public func verify(with key: HMACKey) -> Bool {
        SignatureCheck.matches(expectedHex: key.hexMAC(signingBytes()), carried: signature)
    }
}
