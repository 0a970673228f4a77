import Logging

/// What a running tool knows about its job, and how it reports progress.
///
/// The worker builds one per attempt. Progress goes through the closure given
/// at init (the worker writes it into the job's status hash); tools call
/// `reportProgress(_:message:)` and never see Redis.
public struct ToolContext: Sendable {
    /// The job's id (128-bit random, hex).
    public let jobID: String
    /// The client that submitted the job.
    public let clientID: String
    /// The client's `request_id` for the job.
    public let requestID: String
    /// Which attempt this is, starting at 1.
    public let attempt: Int
    /// A logger carrying the job's metadata (`job.id`, `tool.name`, …).
    public let logger: Logger
    /// Receives clamped progress reports.
    private let progress: @Sendable (Double, String) async -> Void

    /// Creates a context. `progress` receives every report, with the fraction
    /// already clamped to `0...1`; the default discards them.
    public init(
        jobID: String,
        clientID: String,
        requestID: String,
        attempt: Int = 1,
        logger: Logger,
        progress: @escaping @Sendable (Double, String) async -> Void = { _, _ in }
    ) {
        self.jobID = jobID
        self.clientID = clientID
        self.requestID = requestID
        self.attempt = attempt
        self.logger = logger
        self.progress = progress
    }

    /// Reports how far the tool is (`0` to `1`; out-of-range values and NaN
    /// are clamped) with a short human message such as `working: 1.25 s of 3 s`.
    public func reportProgress(_ fraction: Double, message: String) async {
        await progress(Self.clamp(fraction), message)
    }

    /// `fraction` limited to `0...1`, NaN as `0`.
    static func clamp(_ fraction: Double) -> Double {
        guard !fraction.isNaN else { return 0 }
        return min(max(fraction, 0), 1)
    }
}
