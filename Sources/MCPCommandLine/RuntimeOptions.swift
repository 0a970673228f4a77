import ArgumentParser
import NIOCore

/// Options of the long-running servers (gateway and worker) about how the process runs its work.
public struct RuntimeOptions: ParsableArguments {
    @Option(name: .customLong("tasks-on-event-loops"), help: "1: Swift tasks run on the SwiftNIO event loops that do the HTTP and Redis I/O, so a request's Redis round trips need no thread switch; 0: on Swift's default thread pool (env MCP_TASKS_ON_EVENT_LOOPS; default 1).")
    public var tasksOnEventLoops: Int?

    @Option(name: .customLong("event-loops"), help: "SwiftNIO event loops (threads) doing HTTP and Redis I/O and running tasks, 1 to 256, or 0 for one per core; on cores shared with Redis and other processes, 1 spends less CPU per request at moderate load, one per core carries the most under heavy load (env MCP_EVENT_LOOPS; default 0).")
    public var eventLoops: Int?

    public init() {}

    /// Sets the number of event loops (`--event-loops`) and makes them Swift's global executor
    /// unless `--tasks-on-event-loops 0`; call first thing in `run()`, before anything uses
    /// SwiftNIO's shared loops. Returns where tasks run, for the start-up log.
    public func installTaskExecutor() throws -> String {
        let loops = try EnvironmentDefault.int(eventLoops, "MCP_EVENT_LOOPS", 0)
        guard (0...256).contains(loops) else {
            throw ConfigurationError("--event-loops / MCP_EVENT_LOOPS is \(loops); it must be 0 (one per core) to 256")
        }
        if loops > 0 { NIOSingletons.groupLoopCountSuggestion = loops }
        let enabled = try EnvironmentDefault.int(tasksOnEventLoops, "MCP_TASKS_ON_EVENT_LOOPS", 1)
        guard enabled == 0 || enabled == 1 else {
            throw ConfigurationError("--tasks-on-event-loops / MCP_TASKS_ON_EVENT_LOOPS is \(enabled); it must be 0 or 1")
        }
        if enabled == 0 { return "swift's default thread pool (--tasks-on-event-loops 0)" }
        return EventLoopExecutor.install()
            ? "the event loops (\(loops > 0 ? loops : System.coreCount))" : "swift's default thread pool (the event loops could not be installed as its global executor)"
    }
}
