import Foundation
import MCPFuzzTargets

/// The committed fuzz inputs under `Fuzz/` in the source tree.
enum FuzzInputs {
    /// `Fuzz/` of this checkout.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    /// The files of one folder (`corpus`, `crashes`, `known-traps`) for one target, sorted; `[]` when it does not exist.
    static func files(_ kind: String, _ target: FuzzTarget) -> [URL] {
        let folder = root.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// The expected outcome of each crash and known-trap input: `Fuzz/<kind>/EXPECTED`, lines of `target/file outcome`.
    static func expectations(_ kind: String) throws -> [String: String] {
        let text = try String(contentsOf: root.appendingPathComponent(kind).appendingPathComponent("EXPECTED"), encoding: .utf8)
        var expected: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { expected[String(parts[0])] = String(parts[1]) }
        }
        return expected
    }

    static func bytes(_ file: URL) throws -> [UInt8] {
        Array(try Data(contentsOf: file))
    }
}
