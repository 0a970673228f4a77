import JWTKit
import Logging

/// The issuer's signing keys, cached: loaded at start (when the gateway starts
/// serving), reloaded when a token names a `kid` the cache lacks (key
/// rotation), at most once per ``OAuthConfiguration/keyRefreshInterval`` so
/// tokens with made-up kids cannot turn into a flood of fetches.
actor IssuerKeys {
    private let configuration: OAuthConfiguration
    private let logger: Logger
    private var keys: SigningKeySet?
    private var lastAttempt: ContinuousClock.Instant?
    private var loading: Task<SigningKeySet, any Error>?

    init(configuration: OAuthConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The key set that holds `kid` (or, for a token without `kid`, a set of
    /// one key), reloading once if allowed. Throws `unknown_key_id` when no
    /// loaded set has it, `keys_unavailable` when none could ever be loaded.
    func keySet(for kid: String?) async throws(BearerError) -> (SigningKeySet, String) {
        if let keys, let found = Self.find(kid, in: keys) { return (keys, found) }
        try await reloadIfAllowed()
        guard let keys else {
            throw BearerError(.keysUnavailable, "the issuer's signing keys could not be loaded yet; retry shortly")
        }
        if let found = Self.find(kid, in: keys) { return (keys, found) }
        guard let kid else {
            throw BearerError(.unknownKeyID, "the token has no kid and the issuer has \(keys.algorithms.count) signing keys: name one")
        }
        throw BearerError(.unknownKeyID, "kid \"\(kid.prefix(64))\" names none of the issuer's signing keys (\(keys.algorithms.keys.sorted().joined(separator: ", ")))")
    }

    private static func find(_ kid: String?, in keys: SigningKeySet) -> String? {
        if let kid { return keys.algorithms[kid] == nil ? nil : kid }
        return keys.algorithms.count == 1 ? keys.algorithms.keys.first : nil
    }

    /// Loads the keys now (at start); failures are logged and retried on demand.
    func load() async {
        do throws(BearerError) {
            try await reloadIfAllowed(force: true)
        } catch {
            logger.warning("oauth signing keys not loaded", metadata: ["error.code": "\(error.code.rawValue)", "error.message": "\(error.message)"])
        }
    }

    private func reloadIfAllowed(force: Bool = false) async throws(BearerError) {
        let now = ContinuousClock.now
        if let loading {
            keys = try await Self.await(loading)
            return
        }
        if !force, let lastAttempt, now - lastAttempt < configuration.keyRefreshInterval { return }
        lastAttempt = now
        let configuration = configuration
        let task = Task { () throws -> SigningKeySet in
            let location: String
            if let jwks = configuration.jwks {
                location = jwks
            } else {
                location = try await KeySource.jwksURI(issuer: configuration.issuer)
            }
            return try await SigningKeySet(jwks: try await KeySource.read(location))
        }
        loading = task
        defer { loading = nil }
        let set = try await Self.await(task)
        keys = set
        logger.info("oauth signing keys loaded", metadata: [
            "oauth.kids": "\(set.algorithms.keys.sorted())", "oauth.skipped": "\(set.skipped)",
        ])
    }

    @discardableResult
    private static func await(_ task: Task<SigningKeySet, any Error>) async throws(BearerError) -> SigningKeySet {
        do {
            return try await task.value
        } catch let error as BearerError {
            throw error
        } catch {
            throw BearerError(.keysUnavailable, "\(error)")
        }
    }
}
