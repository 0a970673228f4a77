extension ToolRegistry {
    /// The built-in tools plus ``SimulateTool``, for `mcp-worker --enable-test-tools`.
    public static let testTools = ToolRegistry(builtIn.tools + [SimulateTool()])
}
