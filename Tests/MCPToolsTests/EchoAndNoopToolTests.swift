import MCPTools
import MCPWire
import Testing

@Suite("echo and noop")
struct EchoAndNoopToolTests {
    @Test func echoReturnsMessageAndData() async throws {
        let result = try await ToolRegistry.builtIn.run(
            name: "echo", arguments: try object(#"{"message": "héllo", "data": {"n": 18446744073709551617}}"#),
            context: makeContext())
        #expect(CanonicalJSON.string(.object(result)) == #"{"data":{"n":18446744073709551617},"message":"h\u00e9llo"}"#)
    }

    @Test func echoOmitsDataUnlessGivenButKeepsAnExplicitNull() async throws {
        let plain = try await ToolRegistry.builtIn.run(name: "echo", arguments: ["message": "hi"], context: makeContext())
        #expect(plain.keys == ["message"])
        let withNull = try await ToolRegistry.builtIn.run(
            name: "echo", arguments: ["message": "hi", "data": nil], context: makeContext())
        #expect(withNull.keys == ["message", "data"])
        #expect(withNull["data"] == .null)
    }

    @Test func echoRejectsTooLongMessage() async throws {
        let long = String(repeating: "a", count: 65537)
        let error = try #require(await toolError("echo", #"{"message": "\#(long)"}"#))
        #expect(error.code == "invalid_args")
        #expect(error.message == "args.message must be at most 65536 characters long, got 65537")
        let fits = String(repeating: "é", count: 65536)
        #expect(try await toolError("echo", #"{"message": "\#(fits)"}"#) == nil)
    }

    @Test func echoRejectsNonStringMessage() async throws {
        let error = try #require(await toolError("echo", #"{"message": 5}"#))
        #expect(error.message == "args.message must be a string, got integer 5")
    }

    @Test func noopReturnsEmptyObjectAndRejectsArguments() async throws {
        let result = try await ToolRegistry.builtIn.run(name: "noop", arguments: [:], context: makeContext())
        #expect(result == [:])
        #expect(ToolRegistry.builtIn.descriptor(named: "noop")?.mode == .async)
        let error = try #require(await toolError("noop", #"{"x": 1}"#))
        #expect(error.code == "invalid_args")
        #expect(error.member == "args.x")
        #expect(error.message == "args.x is not an allowed member (it takes no members)")
    }

    @Test func noArgumentsDecoderRejectsMembers() throws {
        #expect(throws: WireDecodingError.self) {
            try NoArguments(from: JSONObjectReader(try object(#"{"a": 1}"#), path: "args"))
        }
        #expect(try NoArguments(from: JSONObjectReader(JSONObject(), path: "args")) == NoArguments())
    }
}
