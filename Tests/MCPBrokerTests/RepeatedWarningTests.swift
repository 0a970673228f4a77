import Logging
import MCPBroker
import Testing

/// A failure that repeats is a warning once, then debug until the window passes or the cause
/// changes (an outside attack counted 10 warnings a second per worker while a stream was poisoned).
@Suite("Repeated warnings")
struct RepeatedWarningTests {
    @Test func aRepeatIsDebugUntilTheCauseChangesOrItRecovers() {
        let warnings = RepeatedWarning(window: .seconds(3_600))
        #expect(warnings.level(for: "p0", cause: "WRONGTYPE") == (.warning, 0))
        #expect(warnings.level(for: "p0", cause: "WRONGTYPE") == (.debug, 1))
        #expect(warnings.level(for: "p0", cause: "WRONGTYPE") == (.debug, 2))
        #expect(warnings.level(for: "p1", cause: "WRONGTYPE") == (.warning, 0))  // another subject
        #expect(warnings.level(for: "p0", cause: "NOGROUP") == (.warning, 2))  // a new cause, saying how many were held back
        warnings.recovered("p0")
        #expect(warnings.level(for: "p0", cause: "NOGROUP") == (.warning, 0))
    }

    @Test func aRepeatIsAWarningAgainOnceTheWindowPassed() {
        let warnings = RepeatedWarning(window: .zero)
        #expect(warnings.level(for: "read", cause: "timeout") == (.warning, 0))
        #expect(warnings.level(for: "read", cause: "timeout") == (.warning, 0))
    }
}
