import MCPBroker
import Metrics

/// The worker's metrics, through swift-metrics (the executable picks the
/// backend; `--metrics-listen` exposes it in the Prometheus text format):
///
/// - `mcp_jobs_total{status,tool}`: jobs this worker ended, by final status
///   (`done`, `error`, `cancelled`, `dead_letter`) and tool.
/// - `mcp_job_queue_wait_seconds`: from the job's publication on the stream
///   (its entry id's milliseconds, stamped by Redis in the same script that
///   writes `created_ms`, so free to read and equal to it for a first attempt;
///   a retry counts from its re-publication) to this worker's claim. Reclaimed
///   entries are left out: their wait includes the dead worker's run.
/// - `mcp_job_run_duration_seconds{tool}`: one run of the tool, to its outcome.
/// - `mcp_dead_letters_total{reason}`: jobs this worker dead-lettered —
///   `attempts` (retryable failures used them up), `deliveries` (delivered
///   `--max-deliveries` times), `exhausted` (attempts used up by workers that died).
/// - `mcp_reclaims_total`: stream entries taken over from unresponsive workers.
/// - `mcp_retries_total`: retries scheduled after retryable failures.
/// - `mcp_jobs_in_flight`: jobs running on this worker now.
/// - `mcp_poison_values_total{kind}`: values read from Redis that no MCPStreams
///   process writes (e.g. `delayed_score`: a retry due at `+inf`), logged and repaired.
struct WorkerMetrics: Sendable {
    private let queueWait = Timer(label: "mcp_job_queue_wait_seconds")
    private let reclaims = Counter(label: "mcp_reclaims_total")
    private let retries = Counter(label: "mcp_retries_total")
    private let inFlight = Gauge(label: "mcp_jobs_in_flight")

    /// Records the wait of a job claimed now.
    func claimed(_ job: DeliveredJob, nowMillis: Int64 = UnixTime.nowMillis()) {
        guard let published = Self.publishedMillis(job.entryID) else { return }
        queueWait.recordMilliseconds(max(0, nowMillis - published))
    }

    /// Sets the in-flight gauge.
    func running(_ count: Int) {
        inFlight.record(count)
    }

    /// Counts a job that ended with `status` (a ``JobStatus`` raw value or `dead_letter`).
    func ended(_ status: String, tool: String) {
        Counter(label: "mcp_jobs_total", dimensions: [("status", status), ("tool", tool)]).increment()
    }

    /// Records one run of a tool.
    func ran(tool: String, for elapsed: Duration) {
        Timer(label: "mcp_job_run_duration_seconds", dimensions: [("tool", tool)]).record(duration: elapsed)
    }

    /// Counts a dead letter and the job it ended.
    func deadLettered(tool: String, reason: String) {
        Counter(label: "mcp_dead_letters_total", dimensions: [("reason", reason)]).increment()
        ended("dead_letter", tool: tool)
    }

    /// Counts entries reclaimed from other workers.
    func reclaimed(_ count: Int) {
        if count > 0 { reclaims.increment(by: count) }
    }

    /// Counts one poison value read from Redis, by kind.
    func poison(_ kind: String) {
        Counter(label: "mcp_poison_values_total", dimensions: [("kind", kind)]).increment()
    }

    /// Counts a scheduled retry.
    func retried() {
        retries.increment()
    }

    /// The milliseconds part of a stream entry id (`<ms>-<seq>`): when Redis added it.
    static func publishedMillis(_ entryID: String) -> Int64? {
        Int64(entryID.prefix { $0 != "-" })
    }
}
