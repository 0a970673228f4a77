import CHiredis
import Foundation

/// Owns one blocking hiredis context: connect, pipeline writes, reply reads.
///
/// This file and ``RedisConnection`` are the only Swift that touches C
/// pointers. A context is used from one I/O thread only and is dropped after
/// any I/O or protocol error (hiredis leaves it dead for good).
final class HiredisContext {
    private let context: UnsafeMutablePointer<redisContext>
    private let endpointDescription: String

    private init(context: UnsafeMutablePointer<redisContext>, endpointDescription: String) {
        self.context = context
        self.endpointDescription = endpointDescription
    }

    deinit {
        redisFree(context)
    }

    /// Connects and sets the socket timeout; throws `connection` or `timeout`.
    static func connect(to endpoint: RedisEndpoint, connectTimeoutMillis: Int, commandTimeoutMillis: Int) throws(RedisError) -> HiredisContext {
        let raw: UnsafeMutablePointer<redisContext>?
        switch endpoint.address {
        case .tcp(let host, let port):
            raw = chiredis_connect_tcp(host, Int32(port), connectTimeoutMillis)
        case .unix(let path):
            raw = chiredis_connect_unix(path, connectTimeoutMillis)
        }
        guard let raw else {
            throw RedisError(code: .connection, message: "cannot connect to \(endpoint): out of memory")
        }
        if chiredis_context_error(raw) != 0 {
            let text = String(cString: chiredis_context_errstr(raw))
            redisFree(raw)
            let timedOut = text.lowercased().contains("timed out")
            throw RedisError(code: timedOut ? .timeout : .connection, message: "cannot connect to \(endpoint): \(text)")
        }
        let context = HiredisContext(context: raw, endpointDescription: endpoint.description)
        try context.setTimeout(millis: commandTimeoutMillis)
        return context
    }

    /// Sets the socket read/write timeout; 0 blocks forever.
    /// The socket's descriptor, for ``RedisConnection`` to shut it down from another thread.
    var fileDescriptor: Int32 { context.pointee.fd }

    func setTimeout(millis: Int) throws(RedisError) {
        if chiredis_set_timeout_ms(context, millis) != 0 {
            throw failure(during: "setting the socket timeout")
        }
    }

    /// Queues one command in hiredis's output buffer (no I/O yet).
    func append(_ command: RedisCommand) throws(RedisError) {
        let arguments = command.arguments
        var lengths = arguments.map { $0.count }
        var joined = [UInt8]()
        joined.reserveCapacity(lengths.reduce(0, +))
        for argument in arguments { joined.append(contentsOf: argument) }
        let status: Int32 = joined.withUnsafeBufferPointer { buffer -> Int32 in
            let base = buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                ?? UnsafePointer<CChar>(bitPattern: 1)!  // never read: every length is 0
            var pointers = [UnsafePointer<CChar>?]()
            pointers.reserveCapacity(arguments.count)
            var offset = 0
            for length in lengths {
                pointers.append(base + offset)
                offset += length
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                chiredis_append_argv(context, Int32(arguments.count), argv.baseAddress, &lengths)
            }
        }
        if status != 0 {
            throw failure(during: "queueing \(command.name)")
        }
    }

    /// Flushes queued commands if needed and reads the next reply.
    func readReply() throws(RedisError) -> RedisValue {
        guard let reply = chiredis_get_reply(context) else {
            throw failure(during: "reading a reply")
        }
        defer { chiredis_free_reply(reply) }
        return Self.decode(UnsafePointer(reply))
    }

    /// Converts a hiredis reply tree into a ``RedisValue``.
    private static func decode(_ reply: UnsafePointer<redisReply>) -> RedisValue {
        let type = chiredis_reply_type(reply)
        switch type {
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

    /// Maps the context's sticky error to a ``RedisError`` code.
    private func failure(during action: String) -> RedisError {
        let savedErrno = chiredis_errno()
        let kind = chiredis_context_error(context)
        let text = String(cString: chiredis_context_errstr(context))
        let code: RedisError.Code
        switch kind {
        case CHIREDIS_ERR_PROTOCOL:
            code = .protocol
        case CHIREDIS_ERR_IO where savedErrno == EAGAIN || savedErrno == EWOULDBLOCK || savedErrno == ETIMEDOUT
            || text.contains("temporarily unavailable") || text.lowercased().contains("timed out"):
            code = .timeout
        default:
            code = .connection
        }
        let detail = kind == CHIREDIS_ERR_EOF ? "the server closed the connection" : text
        return RedisError(code: code, message: "\(action) from \(endpointDescription) failed: \(detail)")
    }
}
