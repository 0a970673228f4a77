@testable import MCPCommandLine
import Testing

/// Fault 16: a newline in a client's `request_id` forged a log line in the text format.
@Suite("Text log lines cannot be forged")
struct TextLogHandlerTests {
    @Test(arguments: [
        ("r1\n2026-11-29T00:00:00+0000 critical forged", "r1\\n2026-11-29T00:00:00+0000 critical forged"),
        ("a\r\nb", "a\\r\\nb"),
        ("bell\u{07}esc\u{1B}[31m", "bell\\u{7}esc\\u{1b}[31m"),
        ("sep\u{2028}x\u{85}", "sep\\u{2028}x\\u{85}"),
        ("plain-id_1.2 ü", "plain-id_1.2 ü"),
    ])
    func controlCharactersAreEscaped(input: String, expected: String) {
        let escaped = TextLogHandler.escape(input)
        #expect(escaped == expected)
        #expect(!escaped.contains("\n") && !escaped.contains("\r"))
    }

    @Test func durationsRefuseAbsurdNumbersInsteadOfTrapping() throws {
        for bad in [Double.nan, .infinity, -1, 1e300] {
            #expect(throws: ConfigurationError.self) { try EnvironmentDefault.seconds(bad, "MCP_TEST_UNSET", 1) }
        }
        #expect(try EnvironmentDefault.seconds(1.5, "MCP_TEST_UNSET", 1) == .milliseconds(1500))
    }
}
