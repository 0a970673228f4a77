import ArgumentParser
import Foundation
import MCPWire

/// `mcpctl keygen`: a new random client secret (or API key) and its key-ring entry.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen", abstract: "Print a new client entry for the key ring (a random 256-bit secret, or with --api-key a bearer token for /mcp).")

    @Argument(help: "The client id.")
    var clientID: String

    @Option(help: "Tools the client may call, comma-separated (default: all).")
    var tools: String = "*"

    @Flag(name: .customLong("api-key"), help: "Make an API key (a bearer token for /mcp) instead of a signing secret: the token is printed once, the key ring keeps only its SHA-256 digest.")
    var apiKey = false

    func run() throws {
        if let problem = clientID.isEmpty ? "must not be empty" : ClientEntry.idProblem(clientID) {
            throw ValidationError("client id \"\(clientID)\" \(problem)")
        }
        let toolList = tools.split(separator: ",").map { JSONValue.string(String($0).trimmingCharacters(in: .whitespaces)) }
        if apiKey {
            let token = APIKey.generate()
            let entry = JSONValue.object(JSONObject([(clientID, .object(JSONObject([
                ("api_keys", .array([.string(APIKey.storedForm(of: token))])), ("tools", .array(toolList)),
            ])))]))
            print("# add this member to \"clients\" in the key ring (it holds only the token's digest;")
            print("# to give an existing client a key, add the digest to its \"api_keys\" and \"api_key\" to its \"auth\"):")
            print(CanonicalJSON.string(entry).dropFirst().dropLast())
            print("# the token, shown only now: give it to the client (MCP clients send it as Authorization: Bearer <token>)")
            print("export MCP_BEARER=\(token)")
            return
        }
        let secret = "hex:" + Secret.random(bytes: 32)
        let entry = JSONValue.object(JSONObject([(clientID, .object(JSONObject([("secret", .string(secret)), ("tools", .array(toolList))])))]))
        print("# add this member to \"clients\" in the key ring:")
        print(CanonicalJSON.string(entry).dropFirst().dropLast())
        print("# and give the client its secret, e.g.:")
        print("export MCP_CLIENT_ID=\(clientID) MCP_CLIENT_SECRET=\(secret)")
    }
}
