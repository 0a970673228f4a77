/// What ``Broker/prepareFunctions(load:replace:)`` found or did.
public enum FunctionLibraryState: Sendable, Equatable {
    /// Redis already had this build's library, with this build's code.
    case present
    /// Redis did not have it; this process loaded it.
    case loaded
    /// The library was there with other code; this process replaced it (`replace: true`).
    case replaced
}
