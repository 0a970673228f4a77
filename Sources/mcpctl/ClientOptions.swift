import ArgumentParser
import MCPClient
import MCPCommandLine
import MCPWire

/// Who the CLI signs as and which gateway it talks to; flags or `MCP_…` variables.
struct ClientOptions: ParsableArguments {
    @Option(help: "Gateway base URL (env MCP_GATEWAY_URL; default http://127.0.0.1:8080).")
    var gateway: String?

    @Option(name: .customLong("client-id"), help: "Client id in the key ring (env MCP_CLIENT_ID).")
    var clientID: String?

    @Option(help: "Client secret in key-ring form: hex:…, base64:…, env:NAME, file:PATH or the literal text (env MCP_CLIENT_SECRET). Prefer env: or file: over a literal on the command line.")
    var secret: String?

    @Option(name: .customLong("server-id"), help: "The deployment's server id (env MCP_SERVER_ID).")
    var serverID: String?

    @Option(name: .customLong("server-secret"), help: "Server secret, same forms; when given, every response signature is verified (env MCP_SERVER_SECRET).")
    var serverSecret: String?

    @Option(help: "For mcp commands: a bearer token (API key or OAuth access token) sent instead of a signature; no client id or secret is needed then. Key-ring forms work: env:NAME, file:PATH (env MCP_BEARER).")
    var bearer: String?

    /// A client for the gateway's `/mcp` endpoint: bearer when a token is given, else signing with the same credentials.
    func mcpClient() throws -> MCPHTTPClient {
        if let text = EnvironmentDefault.optionalString(bearer, "MCP_BEARER") {
            let token = String(decoding: try Secret.resolve(text, name: "--bearer"), as: UTF8.self)
            let serverID = EnvironmentDefault.optionalString(serverID, "MCP_SERVER_ID")
            let serverBytes = try EnvironmentDefault.optionalString(serverSecret, "MCP_SERVER_SECRET").map { try Secret.resolve($0, name: "--server-secret") }
            if serverBytes != nil, serverID == nil { throw ValidationError("--server-secret needs --server-id (MCP_SERVER_ID) to verify responses") }
            return MCPHTTPClient(
                url: EnvironmentDefault.string(gateway, "MCP_GATEWAY_URL", "http://127.0.0.1:8080") + "/mcp", bearer: token,
                verifier: serverBytes.flatMap { bytes in serverID.map { MCPResponseVerifier(serverID: $0, secret: bytes) } })
        }
        let envelopeClient = try client()
        let credentials = envelopeClient.credentials
        let secret = try Secret.resolve(EnvironmentDefault.optionalString(secret, "MCP_CLIENT_SECRET") ?? "", name: "--secret")
        let serverBytes = try EnvironmentDefault.optionalString(serverSecret, "MCP_SERVER_SECRET").map { try Secret.resolve($0, name: "--server-secret") }
        return MCPHTTPClient(
            url: envelopeClient.gatewayURL + "/mcp",
            signer: MCPRequestSigner(clientID: credentials.clientID, secret: secret),
            verifier: serverBytes.map { MCPResponseVerifier(serverID: credentials.serverID, secret: $0) })
    }

    func client() throws -> MCPStreamsClient {
        guard let clientID = EnvironmentDefault.optionalString(clientID, "MCP_CLIENT_ID") else {
            throw ValidationError("no client id: pass --client-id or set MCP_CLIENT_ID")
        }
        guard let secretText = EnvironmentDefault.optionalString(secret, "MCP_CLIENT_SECRET") else {
            throw ValidationError("no client secret: pass --secret or set MCP_CLIENT_SECRET (e.g. env:NAME or file:PATH)")
        }
        guard let serverID = EnvironmentDefault.optionalString(serverID, "MCP_SERVER_ID") else {
            throw ValidationError("no server id: pass --server-id or set MCP_SERVER_ID")
        }
        let secretBytes = try Secret.resolve(secretText, name: "--secret")
        let serverBytes = try EnvironmentDefault.optionalString(serverSecret, "MCP_SERVER_SECRET").map { try Secret.resolve($0, name: "--server-secret") }
        return MCPStreamsClient(
            gatewayURL: EnvironmentDefault.string(gateway, "MCP_GATEWAY_URL", "http://127.0.0.1:8080"),
            credentials: ClientCredentials(clientID: clientID, secret: secretBytes, serverID: serverID, serverSecret: serverBytes))
    }
}
