/// When a gateway answers that it has a job (DESIGN §10, "Durability").
public enum Durability: String, Sendable, CaseIterable {
    /// Once the primary has it (one round trip). A job answered this way can be
    /// lost if the primary dies before its replica copied it.
    case local
    /// Once `WAIT` confirms that at least one replica holds it too (the
    /// accept and the `WAIT` go in one round trip); otherwise 503
    /// `not_replicated`, and the client's retry with the same `request_id`
    /// returns the same job. The job hash then records `durability: replicated`.
    case replicated
}
