import MCPBroker
import MCPCommandLine
import MCPGateway

/// The accepted range of each numeric gateway option, and their checked values.
/// `validate()` resolves them all (flag, else `MCP_…` variable, else default), so
/// an absurd value stops the process before it starts, naming the option.
extension GatewayOptions {
    /// Accepted ranges, in seconds for durations; shown in `--help` and so in docs/configuration.md.
    enum Bounds {
        /// At least 1 s: with 0 nearly every request is `stale_request`; at most 1 h.
        static let skew: ClosedRange<Double> = 1...3_600
        /// At least 4 KiB (a signed envelope with small arguments, an MCP `initialize`); at most 64 MiB.
        static let bodyLimit: ClosedRange<Int> = 4_096...(64 << 20)
        /// At most 1 GiB: a parsed body is several times its size.
        static let inFlightBodyLimitMax = 1 << 30
        /// A sync call waits 0.1 s to 5 min.
        static let syncBudget: ClosedRange<Double> = 0.1...300
        /// At least 1 s (Redis refuses PX 0) and --skew (below); at most 30 days (Redis holds rate × this).
        static let retention: ClosedRange<Double> = 1...(30 * 86_400)
        /// 0 turns backpressure off.
        static let maxBacklog: ClosedRange<Int> = 1...1_000_000_000
        /// Requests per second; 0 turns the limit off.
        static let clientRate: ClosedRange<Double> = 0.001...1_000_000
        /// One read holds at most this many envelopes, each up to --body-limit: 1 000 of 1 MiB are 1 GiB.
        static let ingressBatch: ClosedRange<Int> = 1...1_000
        /// Seconds an ingress entry may stay unacknowledged: 1 s to 1 day.
        static let ingressLease: ClosedRange<Double> = 1...86_400
        /// Seconds for a request head or body: 1 s to 1 h.
        static let requestTimeout: ClosedRange<Double> = 1...3_600
        /// 0 = no cap.
        static let maxConnections: ClosedRange<Int> = 1...1_000_000
        /// WAIT takes milliseconds, and WAIT 0 would block forever: 0.01 s to 1 min.
        static let replicationTimeout: ClosedRange<Double> = 0.01...60
        /// 0 = no tolerance; at most 10 min.
        static let oauthLeeway: ClosedRange<Double> = 1...600
        /// 0 = reload on every unknown kid; at most 1 day.
        static let oauthKeyRefresh: ClosedRange<Double> = 1...86_400

        /// "1 to 3600", or "0 (off) or 1 to 1000000000", as help texts show a range.
        static func text(_ range: ClosedRange<Double>, zero: String? = nil) -> String {
            OptionRange.accepted(OptionRange.format(range.lowerBound), OptionRange.format(range.upperBound), zero: zero, unit: "")
        }

        /// ``text(_:zero:)`` for an integer range.
        static func text(_ range: ClosedRange<Int>, zero: String? = nil) -> String {
            OptionRange.accepted(String(range.lowerBound), String(range.upperBound), zero: zero, unit: "")
        }
    }

    /// Every numeric and id setting of the gateway, resolved and checked.
    struct Limits {
        var skew: Duration
        var bodyLimit: Int
        var inFlightBodyLimit: Int
        var syncBudget: Duration
        var retention: Duration
        var maxBacklog: Int
        var clientRate: Double
        var gatewayID: String?
        var ingressBatch: Int
        var ingressLease: Duration
        var requestHeadTimeout: Duration
        var requestBodyTimeout: Duration
        var maxConnections: Int
        var replicationTimeout: Duration
        var oauthLeeway: Duration
        var oauthKeyRefresh: Duration
    }

    /// Refuses to start on any setting out of its range (swift-argument-parser calls this after parsing).
    func validate() throws {
        _ = try limits()
    }

    /// A duration in seconds, for messages.
    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The checked settings.
    func limits() throws -> Limits {
        let skew = try EnvironmentDefault.seconds(skew, "--skew", "MCP_SKEW", GatewayConfiguration.defaultSkew, in: Bounds.skew)
        let bodyLimit = try EnvironmentDefault.int(bodyLimit, "--body-limit", "MCP_BODY_LIMIT", GatewayConfiguration.defaultBodyLimit, in: Bounds.bodyLimit)
        let inFlight = try EnvironmentDefault.int(
            inFlightBodyLimit, "--inflight-body-limit", "MCP_INFLIGHT_BODY_LIMIT", GatewayConfiguration.defaultInFlightBodyLimit,
            in: bodyLimit...max(bodyLimit, Bounds.inFlightBodyLimitMax))
        let retention = try EnvironmentDefault.seconds(retention, "--retention", "MCP_RETENTION", BrokerConfiguration.defaultRetention, in: Bounds.retention)
        // A request is accepted up to skew after it was signed: a resend of it within that
        // window must still find its request record (the idempotency guard), not make a second job.
        guard retention >= skew else {
            throw ConfigurationError(
                "--retention / MCP_RETENTION (\(OptionRange.format(Self.seconds(retention))) s) must be at least --skew / MCP_SKEW "
                    + "(\(OptionRange.format(Self.seconds(skew))) s): a request id must stay known while a request carrying it is still accepted")
        }
        return Limits(
            skew: skew, bodyLimit: bodyLimit, inFlightBodyLimit: inFlight,
            syncBudget: try EnvironmentDefault.seconds(syncBudget, "--sync-budget", "MCP_SYNC_BUDGET", GatewayConfiguration.defaultSyncBudget, in: Bounds.syncBudget),
            retention: retention,
            maxBacklog: try EnvironmentDefault.int(maxBacklog, "--max-backlog", "MCP_MAX_BACKLOG", GatewayConfiguration.defaultMaxBacklog, in: Bounds.maxBacklog, zero: "off"),
            clientRate: try EnvironmentDefault.double(clientRate, "--client-rate", "MCP_CLIENT_RATE", GatewayConfiguration.defaultClientRate, in: Bounds.clientRate, zero: "off"),
            gatewayID: try EnvironmentDefault.instanceName(gatewayID, "--gateway-id", "MCP_GATEWAY_ID"),
            ingressBatch: try EnvironmentDefault.int(ingressBatch, "--ingress-batch", "MCP_INGRESS_BATCH", GatewayConfiguration.defaultIngressBatch, in: Bounds.ingressBatch),
            ingressLease: try EnvironmentDefault.seconds(
                ingressLease, "--ingress-lease", "MCP_INGRESS_LEASE", GatewayConfiguration.defaultIngressLease, in: Bounds.ingressLease),
            requestHeadTimeout: try EnvironmentDefault.seconds(
                requestHeadTimeout, "--request-head-timeout", "MCP_REQUEST_HEAD_TIMEOUT", GatewayConfiguration.defaultRequestHeadTimeout, in: Bounds.requestTimeout),
            requestBodyTimeout: try EnvironmentDefault.seconds(
                requestBodyTimeout, "--request-body-timeout", "MCP_REQUEST_BODY_TIMEOUT", GatewayConfiguration.defaultRequestBodyTimeout, in: Bounds.requestTimeout),
            maxConnections: try EnvironmentDefault.int(
                maxConnections, "--max-connections", "MCP_MAX_CONNECTIONS", GatewayConfiguration.defaultMaxConnections, in: Bounds.maxConnections, zero: "no cap"),
            replicationTimeout: try EnvironmentDefault.seconds(
                replicationTimeout, "--replication-timeout", "MCP_REPLICATION_TIMEOUT", .seconds(1), in: Bounds.replicationTimeout),
            oauthLeeway: try EnvironmentDefault.seconds(
                oauthLeeway, "--oauth-leeway", "MCP_OAUTH_LEEWAY", OAuthConfiguration.defaultLeeway, in: Bounds.oauthLeeway, zero: "none"),
            oauthKeyRefresh: try EnvironmentDefault.seconds(
                oauthKeyRefresh, "--oauth-key-refresh", "MCP_OAUTH_KEY_REFRESH", OAuthConfiguration.defaultKeyRefreshInterval, in: Bounds.oauthKeyRefresh,
                zero: "no minimum"))
    }
}
