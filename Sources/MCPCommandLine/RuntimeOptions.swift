import ArgumentParser
import NIOCore

/// Options of the long-running servers (gateway and worker) about how the process runs its work.
public struct RuntimeOptions: ParsableArguments {
    @Option(name: .customLong("tasks-on-event-loops"), parsing: .unconditional, help: "1: Swift tasks run on the SwiftNIO event loops that do the HTTP and Redis I/O, so a request's Redis round trips need no thread switch; 0: on Swift's default thread pool (env MCP_TASKS_ON_EVENT_LOOPS; default 1).")
    public var tasksOnEventLoops: Int?

    @Option(name: .customLong("event-loops"), parsing: .unconditional, help: "SwiftNIO event loops (threads) doing HTTP and Redis I/O and running tasks, 1 to 256, or 0 for one per core; on cores shared with Redis and other processes, 1 spends less CPU per request at moderate load, one per core carries the most under heavy load (env MCP_EVENT_LOOPS; default 0).")
    public var eventLoops: Int?

    public init() {}

    /// Refuses to start on a count out of range (swift-argument-parser calls this after parsing).
    public func validate() throws {
        _ = try resolvedEventLoops()
        _ = try resolvedTasksOnEventLoops()
    }

    /// `--event-loops`: 0 (one per core) to 256.
    func resolvedEventLoops() throws -> Int {
        try EnvironmentDefault.int(eventLoops, "--event-loops", "MCP_EVENT_LOOPS", 0, in: 1...256, zero: "one per core")
    }

    /// `--tasks-on-event-loops`: 0 or 1.
    func resolvedTasksOnEventLoops() throws -> Bool {
        let value = try EnvironmentDefault.int(tasksOnEventLoops, "MCP_TASKS_ON_EVENT_LOOPS", 1)
        guard value == 0 || value == 1 else {
            throw ConfigurationError("--tasks-on-event-loops / MCP_TASKS_ON_EVENT_LOOPS is \(value); it must be 0 or 1")
        }
        return value == 1
    }

    /// Sets the number of event loops (`--event-loops`) and makes them Swift's global executor
    /// unless `--tasks-on-event-loops 0`; call first thing in `run()`, before anything uses
    /// SwiftNIO's shared loops. Returns where tasks run, for the start-up log.
    public func installTaskExecutor() throws -> String {
        let loops = try resolvedEventLoops()
        if loops > 0 { NIOSingletons.groupLoopCountSuggestion = loops }
        if try !resolvedTasksOnEventLoops() { return "swift's default thread pool (--tasks-on-event-loops 0)" }
        return EventLoopExecutor.install()
            ? "the event loops (\(loops > 0 ? loops : System.coreCount))" : "swift's default thread pool (the event loops could not be installed as its global executor)"
    }
}
