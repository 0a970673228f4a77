import RedisClient

/// Reads fuzz bytes as RESP2 replies (`+OK`, `-ERR …`, `:42`, `$5` + bytes,
/// `$-1`, `*2` + elements, `*-1`) into ``RedisValue`` trees, so seeds read
/// like what `redis-cli --no-raw` or a packet capture shows. Lines end with
/// `\r\n` or `\n`; nesting and element counts are bounded. Reading stops at
/// the first thing that is not a reply.
struct RESPReader {
    static let maxDepth = 8
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Every complete reply at the start of the input, in order.
    static func values(_ bytes: [UInt8]) -> [RedisValue] {
        var reader = RESPReader(bytes)
        var values = [RedisValue]()
        while reader.position < bytes.count, let value = reader.value(depth: 0) {
            values.append(value)
        }
        return values
    }

    /// The text up to the end of the line, consuming the line end.
    mutating func line() -> [UInt8]? {
        guard let end = bytes[position...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        var text = Array(bytes[position..<end])
        if text.last == UInt8(ascii: "\r") { text.removeLast() }
        position = end + 1
        return text
    }

    mutating func value(depth: Int) -> RedisValue? {
        guard depth <= Self.maxDepth, position < bytes.count else { return nil }
        let kind = bytes[position]
        position += 1
        guard let header = line() else { return nil }
        let text = String(decoding: header, as: UTF8.self)
        switch kind {
        case UInt8(ascii: "+"): return .status(text)
        case UInt8(ascii: "-"): return .error(text)
        case UInt8(ascii: ":"): return Int64(text).map(RedisValue.integer)
        case UInt8(ascii: "$"):
            guard let length = Int(text) else { return nil }
            if length < 0 { return .null }
            guard length <= bytes.count - position else { return nil }
            let payload = Array(bytes[position..<(position + length)])
            position += length
            if position < bytes.count, bytes[position] == UInt8(ascii: "\r") { position += 1 }
            if position < bytes.count, bytes[position] == UInt8(ascii: "\n") { position += 1 }
            return .bulk(payload)
        case UInt8(ascii: "*"):
            guard let count = Int(text) else { return nil }
            if count < 0 { return .null }
            guard count <= bytes.count - position else { return nil }  // each element takes at least one byte
            var elements = [RedisValue]()
            for _ in 0..<count {
                guard let element = value(depth: depth + 1) else { return nil }
                elements.append(element)
            }
            return .array(elements)
        default:
            return nil
        }
    }
}
