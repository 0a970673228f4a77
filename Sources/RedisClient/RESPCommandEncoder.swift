/// Writes commands in RESP2's request form (an array of bulk strings),
/// binary-safe, into the bytes a connection sends.
///
/// It builds a plain byte array (the standard library's optimized appends, one
/// copy into the socket's buffer afterwards): encoding runs on the event loop,
/// so it must stay cheap even in a debug build, where a 10 000-command pipeline
/// written through `ByteBuffer`'s generic writers held the loop for seconds.
enum RESPCommandEncoder {
    /// About the bytes ``encode(_:into:)`` appends for `command`, for reserving capacity.
    static func encodedSize(of command: RedisCommand) -> Int {
        var size = 16
        for argument in command.arguments { size += argument.count + 16 }
        return size
    }

    /// Appends `*<n>\r\n` and, for each argument, `$<length>\r\n<bytes>\r\n`.
    static func encode(_ command: RedisCommand, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "*"))
        appendDecimal(command.arguments.count, to: &bytes)
        for argument in command.arguments {
            bytes.append(UInt8(ascii: "$"))
            appendDecimal(argument.count, to: &bytes)
            bytes.append(contentsOf: argument)
            bytes.append(contentsOf: crlf)
        }
    }

    private static let crlf: [UInt8] = [13, 10]

    /// A non-negative count in decimal, then CRLF.
    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
        bytes.append(contentsOf: crlf)
    }
}
