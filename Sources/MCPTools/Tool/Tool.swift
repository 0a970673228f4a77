import MCPWire

/// A tool the workers run: a name, strictly decoded arguments with a JSON
/// Schema, a mode, limits, and the work itself.
///
/// A tool is a value (usually an empty struct) registered in a
/// `ToolRegistry`. It sees cancellation as Swift task cancellation: long
/// work calls `try Task.checkCancellation()` or sleeps with `Task.sleep`,
/// which throws `CancellationError` when the job is cancelled or times out.
///
/// ```swift
/// struct Greet: Tool {
///     struct Arguments: ToolArguments { … }
///     static let name = "greet"
///     static let description = "Says hello."
///     static let mode = ToolMode.sync
///     func run(_ arguments: Arguments, context: ToolContext) async throws -> JSONObject {
///         ["greeting": .string("hello, \(arguments.who)")]
///     }
/// }
/// ```
public protocol Tool: Sendable {
    /// The decoded, validated arguments the tool runs with.
    associatedtype Arguments: ToolArguments

    /// The name clients call the tool by (`batch_sum`); unique in a registry.
    static var name: String { get }
    /// One sentence for catalogs and `tools/list`.
    static var description: String { get }
    /// Whether the gateway waits for the result (`sync`) or answers at once (`async`).
    static var mode: ToolMode { get }
    /// The longest one attempt may run before it is cancelled (default 30 s).
    static var timeout: Duration { get }
    /// How long the gateway waits for a `sync` tool before answering
    /// `accepted` (default 2 s); ignored for `async` tools.
    static var syncBudget: Duration { get }
    /// How many times a failing job is attempted in all before it is
    /// dead-lettered (default 3); only retryable failures are retried.
    static var maxAttempts: Int { get }
    /// The first wait before retrying a retryable failure (default 1 s); each
    /// further retry waits twice as long, with ±20 % jitter, up to 5 minutes.
    static var retryBackoff: Duration { get }
    /// Whether a worker may run it on the job's own task instead of its tool
    /// threads, saving two thread hops per job. Only for tools whose work is
    /// bounded and short for the largest input the body limit allows (at most a
    /// few milliseconds) and free of side effects: an inline tool is not
    /// interrupted by its timeout, and a first delivery runs before the job is
    /// claimed (its completion claims it, DESIGN §6), so a delivery that loses
    /// the race to a cancel or another worker has run the tool for nothing.
    static var runsInline: Bool { get }

    /// Runs the tool and returns its result object.
    ///
    /// Throw `ToolError` for failures the caller should see with a stable
    /// code; a `CancellationError` means the job was cancelled or timed out.
    func run(_ arguments: Arguments, context: ToolContext) async throws -> JSONObject
}

extension Tool {
    /// Default: 30 seconds.
    public static var timeout: Duration { .seconds(30) }
    /// Default: 2 seconds.
    public static var syncBudget: Duration { .seconds(2) }
    /// Default: 3 attempts.
    public static var maxAttempts: Int { 3 }
    /// Default: 1 second.
    public static var retryBackoff: Duration { .seconds(1) }
    /// By default a tool runs on the worker's tool threads.
    public static var runsInline: Bool { false }
}
