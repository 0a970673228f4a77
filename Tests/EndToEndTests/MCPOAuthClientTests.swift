import Foundation
import MCPClient
import Testing

/// The stock Python MCP SDKs (mcp 1.30.0 and 2.3.0) against `/mcp` with bearer
/// credentials: a static API key header, an access token from a real
/// authorization server, and the SDKs' own OAuth flow starting from our 401.
@Suite("Stock MCP clients with API keys and OAuth")
struct MCPOAuthClientTests {
    @Test func stockClientsUseAStaticAPIKeyHeader() async throws {
        try await withDeployment { system in
            let environment = ["MCP_URL": system.url + "/mcp", "MCP_BEARER": Deployment.agentAPIKey]
            try await PythonScript.run("examples/python/mcp/sdk1_tasks.py", venv: ".venv-mcp1", environment: environment, in: system)
            try await PythonScript.run("examples/python/mcp/sdk2_discover.py", venv: ".venv-mcp2", environment: environment, in: system)
        }
    }

    @Test func stockClientsUseAnAccessTokenFromARealAuthorizationServer() async throws {
        try await withAuthorizationServer { server in
            // No --oauth-jwks: the keys come from the issuer's RFC 8414 metadata.
            try await withDeployment(gatewayArguments: ["--oauth-issuer", server.issuer]) { system in
                let token = try await server.token(client: "ide", scope: "mcp:tools", resource: system.url + "/mcp")
                let environment = ["MCP_URL": system.url + "/mcp", "MCP_BEARER": token]
                try await PythonScript.run("examples/python/mcp/sdk1_tasks.py", venv: ".venv-mcp1", environment: environment, in: system)
                try await PythonScript.run("examples/python/mcp/sdk2_discover.py", venv: ".venv-mcp2", environment: environment, in: system)
                // A token the same server minted for another resource is refused here (RFC 8707: no passthrough).
                let foreign = try await server.token(client: "ide", scope: "mcp:tools", resource: "http://127.0.0.1:1/mcp")
                let reply = try await MCPBearerTests.post(system, MCPBearerTests.sum, token: foreign)
                #expect(reply.errorCode == "wrong_audience", "\(String(decoding: reply.body, as: UTF8.self))")
            }
        }
    }

    @Test func theSDKsOwnOAuthFlowRunsFromOur401() async throws {
        try await withAuthorizationServer { server in
            try await withDeployment(gatewayArguments: ["--oauth-issuer", server.issuer, "--oauth-unlisted-clients", "scopes"]) { system in
                let environment = ["MCP_URL": system.url + "/mcp"]
                try await PythonScript.run("examples/python/mcp/sdk_oauth_flow.py", venv: ".venv-mcp1", environment: environment, in: system)
                try await PythonScript.run("examples/python/mcp/sdk_oauth_flow.py", venv: ".venv-mcp2", environment: environment, in: system)
            }
        }
    }
}
