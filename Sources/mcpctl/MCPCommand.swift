import ArgumentParser
import Foundation
import MCPClient
import MCPWire

/// `mcpctl mcp …`: the same tools through the gateway's MCP endpoint (`/mcp`,
/// 2026-07-28 with the Tasks extension), signed with RFC 9421 HTTP Message Signatures.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp", abstract: "List and call tools through /mcp (MCP Streamable HTTP, tasks for async tools).",
        subcommands: [MCPToolsCommand.self, MCPCallCommand.self])
}

/// `mcpctl mcp tools`.
struct MCPToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tools", abstract: "List the tools /mcp offers, one JSON object per line.")

    @OptionGroup var client: ClientOptions

    func run() async throws {
        let reply = try await client.mcpClient().request("tools/list")
        guard let tools = reply.result?["tools"]?.arrayValue else { try MCPReplyPrinter.fail(reply) }
        for tool in tools { print(CanonicalJSON.string(tool)) }
    }
}

/// `mcpctl mcp call TOOL --args JSON`: a sync tool answers inline; an async tool becomes a task,
/// followed with a progress bar until it ends.
struct MCPCallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call", abstract: "Call a tool through /mcp; an async tool runs as a task with a live progress bar.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The tool name.")
    var tool: String

    @Option(help: "The tool's arguments as a JSON object.")
    var args: String = "{}"

    @Flag(name: .customLong("no-wait"), help: "For a task, print its id and return without following it.")
    var noWait = false

    func run() async throws {
        guard let arguments = (try? JSONParser.parse(Array(args.utf8)))?.objectValue else {
            throw ValidationError("--args must be a JSON object, e.g. '{\"numbers\":[1,2]}'")
        }
        let mcp = try client.mcpClient()
        let reply = try await mcp.request("tools/call", params: ["name": .string(tool), "arguments": .object(arguments)])
        guard let result = reply.result else { try MCPReplyPrinter.fail(reply) }
        guard result["resultType"]?.stringValue == "task", let taskID = result["taskId"]?.stringValue else {
            try MCPReplyPrinter.finish(toolResult: result)
            return
        }
        if noWait {
            print(CanonicalJSON.string(.object(result)))
            return
        }
        let bar = ProgressBar()
        while true {
            let poll = try await mcp.request("tasks/get", params: ["taskId": .string(taskID)])
            guard let task = poll.result else { try MCPReplyPrinter.fail(poll) }
            let status = task["status"]?.stringValue ?? ""
            let message = task["statusMessage"]?.stringValue ?? ""
            if status == "working" {
                bar.draw(progress: MCPReplyPrinter.fraction(of: message), label: message)
                // The server's hint, kept between 100 ms and 1 min: never a busy loop, never a hang.
                let interval = min(max(task["pollIntervalMs"]?.int64Value ?? 500, 100), 60_000)
                try await Task.sleep(for: .milliseconds(interval))
                continue
            }
            bar.finish(done: status == "completed")
            if let inner = task["result"]?.objectValue {
                try MCPReplyPrinter.finish(toolResult: inner)
                return
            }
            ReplyPrinter.printToStandardError("task \(taskID) \(status): \(message)")
            throw ExitCode(1)
        }
    }
}

/// Prints `/mcp` results and errors.
enum MCPReplyPrinter {
    static func finish(toolResult: JSONObject) throws {
        if toolResult["isError"]?.boolValue == true {
            let text = toolResult["content"]?.arrayValue?.first?.objectValue?["text"]?.stringValue ?? "tool error"
            ReplyPrinter.printToStandardError("error: \(text)")
            throw ExitCode(1)
        }
        print(CanonicalJSON.string(toolResult["structuredContent"] ?? .object(toolResult)))
    }

    static func fail(_ reply: MCPHTTPClient.Reply) throws -> Never {
        let message = reply.error?["message"]?.stringValue ?? String(decoding: reply.body, as: UTF8.self)
        ReplyPrinter.printToStandardError("error (HTTP \(reply.status)): \(message)")
        throw ExitCode(2)
    }

    /// The leading `NN%` of a status message as 0–1.
    static func fraction(of message: String) -> Double {
        guard let percent = message.split(separator: "%").first.flatMap({ Double($0.split(separator: " ").last ?? "") }) else { return 0 }
        return percent / 100
    }
}
