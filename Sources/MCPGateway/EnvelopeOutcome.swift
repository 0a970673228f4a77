/// What happened to one envelope: the signed answer, and for a refusal the
/// failure with the ids it could be tied to (for the ingress reject stream).
struct EnvelopeOutcome: Sendable {
    /// The signed response an HTTP caller gets.
    let answer: GatewayAnswer
    /// Why it was refused, `nil` when it was answered successfully.
    let failure: GatewayFailure?
    /// The envelope's `client_id` (empty when it did not parse that far).
    let clientID: String
    /// The envelope's `request_id` (empty when it did not parse that far).
    let requestID: String
}
