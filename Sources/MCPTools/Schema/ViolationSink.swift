/// Where the validator puts violations: it keeps at most `limit` of them and
/// stops looking once it has them, so a value with a million bad elements
/// costs no more memory than one with a single bad element. A violation is
/// built (its path and message rendered) only when it is kept.
struct ViolationSink {
    /// The most violations kept; the walk stops when it has this many.
    let limit: Int
    /// The violations kept, in document order.
    private(set) var kept: [SchemaViolation] = []

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Whether the walk can stop: nothing more will be kept.
    var isFull: Bool { kept.count >= limit }

    /// Records a violation, rendering it only if it is kept.
    mutating func add(_ violation: @autoclosure () -> SchemaViolation) {
        guard !isFull else { return }
        kept.append(violation())
    }
}
