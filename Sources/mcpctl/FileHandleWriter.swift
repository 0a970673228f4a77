import Foundation

/// Writes text to standard error.
enum FileHandleWriter {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
