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

    /// The longest `reason` kept, in UTF-8 bytes; longer ones are cut.
    public static let maxReasonBytes = 512
    /// The longest `client_id` / `request_id` kept, in UTF-8 bytes.
    public static let maxIDBytes = 128

    /// Creates a rejection. Every string is cut to a bounded length: the reject
    /// stream keeps thousands of entries, and what they quote came from producers.
    /// The producer's results stream (the entry's `reply_to`) told of the refusal, or `nil`.
    public let resultsTo: ResultsStream?
    /// Whether ``clientID`` and ``requestID`` come from an envelope whose signature was verified.
    /// Only then does the results stream's notice carry them: a claimed id would let anyone who
    /// can write the ingress stream refuse another producer's request in its own results stream.
    /// (`mcp:ingress:rejected`, an operator's record, keeps them either way.)
    public let idsVerified: Bool

    /// Creates a rejection; long values are cut (``maxIDBytes``, ``maxReasonBytes``).
    public init(
        entryID: String, code: String, reason: String, clientID: String, requestID: String, resultsTo: ResultsStream? = nil, idsVerified: Bool = false
    ) {
        self.resultsTo = resultsTo
        self.idsVerified = idsVerified
        self.entryID = Self.cut(entryID, to: Self.maxIDBytes)
        self.code = Self.cut(code, to: Self.maxIDBytes)
        self.reason = Self.cut(reason, to: Self.maxReasonBytes)
        self.clientID = Self.cut(clientID, to: Self.maxIDBytes)
        self.requestID = Self.cut(requestID, to: Self.maxIDBytes)
    }

    /// `text` cut to at most `limit` UTF-8 bytes at a character boundary, with `…` when cut.
    static func cut(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var kept = ""
        var bytes = 0
        for character in text {
            let size = character.utf8.count
            if bytes + size > limit - 3 { break }
            kept.append(character)
            bytes += size
        }
        return kept + "…"
    }
}
