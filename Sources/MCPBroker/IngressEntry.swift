import RedisClient

/// One entry of the ingress stream as a gateway received it.
public struct IngressEntry: Sendable, Equatable {
    /// The stream entry id.
    public let entryID: String
    /// The `envelope` field: a signed envelope as JSON text, `nil` when the producer left it out.
    public let envelope: String?
    /// Whether the entry was deleted from the stream while pending (it came back without fields).
    public let isDeleted: Bool
    /// Whether a gateway had this entry before (a re-read of its own pending entries, or reclaimed
    /// from a dead gateway): it may already have been accepted by that earlier delivery.
    public let isRedelivery: Bool

    /// Creates an entry.
    public init(entryID: String, envelope: String?, isDeleted: Bool = false, isRedelivery: Bool) {
        self.entryID = entryID
        self.envelope = envelope
        self.isDeleted = isDeleted
        self.isRedelivery = isRedelivery
    }

    init(_ entry: StreamEntry, isRedelivery: Bool) {
        self.init(entryID: entry.id, envelope: entry["envelope"], isDeleted: entry.fields.isEmpty, isRedelivery: isRedelivery)
    }
}
