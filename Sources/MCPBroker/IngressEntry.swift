import RedisClient

/// One entry of the ingress stream as a gateway received it.
public struct IngressEntry: Sendable, Equatable {
    /// The stream entry id.
    public let entryID: String
    /// The `envelope` field: a signed envelope as JSON text, `nil` when the producer left it out.
    public let envelope: String?
    /// Whether the entry was deleted from the stream while pending (it came back without fields).
    /// The `reply_to` field as written (not yet validated): the name of the
    /// results stream (``ResultsStream``) to tell how the envelope's job ends.
    public let replyTo: String?
    public let isDeleted: Bool
    /// Whether a gateway had this entry before (a re-read of its own pending entries, or reclaimed
    /// from a dead gateway): it may already have been accepted by that earlier delivery.
    public let isRedelivery: Bool

    /// Creates an entry.
    public init(entryID: String, envelope: String?, replyTo: String? = nil, isDeleted: Bool = false, isRedelivery: Bool) {
        self.entryID = entryID
        self.envelope = envelope
        self.replyTo = replyTo
        self.isDeleted = isDeleted
        self.isRedelivery = isRedelivery
    }

    init(_ entry: StreamEntry, isRedelivery: Bool) {
        self.init(
            entryID: entry.id, envelope: entry["envelope"], replyTo: entry["reply_to"].flatMap { $0.isEmpty ? nil : $0 },
            isDeleted: entry.fields.isEmpty, isRedelivery: isRedelivery)
    }
}
