import Foundation
import Testing

/// Redis stays inside MCPBroker: gateway and worker, libraries and executables,
/// neither import the Redis client nor depend on it in Package.swift.
@Suite("Broker boundary")
struct BrokerBoundaryTests {
    static let folders = ["Sources/MCPGateway", "Sources/MCPWorker", "Sources/mcp-gateway", "Sources/mcp-worker"]

    @Test func gatewayAndWorkerSourcesDoNotImportTheRedisClient() throws {
        for folder in Self.folders {
            let files = RepositoryFiles.files(under: folder, withExtension: "swift")
            #expect(!files.isEmpty, "\(folder) has Swift files")
            for file in files {
                let text = try String(contentsOf: file, encoding: .utf8)
                let imports = text.split(separator: "\n").filter { line in
                    let words = line.split(separator: " ")
                    return words.contains("import") && words.contains { $0 == "RedisClient" || $0.hasPrefix("RedisClient.") }
                }
                #expect(imports.isEmpty, "\(RepositoryFiles.relative(file)) imports the Redis client: \(imports)")
                #expect(!text.contains("RedisError") && !text.contains("RedisConfiguration"), "\(RepositoryFiles.relative(file)) names a Redis client type")
            }
        }
    }

    @Test func gatewayAndWorkerTargetsDoNotDependOnTheRedisClient() throws {
        let manifest = try RepositoryFiles.text("Package.swift")
        for name in ["MCPGateway", "MCPWorker", "mcp-gateway", "mcp-worker", "MCPCommandLine"] {
            let target = try #require(Self.declaration(ofTarget: name, in: manifest), "Package.swift declares \(name)")
            #expect(target.contains("\"MCPBroker\"") || target.contains("\"MCPGateway\"") || target.contains("\"MCPWorker\""), "\(name): \(target)")
            #expect(!target.contains("\"RedisClient\""), "\(name) depends on RedisClient: \(target)")
        }
    }

    @Test func theManifestReaderFindsADependencyWhereThereIsOne() throws {
        let manifest = try RepositoryFiles.text("Package.swift")
        let broker = try #require(Self.declaration(ofTarget: "MCPBroker", in: manifest))
        #expect(broker.contains("\"RedisClient\""), "the check above could not fail: \(broker)")
    }

    /// The text of `.target(…)` or `.executableTarget(…)` whose name is `name`, parentheses balanced.
    static func declaration(ofTarget name: String, in manifest: String) -> String? {
        // The product of the same name (`.executable(name: …)`) comes first: take the target's.
        var searched = manifest.startIndex..<manifest.endIndex
        var found: String.Index?
        while found == nil, let nameRange = manifest.range(of: "name: \"\(name)\"", range: searched) {
            searched = nameRange.upperBound..<manifest.endIndex
            var end = nameRange.lowerBound
            while end > manifest.startIndex, manifest[manifest.index(before: end)].isWhitespace { end = manifest.index(before: end) }
            for call in [".target(", ".executableTarget("] where manifest[..<end].hasSuffix(call) {
                found = manifest.index(end, offsetBy: -call.count)
            }
        }
        guard let start = found else { return nil }
        var depth = 0
        var index = start
        while index < manifest.endIndex {
            switch manifest[index] {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return String(manifest[start...index]) }
            default: break
            }
            index = manifest.index(after: index)
        }
        return nil
    }
}
