import Foundation

/// Files of this checkout, found from this source file's path (tests run from the repository).
enum RepositoryFiles {
    /// The repository root (the folder holding Package.swift).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `deploy/`.
    static var deploy: URL { root.appendingPathComponent("deploy") }

    /// A path under the repository root.
    static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    /// The text of a file under the repository root.
    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    /// Every file under `deploy/` whose extension is one of `extensions`, sorted by path.
    static func deployFiles(withExtensions extensions: Set<String>) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: deploy, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var found = [URL]()
        for case let file as URL in walker where extensions.contains(file.pathExtension.lowercased()) {
            found.append(file)
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Every file under a folder of the repository whose extension is `pathExtension`, sorted by path.
    static func files(under relativePath: String, withExtension pathExtension: String) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: url(relativePath), includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var found = [URL]()
        for case let file as URL in walker where file.pathExtension == pathExtension {
            found.append(file)
        }
        return found.sorted { $0.path < $1.path }
    }

    /// A path relative to the repository root, for messages.
    static func relative(_ file: URL) -> String {
        String(file.path.dropFirst(root.path.count + 1))
    }
}
