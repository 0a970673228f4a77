import CHiredis

/// Parses RESP2 replies out of the bytes a connection reads, with hiredis's
/// own reply reader (`redisReader`): bytes go in as they arrive, complete
/// replies come out as ``RedisValue`` trees.
///
/// One reader belongs to one connection and is used on its event loop only.
/// After a protocol error it is dead for good: the connection is dropped.
///
/// One reply may take at most `replyByteLimit` once parsed: its strings' bytes plus 160 per element
/// (a parsed element costs about that whatever its length, hiredis's object and ours together), so a reply of a million empty strings
/// is refused as what it would take in memory, not as the few megabytes it is on the wire.
/// A bulk string or array whose header alone declares more than is left is refused at its header,
/// before its payload is buffered: a server that declares 2 GB cannot make the reader hold them.
final class RESPReplyReader {
    /// What the next call to ``next()`` found.
    enum Next {
        /// A complete reply.
        case reply(RedisValue)
        /// More bytes are needed.
        case incomplete
        /// The bytes are not RESP; the connection must be dropped.
        case failure(RedisError)
    }

    private let reader: UnsafeMutablePointer<redisReader>?
    private let replyByteLimit: Int

    init(replyByteLimit: Int) {
        self.replyByteLimit = max(0, replyByteLimit)
        reader = chiredis_reader_new(max(0, replyByteLimit))
    }

    deinit {
        if let reader { chiredis_reader_free(reader) }
    }

    /// Appends bytes read from the socket; returns an error when the reader cannot take them.
    func feed(_ bytes: UnsafeRawBufferPointer) -> RedisError? {
        guard let reader else { return Self.outOfMemory }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
        if chiredis_reader_feed(reader, base.assumingMemoryBound(to: UInt8.self), bytes.count) != 0 {
            return RedisError(code: .protocol, message: "the reply reader refused input: \(String(cString: chiredis_reader_errstr(reader)))")
        }
        return nil
    }

    /// Appends bytes held in an array, as the buffer-pointer `feed` does.
    func feed(_ bytes: [UInt8]) -> RedisError? {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Bytes fed that no complete reply has taken yet: the start of the next reply.
    var unparsedBytes: Int {
        guard let reader else { return 0 }
        return chiredis_reader_unparsed(reader)
    }

    /// The next complete reply, if the bytes fed so far hold one.
    func next() -> Next {
        guard let reader else { return .failure(Self.outOfMemory) }
        var reply: UnsafeMutablePointer<redisReply>?
        switch chiredis_reader_next(reader, &reply) {
        case 1:
            guard let reply else { return .incomplete }
            defer { chiredis_free_reply(reply) }
            chiredis_reader_next_budget(reader)
            return .reply(Self.decode(UnsafePointer(reply)))
        case 0:
            return .incomplete
        default:
            if chiredis_reader_exceeded(reader) != 0 {
                return .failure(RedisError(
                    code: .replyTooLarge,
                    message: "a reply would take more than \(replyByteLimit) bytes once parsed (replyByteLimit, 160 bytes counted per element, a declared length or element count refused as soon as its header is read)"))
            }
            return .failure(RedisError(code: .protocol, message: "invalid reply from Redis: \(String(cString: chiredis_reader_errstr(reader)))"))
        }
    }

    private static let outOfMemory = RedisError(code: .protocol, message: "cannot allocate a reply reader (out of memory)")

    /// Converts a hiredis reply tree into a ``RedisValue``.
    private static func decode(_ reply: UnsafePointer<redisReply>) -> RedisValue {
        switch chiredis_reply_type(reply) {
        case CHIREDIS_REPLY_STRING:
            return .bulk(bytes(of: reply))
        case CHIREDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(of: reply), as: UTF8.self))
        case CHIREDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(of: reply), as: UTF8.self))
        case CHIREDIS_REPLY_INTEGER:
            return .integer(chiredis_reply_integer(reply))
        case CHIREDIS_REPLY_ARRAY:
            let count = chiredis_reply_elements(reply)
            var elements = [RedisValue]()
            elements.reserveCapacity(count)
            for index in 0..<count {
                elements.append(decode(chiredis_reply_element(reply, index)))
            }
            return .array(elements)
        default:
            return .null
        }
    }

    private static func bytes(of reply: UnsafePointer<redisReply>) -> [UInt8] {
        let length = chiredis_reply_len(reply)
        guard length > 0, let text = chiredis_reply_str(reply) else { return [] }
        return text.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }
}
