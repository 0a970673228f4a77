import NIOCore

/// Splits a byte stream of HTTP/1.1 responses into (status, body) frames.
///
/// The generator's own minimal decoder: it reads the status code and
/// `Content-Length` and nothing else, so parsing costs the load generator
/// almost nothing. Responses without `Content-Length` (chunked) are refused.
struct HTTPResponseFramer: ByteToMessageDecoder {
    typealias InboundOut = HTTPResponseFrame

    private static let headerEnd: [UInt8] = Array("\r\n\r\n".utf8)

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.parse(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    /// Takes one complete response off the front of `buffer`, or returns nil (leaving it untouched) if it is incomplete.
    static func parse(_ buffer: inout ByteBuffer) throws(BenchError) -> HTTPResponseFrame? {
        let view = buffer.readableBytesView
        guard let headEnd = Self.find(Self.headerEnd, in: view) else {
            if view.count > 64 * 1024 { throw BenchError("HTTP response head over 64 KiB") }
            return nil
        }
        let head = view[view.startIndex..<headEnd]
        // "HTTP/1.1 200 OK"
        guard head.count >= 12, let status = Self.decimal(head.dropFirst(9).prefix(3)) else {
            throw BenchError("not an HTTP/1.1 status line: \(String(decoding: head.prefix(40), as: UTF8.self))")
        }
        var length: Int?
        for line in head.split(separator: UInt8(ascii: "\n")) {
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            guard let colon = trimmed.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = trimmed[trimmed.startIndex..<colon]
            if name.count == 14, Self.equalsIgnoringCase(name, "content-length") {
                length = Self.decimal(trimmed[(colon + 1)...].drop { $0 == UInt8(ascii: " ") })
            }
        }
        guard let length else { throw BenchError("HTTP response without Content-Length (status \(status))") }
        let headBytes = headEnd - view.startIndex + 4
        guard view.count >= headBytes + length else { return nil }
        buffer.moveReaderIndex(forwardBy: headBytes)
        let body = buffer.readSlice(length: length) ?? ByteBuffer()
        return HTTPResponseFrame(status: status, body: body)
    }

    private static func find(_ needle: [UInt8], in haystack: ByteBufferView) -> ByteBufferView.Index? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == needle[0] && haystack[index + 1] == needle[1] && haystack[index + 2] == needle[2] && haystack[index + 3] == needle[3] {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func decimal<S: Sequence>(_ digits: S) -> Int? where S.Element == UInt8 {
        var value = 0
        var seen = false
        for byte in digits {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { break }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            seen = true
        }
        return seen ? value : nil
    }

    private static func equalsIgnoringCase<S: Sequence>(_ bytes: S, _ text: String) -> Bool where S.Element == UInt8 {
        zip(bytes, text.utf8).allSatisfy { ($0 | 0x20) == $1 }
    }
}
