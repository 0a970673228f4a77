import Logging
import MCPWire

/// The tools one worker runs, by name: the catalog it publishes and the
/// dispatcher that decodes arguments and runs a tool.
public struct ToolRegistry: Sendable {
    /// The tools, in registration order.
    public let tools: [any Tool]
    /// Index into `tools` by name.
    private let indexByName: [String: Int]
    private let inline: Set<String>
    /// The tools' descriptors, in registration order.
    public let descriptors: [ToolDescriptor]

    /// A registry of `tools`; their names must be unique.
    public init(_ tools: [any Tool]) {
        var indexByName: [String: Int] = [:]
        var descriptors: [ToolDescriptor] = []
        for (index, tool) in tools.enumerated() {
            let descriptor = Self.describe(tool)
            precondition(indexByName[descriptor.name] == nil, "two tools are named \"\(descriptor.name)\"")
            indexByName[descriptor.name] = index
            descriptors.append(descriptor)
        }
        self.tools = tools
        self.indexByName = indexByName
        self.inline = Set(tools.filter { Self.runsInline($0) }.map { Self.describe($0).name })
        self.descriptors = descriptors
    }

    /// The tool names, in registration order.
    public var names: [String] { descriptors.map(\.name) }

    /// The descriptor of the tool called `name`, if registered.
    public func descriptor(named name: String) -> ToolDescriptor? {
        indexByName[name].map { descriptors[$0] }
    }

    /// Runs tool `name` with `arguments` (the envelope's `args`).
    ///
    /// The arguments are checked against the tool's schema and then decoded
    /// strictly; either failure is `ToolError` `invalid_args` naming the
    /// member (`args.numbers[1] must be a number, got string`). An unknown
    /// name is `unknown_tool`. The tool's own `ToolError`s and
    /// `CancellationError` pass through; any other error becomes a
    /// non-retryable `tool_failed`. So callers see only `ToolError` or
    /// `CancellationError`.
    public func run(name: String, arguments: JSONObject, context: ToolContext) async throws -> JSONObject {
        guard let index = indexByName[name] else { throw ToolError.unknownTool(name) }
        if let violation = JSONSchemaValidator.firstViolation(.object(arguments), against: descriptors[index].inputSchema) {
            throw ToolError.invalidArguments(violation.description, member: violation.path)
        }
        context.logger.trace("running tool", metadata: ["tool.name": "\(name)", "job.id": "\(context.jobID)"])
        return try await Self.run(tools[index], arguments: arguments, context: context)
    }

    /// The descriptor of a tool of a concrete type (opened from `any Tool`).
    /// Whether the named tool runs on the job's own task (``Tool/runsInline``).
    public func runsInline(_ name: String) -> Bool {
        inline.contains(name)
    }

    private static func runsInline<T: Tool>(_: T) -> Bool {
        T.runsInline
    }

    private static func describe<T: Tool>(_: T) -> ToolDescriptor {
        ToolDescriptor.describing(T.self)
    }

    /// Decodes and runs a tool of a concrete type (opened from `any Tool`).
    private static func run<T: Tool>(_ tool: T, arguments: JSONObject, context: ToolContext) async throws -> JSONObject {
        let decoded: T.Arguments
        do {
            decoded = try T.Arguments(from: JSONObjectReader(arguments, path: "args"))
        } catch let error as WireDecodingError {
            throw ToolError.invalidArguments(error.message, member: error.member)
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError.invalidArguments("args cannot be decoded: \(error)")
        }
        do {
            return try await tool.run(decoded, context: context)
        } catch let error as ToolError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw ToolError.failed("\(T.name) failed: \(error)")
        }
    }
}
