import Foundation
import MCPWire

/// Who the generator signs as: a client of the key ring, and the deployment's server id.
struct BenchCredentials: Sendable {
    let clientID: String
    let secret: [UInt8]
    let serverID: String

    /// Fresh random credentials and the key ring file that grants them every tool.
    static func generate(clientID: String, serverID: String, writingTo file: URL) throws -> BenchCredentials {
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let server = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let json = """
            {"server_id": "\(serverID)", "server_secret": "hex:\(hex(server))",
             "clients": {"\(clientID)": {"secret": "hex:\(hex(secret))", "tools": ["*"]}}}
            """
        try json.write(to: file, atomically: true, encoding: .utf8)
        return BenchCredentials(clientID: clientID, secret: secret, serverID: serverID)
    }

    /// A client's credentials read from an existing key ring file.
    static func load(keysFile: String, clientID: String) throws -> BenchCredentials {
        let ring: KeyRing
        do {
            ring = try KeyRing.load(path: keysFile)
        } catch {
            throw BenchError("cannot read the key ring \(keysFile): \(error)")
        }
        guard let secret = ring.client(clientID)?.secret else {
            throw BenchError("client \"\(clientID)\" is not in \(keysFile); pass --client-id with one that is")
        }
        return BenchCredentials(clientID: clientID, secret: secret, serverID: ring.serverID)
    }

    /// The client's secret as hex (for the Python client).
    var secretHex: String { Self.hex(secret) }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xf)]] })
    }
}
