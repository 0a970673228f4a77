import NIOCore
import NIOHTTP1

/// Why `collectBody(upTo:)` failed, sorted so each gets its own answer: the body is over the
/// limit (`NIOTooManyBytesError`, answered 413), or its HTTP/1.1 framing is broken (a chunk size
/// that is not hexadecimal or too large, chunk data without its CRLF: NIO's `HTTPParserError`,
/// or anything else that ends the body early), answered 400 as a malformed body.
enum BodyReadFailure: Sendable, Equatable {
    /// More bytes than the body limit.
    case tooLarge
    /// The body could not be read as HTTP/1.1 framing; the text says what was wrong.
    case malformed(String)

    /// Sorts the error `collectBody(upTo:)` threw.
    static func of(_ error: any Error) -> BodyReadFailure {
        switch error {
        case is NIOTooManyBytesError: .tooLarge
        case let parser as HTTPParserError: .malformed("its HTTP/1.1 framing is broken (\(parser.debugDescription))")
        default: .malformed("it ended before its framing said it would")
        }
    }
}
