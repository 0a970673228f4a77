import ArgumentParser

/// Options of the long-running servers (gateway and worker) about how the process runs its work.
public struct RuntimeOptions: ParsableArguments {
    @Option(name: .customLong("tasks-on-event-loops"), help: "1: Swift tasks run on the SwiftNIO event loops that do the HTTP and Redis I/O, so a request's Redis round trips need no thread switch; 0: on Swift's default thread pool (env MCP_TASKS_ON_EVENT_LOOPS; default 1).")
    public var tasksOnEventLoops: Int?

    public init() {}

    /// Makes the event loops Swift's global executor unless `--tasks-on-event-loops 0`; call first
    /// thing in `run()`. Returns where tasks run, for the start-up log.
    public func installTaskExecutor() throws -> String {
        let enabled = try EnvironmentDefault.int(tasksOnEventLoops, "MCP_TASKS_ON_EVENT_LOOPS", 1)
        guard enabled == 0 || enabled == 1 else {
            throw ConfigurationError("--tasks-on-event-loops / MCP_TASKS_ON_EVENT_LOOPS is \(enabled); it must be 0 or 1")
        }
        if enabled == 0 { return "swift's default thread pool (--tasks-on-event-loops 0)" }
        return EventLoopExecutor.install()
            ? "the event loops" : "swift's default thread pool (the event loops could not be installed as its global executor)"
    }
}
