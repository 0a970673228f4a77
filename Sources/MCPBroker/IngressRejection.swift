/// Why a gateway refused one ingress entry, as written to `mcp:ingress:rejected`.
public struct IngressRejection: Sendable, Equatable {
    /// The ingress entry id.
    public let entryID: String
    /// The refusal code of DESIGN §3, e.g. `bad_signature`.
    public let code: String
    /// The human explanation (the text after the code in an HTTP error).
    public let reason: String
    /// The envelope's `client_id`, empty when it could not be read.
    public let clientID: String
    /// The envelope's `request_id`, empty when it could not be read.
    public let requestID: String

    /// Creates a rejection.
    public init(entryID: String, code: String, reason: String, clientID: String, requestID: String) {
        self.entryID = entryID
        self.code = code
        self.reason = reason
        self.clientID = clientID
        self.requestID = requestID
    }
}
