import Logging
import MCPTools
import MCPWire

/// Collects progress reports in order.
actor ProgressRecorder {
    private(set) var reports: [(fraction: Double, message: String)] = []

    func record(_ fraction: Double, _ message: String) {
        reports.append((fraction, message))
    }
}

/// A context for tests; progress goes to `recorder` when given.
func makeContext(recorder: ProgressRecorder? = nil) -> ToolContext {
    ToolContext(
        jobID: "job-1", clientID: "client-001", requestID: "req-1", attempt: 1,
        logger: Logger(label: "mcp.tools.tests"),
        progress: { fraction, message in await recorder?.record(fraction, message) })
}

/// Parses JSON text (exact integers kept), failing the test on bad JSON.
func json(_ text: String) throws -> JSONValue {
    try JSONParser.parse(text)
}

/// Parses JSON object text.
func object(_ text: String) throws -> JSONObject {
    guard case .object(let object) = try json(text) else {
        throw ToolError(code: "test", message: "not an object: \(text)")
    }
    return object
}

/// Runs a built-in tool through the registry and returns the ToolError it throws, if any.
func toolError(_ name: String, _ args: String) async throws -> ToolError? {
    do {
        _ = try await ToolRegistry.builtIn.run(name: name, arguments: try object(args), context: makeContext())
        return nil
    } catch let error as ToolError {
        return error
    }
}
