import ArgumentParser
import Foundation
import MCPWire

/// `mcpctl keygen`: a new random client secret and its key-ring entry.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen", abstract: "Print a new client entry for the key ring (a random 256-bit secret).")

    @Argument(help: "The client id.")
    var clientID: String

    @Option(help: "Tools the client may call, comma-separated (default: all).")
    var tools: String = "*"

    func run() throws {
        let secret = "hex:" + Secret.random(bytes: 32)
        let toolList = tools.split(separator: ",").map { JSONValue.string(String($0).trimmingCharacters(in: .whitespaces)) }
        let entry = JSONValue.object(JSONObject([(clientID, .object(JSONObject([("secret", .string(secret)), ("tools", .array(toolList))])))]))
        print("# add this member to \"clients\" in the key ring:")
        print(CanonicalJSON.string(entry).dropFirst().dropLast())
        print("# and give the client its secret, e.g.:")
        print("export MCP_CLIENT_ID=\(clientID) MCP_CLIENT_SECRET=\(secret)")
    }
}
