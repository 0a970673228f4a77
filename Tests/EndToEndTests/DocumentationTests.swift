import Foundation
import RedisTestSupport
import Testing

/// README is the front door and `docs/` holds the reference: every relative link
/// resolves (files and `#anchors`), code blocks marked `<!-- verbatim: FILE -->`
/// are copies of code the tests run, and `docs/configuration.md` names every
/// option and `MCP_…` variable the executables' `--help` prints.
@Suite("README and docs/")
struct DocumentationTests {
    static let root = PythonScript.repositoryRoot

    /// README.md and every page under docs/, as paths relative to the root.
    static func pages() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
        return ["README.md"] + docs
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func readmeIsTheFrontDoor() throws {
        let readme = try Self.text("README.md")
        let lines = readme.components(separatedBy: "\n").count
        #expect(lines <= 150, "README.md has \(lines) lines; long reference sections belong in docs/")
        for heading in ["## Quick start", "## Example", "## How it runs in production", "## Where to go next"] {
            #expect(readme.contains("\n\(heading)\n"), "README.md lacks \(heading)")
        }
        #expect(readme.contains("make run") && readme.contains("make test"))
        for page in try Self.pages() where page.hasPrefix("docs/") {
            #expect(readme.contains("](\(page))"), "README.md does not link \(page)")
        }
    }

    @Test func everyRelativeLinkResolves() throws {
        var checked = 0
        for page in try Self.pages() {
            let markdown = try Self.text(page)
            let folder = page.split(separator: "/").dropLast().joined(separator: "/")
            for link in MarkdownPage.links(in: markdown) where !link.contains("://") && !link.hasPrefix("mailto:") {
                checked += 1
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target: String
                if parts[0].isEmpty {
                    target = page
                } else {
                    target = MarkdownPage.normalized(folder.isEmpty ? parts[0] : "\(folder)/\(parts[0])")
                    #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(target).path), "\(page): link \(link) → \(target) does not exist")
                }
                if parts.count == 2, target.hasSuffix(".md"), let targetText = try? Self.text(target) {
                    #expect(MarkdownPage.anchors(in: targetText).contains(parts[1]), "\(page): link \(link): \(target) has no heading #\(parts[1])")
                }
            }
        }
        #expect(checked >= 30, "only \(checked) relative links found: is the link pattern still right?")
    }

    /// Each block marked `<!-- verbatim: FILE -->` is a copy of lines of FILE
    /// (dedented as a whole), so the pages show code the tests actually run.
    @Test func markedBlocksAreVerbatimCopies() throws {
        var checked = [String]()
        for page in try Self.pages() {
            let lines = try Self.text(page).components(separatedBy: "\n")
            for (index, line) in lines.enumerated() where line.hasPrefix("<!-- verbatim: ") && line.hasSuffix(" -->") {
                let path = String(line.dropFirst("<!-- verbatim: ".count).dropLast(" -->".count))
                let file = try Self.text(path).components(separatedBy: "\n")
                try #require(index + 1 < lines.count && lines[index + 1].hasPrefix("```"), "\(page): no code block after \(line)")
                guard let end = lines[(index + 2)...].firstIndex(where: { $0.hasPrefix("```") }) else {
                    Issue.record("\(page): the code block after \(line) never ends")
                    continue
                }
                let block = Array(lines[(index + 2)..<end])
                #expect(!block.isEmpty && MarkdownPage.contains(file, block), "\(page): block after \(line) is not a verbatim copy of \(path):\n\(block.joined(separator: "\n"))")
                checked.append(path)
            }
        }
        for wanted in ["signing.py", "sdk2_discover.py", "sdk1_tasks.py", "DocumentedToolTests.swift"] {
            #expect(checked.contains { $0.hasSuffix(wanted) }, "no verbatim-marked block copies \(wanted)")
        }
    }

    /// Every `--option` and `MCP_…` variable in the `--help` of each executable and
    /// subcommand appears in docs/configuration.md, so the page cannot fall behind.
    @Test func configurationNamesEveryOption() async throws {
        let page = try Self.text("docs/configuration.md")
        let commands: [(String, [String])] = [
            ("mcp-gateway", []), ("mcp-worker", []), ("mcpctl", ["keygen"]), ("mcpctl", ["call"]), ("mcpctl", ["poll"]),
            ("mcpctl", ["cancel"]), ("mcpctl", ["dead", "list"]), ("mcpctl", ["dead", "redrive"]), ("mcpctl", ["mcp", "tools"]),
            ("mcpctl", ["mcp", "call"]), ("mcpctl", ["stats"]), ("mcpctl", ["redis", "setup"]),
        ]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("docs-help-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var names = Set<String>()
        for (executable, subcommand) in commands {
            let path = ChildProcess.binaryFolder.appendingPathComponent(executable).path
            let help = try await ExternalProgram.run(path, subcommand + ["--help"], in: folder, timeout: .seconds(20))
            #expect(help.status == 0, "\(executable) \(subcommand.joined(separator: " ")) --help exited \(help.status): \(help.errors)")
            let found = MarkdownPage.helpNames(in: help.output)
            #expect(found.contains("--help"), "no options parsed from \(executable) \(subcommand.joined(separator: " ")) --help")
            names.formUnion(found)
        }
        for name in names.sorted() where name != "--help" && name != "--version" {
            #expect(page.contains("`\(name)`") || page.contains("`\(name)="), "docs/configuration.md does not name \(name)")
        }
    }
}

/// The little Markdown reading the documentation tests need.
enum MarkdownPage {
    /// Link targets `](target)` outside fenced code blocks.
    static func links(in markdown: String) -> [String] {
        var links = [String]()
        var fenced = false
        for line in markdown.components(separatedBy: "\n") {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { fenced.toggle() }
            if fenced { continue }
            var rest = Substring(line)
            while let open = rest.range(of: "](") {
                let after = rest[open.upperBound...]
                guard let close = after.firstIndex(of: ")") else { break }
                links.append(String(after[..<close]))
                rest = after[close...]
            }
        }
        return links
    }

    /// `path` with `.` and `dir/..` steps removed (a trailing `/` dropped); `..` above the root stays.
    static func normalized(_ path: String) -> String {
        var parts = [Substring]()
        for part in path.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    /// GitHub's anchors for the page's headings: lower case, spaces to `-`,
    /// punctuation other than `-` and `_` dropped; repeats get `-1`, `-2`, ….
    static func anchors(in markdown: String) -> Set<String> {
        var anchors = Set<String>()
        var counts = [String: Int]()
        var fenced = false
        for line in markdown.components(separatedBy: "\n") {
            if line.hasPrefix("```") { fenced.toggle() }
            guard !fenced, line.hasPrefix("#") else { continue }
            let title = line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
            var slug = ""
            for character in title.lowercased() {
                if character == " " {
                    slug.append("-")
                } else if character.isLetter || character.isNumber || character == "-" || character == "_" {
                    slug.append(character)
                }
            }
            let seen = counts[slug, default: 0]
            counts[slug] = seen + 1
            anchors.insert(seen == 0 ? slug : "\(slug)-\(seen)")
        }
        return anchors
    }

    /// Every `--long-option` and `MCP_…` name in an argument parser's help text.
    static func helpNames(in help: String) -> Set<String> {
        var names = Set<String>()
        let scalars = Array(help.unicodeScalars)
        func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
            (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9") || scalar == "-" || scalar == "_"
        }
        var index = 0
        while index < scalars.count {
            guard isNameScalar(scalars[index]), index == 0 || !isNameScalar(scalars[index - 1]) else {
                index += 1
                continue
            }
            var end = index
            while end < scalars.count && isNameScalar(scalars[end]) { end += 1 }
            var word = String(String.UnicodeScalarView(scalars[index..<end]))
            while word.hasSuffix("-") || word.hasSuffix("_") { word.removeLast() }
            if word.hasPrefix("--") && word.count > 2 && word.dropFirst(2).first?.isLetter == true {
                names.insert(word)
            } else if word.hasPrefix("MCP_") && word.count > 4 {
                names.insert(word)
            }
            index = end
        }
        return names
    }

    /// Whether `file` has consecutive lines equal to `block`'s, all indented by one common prefix of spaces.
    static func contains(_ file: [String], _ block: [String]) -> Bool {
        guard let first = block.first, !first.isEmpty, file.count >= block.count else { return false }
        for start in 0...(file.count - block.count) where file[start].hasSuffix(first) {
            let indent = file[start].dropLast(first.count)
            guard indent.allSatisfy({ $0 == " " }) else { continue }
            let matches = block.indices.allSatisfy { k in
                block[k].isEmpty ? file[start + k].allSatisfy { $0 == " " } : file[start + k] == indent + block[k]
            }
            if matches { return true }
        }
        return false
    }
}
