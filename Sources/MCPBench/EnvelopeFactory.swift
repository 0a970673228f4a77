import Foundation
import MCPWire
import NIOCore

/// Signs envelopes before a phase's clock starts, each with a unique nonce
/// and request id, and wraps them into complete HTTP requests.
struct EnvelopeFactory: Sendable {
    let clientID: String
    let serverID: String
    let key: HMACKey
    let host: String
    let port: Int
    /// Makes nonces unique across runs against the same Redis.
    private let runID = String(UUID().uuidString.prefix(8)).lowercased()

    init(credentials: BenchCredentials, host: String, port: Int) {
        clientID = credentials.clientID
        serverID = credentials.serverID
        key = HMACKey(secret: credentials.secret)
        self.host = host
        self.port = port
    }

    /// `count` signed envelopes calling `tool`, as HTTP requests; `label` keeps phases' nonces apart.
    func requests(tool: String, args: JSONObject, count: Int, label: String) -> [ByteBuffer] {
        bodies(tool: tool, args: args, count: count, label: label).map { body in
            LoadDriver.request(body: Array(body.readableBytesView), host: host, port: port)
        }
    }

    /// The unique part of the `index`th envelope's request id and nonce (`req-<suffix>`, `nonce-<suffix>`).
    func requestSuffix(label: String, index: Int) -> String { "\(runID)-\(label)-\(index)" }

    /// `count` signed envelopes calling `tool`, as bodies only.
    func bodies(tool: String, args: JSONObject, count: Int, label: String) -> [ByteBuffer] {
        let now = JSONInteger(Int64(Date().timeIntervalSince1970 * 1000))
        var requests = [ByteBuffer]()
        requests.reserveCapacity(count)
        for index in 0..<count {
            let id = requestSuffix(label: label, index: index)
            let envelope = Envelope(
                requestID: "req-\(id)", tsMs: now, clientID: clientID, serverID: serverID,
                tool: tool, args: args, nonce: "nonce-\(id)"
            ).signed(with: key)
            requests.append(ByteBuffer(bytes: envelope.wireBytes()))
        }
        return requests
    }
}
