import MCPWire

/// Who a client is and what it signs with.
public struct ClientCredentials: Sendable {
    /// The client id in the gateway's key ring.
    public let clientID: String
    /// The client's pre-keyed HMAC.
    public let key: HMACKey
    /// The deployment's server id the envelopes are addressed to.
    public let serverID: String
    /// The server's key, to verify response signatures; `nil` skips verification.
    public let serverKey: HMACKey?

    /// Creates credentials from secret bytes.
    public init(clientID: String, secret: [UInt8], serverID: String, serverSecret: [UInt8]? = nil) {
        self.clientID = clientID
        self.key = HMACKey(secret: secret)
        self.serverID = serverID
        self.serverKey = serverSecret.map { HMACKey(secret: $0) }
    }
}
