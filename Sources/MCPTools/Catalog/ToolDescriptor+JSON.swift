import MCPWire

extension ToolDescriptor {
    /// The catalog form:
    /// `{"name","description","mode","timeout_ms","sync_budget_ms","max_attempts","retry_backoff_ms","input_schema"}`.
    public func json() -> JSONValue {
        [
            "name": .string(name),
            "description": .string(description),
            "mode": .string(mode.rawValue),
            "timeout_ms": .integer(JSONInteger(timeout.wholeMilliseconds)),
            "sync_budget_ms": .integer(JSONInteger(syncBudget.wholeMilliseconds)),
            "max_attempts": .integer(JSONInteger(Int64(maxAttempts))),
            "retry_backoff_ms": .integer(JSONInteger(retryBackoff.wholeMilliseconds)),
            "input_schema": inputSchema,
        ]
    }

    /// Reads the catalog form strictly: all eight members, no others, `mode`
    /// `sync` or `async`, `timeout_ms` above zero, `sync_budget_ms` zero or
    /// more, `max_attempts` at least 1, `input_schema` an object. Errors name
    /// the member.
    public init(json: JSONValue) throws(WireDecodingError) {
        let reader = try JSONObjectReader(json: json)
        let name = try reader.string("name")
        guard !name.isEmpty else { throw Self.invalid("name", "must not be empty") }
        let description = try reader.string("description")
        let modeText = try reader.string("mode")
        guard let mode = ToolMode(rawValue: modeText) else {
            throw Self.invalid("mode", "must be \"sync\" or \"async\", got \"\(modeText)\"")
        }
        let timeoutMs = try reader.int64("timeout_ms")
        guard timeoutMs > 0 else { throw Self.invalid("timeout_ms", "must be above 0, got \(timeoutMs)") }
        let budgetMs = try reader.int64("sync_budget_ms")
        guard budgetMs >= 0 else { throw Self.invalid("sync_budget_ms", "must not be negative, got \(budgetMs)") }
        let attempts = try reader.int64("max_attempts")
        guard attempts >= 1, attempts <= Int64(Int32.max) else {
            throw Self.invalid("max_attempts", "must be between 1 and \(Int32.max), got \(attempts)")
        }
        let backoffMs = try reader.int64("retry_backoff_ms")
        guard backoffMs >= 0 else { throw Self.invalid("retry_backoff_ms", "must not be negative, got \(backoffMs)") }
        let schemaMember = try reader.member("input_schema")
        _ = try schemaMember.object()
        try reader.finish()
        self.init(
            name: name,
            description: description,
            mode: mode,
            timeout: .milliseconds(timeoutMs),
            syncBudget: .milliseconds(budgetMs),
            maxAttempts: Int(attempts),
            retryBackoff: .milliseconds(backoffMs),
            inputSchema: schemaMember.value
        )
    }

    /// `invalid_value` for member `key`: `member "key" <problem>`.
    private static func invalid(_ key: String, _ problem: String) -> WireDecodingError {
        WireDecodingError(code: .invalidValue, member: key, message: "member \"\(key)\" \(problem)")
    }
}
