import RedisClient

/// One entry of the ingress stream as a gateway received it.
public struct IngressEntry: Sendable, Equatable {
    /// The stream entry id.
    public let entryID: String
    /// The `envelope` field: a signed envelope as JSON text, `nil` when the producer left it out.
    public let envelope: String?
    /// The `reply_to` field as written (not yet validated, so `""` is refused, not ignored): the
    /// name of the results stream (``ResultsStream``) to tell how the envelope's job ends.
    public let replyTo: String?
    /// Whether the entry was deleted from the stream while pending (it came back without fields).
    public let isDeleted: Bool
    /// Whether a gateway had this entry before (a re-read of its own pending entries, or reclaimed
    /// from a dead gateway): it may already have been accepted by that earlier delivery.
    public let isRedelivery: Bool
    /// Why the entry cannot be read as the producer meant it (a field written twice, an envelope
    /// that is not valid UTF-8), with the refusal's code; `nil` for a well-formed entry.
    public let problem: (code: String, reason: String)?

    public static func == (lhs: IngressEntry, rhs: IngressEntry) -> Bool {
        lhs.entryID == rhs.entryID && lhs.envelope == rhs.envelope && lhs.replyTo == rhs.replyTo && lhs.isDeleted == rhs.isDeleted
            && lhs.isRedelivery == rhs.isRedelivery && lhs.problem?.code == rhs.problem?.code && lhs.problem?.reason == rhs.problem?.reason
    }

    /// Creates an entry.
    public init(
        entryID: String, envelope: String?, replyTo: String? = nil, isDeleted: Bool = false, isRedelivery: Bool,
        problem: (code: String, reason: String)? = nil
    ) {
        self.entryID = entryID
        self.envelope = envelope
        self.replyTo = replyTo
        self.isDeleted = isDeleted
        self.isRedelivery = isRedelivery
        self.problem = problem
    }

    init(_ entry: StreamEntry, isRedelivery: Bool) {
        self.init(
            entryID: entry.id, envelope: entry["envelope"], replyTo: entry["reply_to"], isDeleted: entry.fields.isEmpty,
            isRedelivery: isRedelivery, problem: Self.problem(of: entry))
    }

    /// A field the gateway reads written more than once is ambiguous (which one did the producer
    /// mean?); an envelope that is not valid UTF-8 is refused as `POST /v1/envelopes` refuses it.
    private static func problem(of entry: StreamEntry) -> (code: String, reason: String)? {
        for field in ["envelope", "reply_to"] where entry.count(of: field) > 1 {
            return ("duplicate_field", "the ingress entry has \(entry.count(of: field)) \(field) fields: write each field once")
        }
        if let envelope = entry.fields.first(where: { $0.name == "envelope" }), !envelope.isValidUTF8 {
            return ("malformed", "the body is not valid JSON: the envelope field is not valid UTF-8")
        }
        return nil
    }
}
