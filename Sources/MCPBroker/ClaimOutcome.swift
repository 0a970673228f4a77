/// What a worker may do with a delivered job after trying to claim it.
public enum ClaimOutcome: Sendable, Equatable {
    /// The job is now running on this worker; `attempts` counts this run.
    case run(attempts: Int)
    /// The job was already in this status (a duplicate delivery or a cancelled job): skip it.
    case skip(JobStatus)
    /// The job hash no longer exists: skip it.
    case missing
    /// The job has used all its attempts: dead-letter it instead of running it.
    case exhausted(attempts: Int)
    /// Redis refused the claim (an error reply: a key of the wrong type, out of memory):
    /// neither run nor acknowledge it; its entry stays pending for a later reclaim.
    case failed(String)
}
