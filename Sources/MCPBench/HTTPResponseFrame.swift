import NIOCore

/// One HTTP response as the generator sees it: the status and the body bytes.
struct HTTPResponseFrame: Sendable {
    /// The HTTP status code.
    let status: Int
    /// The body (exactly `Content-Length` bytes).
    let body: ByteBuffer
}
