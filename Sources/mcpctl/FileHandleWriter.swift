import Foundation

/// Writes text to standard error (or, unbuffered, to standard output).
enum FileHandleWriter {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func writeStandardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
