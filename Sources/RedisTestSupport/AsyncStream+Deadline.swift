extension AsyncStream where Element: Sendable {
    /// A stream that finishes by itself once `timeout` has passed, so a test waiting for an element
    /// that never comes ends (its `next()` returns `nil` and the expectation fails) instead of hanging.
    public static func makeStream(finishingAfter timeout: Duration) -> (stream: AsyncStream<Element>, continuation: AsyncStream<Element>.Continuation) {
        let made = AsyncStream<Element>.makeStream()
        let continuation = made.continuation
        let timer = Task {
            try? await Task.sleep(for: timeout)
            continuation.finish()
        }
        continuation.onTermination = { _ in timer.cancel() }
        return made
    }
}
