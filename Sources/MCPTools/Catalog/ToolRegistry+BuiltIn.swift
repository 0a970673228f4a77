extension ToolRegistry {
    /// The built-in worker tools: `batch_sum`, `start_long_task`, `echo`, and
    /// `noop` (an async no-op for benchmarks). The gateway's own control tools
    /// (`server_identity`, `poll_job`, `cancel_job`) are not here: workers
    /// never run them.
    public static let builtIn = ToolRegistry([
        BatchSumTool(),
        LongTaskTool(),
        EchoTool(),
        NoopTool(),
    ])
}
