import MCPBroker
import MCPWire
import Testing

/// A job's failure is stored with its code in a field of its own; nothing parses it back out of the text.
@Suite("Job errors")
struct JobErrorTests {
    @Test func theStoredCodeWinsOverTheText() throws {
        let error = try #require(JobError(storedCode: "TOOL_TIMEOUT", text: "TOOL_TIMEOUT: the tool: it hung"))
        #expect(error.code == "TOOL_TIMEOUT")
        #expect(error.message == "the tool: it hung")
        #expect(error.description == "TOOL_TIMEOUT: the tool: it hung")
        // A message that itself starts like another code does not change the code.
        let odd = try #require(JobError(storedCode: "invalid_args", text: "weird: text"))
        #expect(odd.code == "invalid_args")
        #expect(odd.message == "weird: text")
    }

    @Test func aRecordFromBeforeTheFieldStillHasACode() throws {
        let legacy = try #require(JobError(storedCode: nil, text: "timeout: the tool ran longer than its 30 s limit"))
        #expect(legacy.code == "timeout")
        #expect(legacy.message == "the tool ran longer than its 30 s limit")
        #expect(JobError(storedCode: "", text: "") == nil)
        #expect(JobError(storedCode: nil, text: nil) == nil)
    }

    @Test func aJobHashDecodesItsErrorCodeField() throws {
        let record = try #require(JobRecord(id: "j", fields: ["status": "error", "error": "dead_letter: out of attempts", "error_code": "dead_letter"]))
        #expect(record.error?.code == "dead_letter")
        #expect(record.json()["error_code"] == "dead_letter")
        #expect(record.json()["error"] == "dead_letter: out of attempts")
    }
}
