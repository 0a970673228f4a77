import ArgumentParser
import MCPClient
import MCPWire

/// Prints a reply's result (or error) and sets the exit code.
enum ReplyPrinter {
    static func finish(_ reply: GatewayReply) throws {
        let response = reply.response
        if response.ok && response.status != .error {
            print(CanonicalJSON.string(response.result.map { .object($0) } ?? .null))
            return
        }
        var text = "error (HTTP \(reply.httpStatus)): \(response.error ?? "status \(response.status.rawValue)")"
        if let result = response.result { text += "\n" + CanonicalJSON.string(.object(result)) }
        printToStandardError(text)
        throw ExitCode(reply.httpStatus == 200 ? 1 : 2)
    }

    static func printToStandardError(_ text: String) {
        var stream = StandardError()
        print(text, to: &stream)
    }
}

/// `print(…, to:)` target for standard error.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleWriter.write(string)
    }
}
