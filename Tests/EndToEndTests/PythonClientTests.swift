import Foundation
import Testing

/// The tutorial-style Python client (`examples/python/client.py`, pydantic models
/// with `extra="forbid"`) runs its whole demo against a live deployment: every
/// response, errors included, must validate strictly and carry a good signature.
@Suite("The Python example client against a live deployment")
struct PythonClientTests {
    @Test func demoPasses() async throws {
        try await withDeployment { system in
            try await PythonScript.run(
                "examples/python/client.py", arguments: ["demo"], venv: ".venv",
                environment: ["MCP_GATEWAY_URL": system.url], in: system, timeout: .seconds(60))
        }
    }
}
