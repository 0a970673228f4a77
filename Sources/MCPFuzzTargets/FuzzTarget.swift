/// The fuzz targets: each one takes arbitrary bytes, drives one boundary of
/// the system with them, and must never trap on any input.
///
/// The same entry functions run under libFuzzer (`make fuzz`, the `mcp-fuzz`
/// executable built with `-sanitize=fuzzer,address`) and, without the
/// sanitizer, in `FuzzRegressionTests`, which replays every committed corpus
/// and crash input (`Fuzz/corpus/<target>/`, `Fuzz/crashes/<target>/`).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The strict JSON parser, canonical JSON and the JSON-RPC request decoder.
    case json
    /// The envelope decoder and verifier (steps 1–8 and 10 of DESIGN §3), as sent and re-signed.
    case envelope
    /// RFC 9421 `Signature-Input`/`Signature` and RFC 9530 `Content-Digest` parsing and verification.
    case httpSignature = "http-signature"
    /// The JSON Schema validator: fuzzed schema with fuzzed instance, and instances against the real tool schemas.
    case schema
    /// Every decoder of Redis replies the broker, gateway and worker use, on reply trees read from RESP text.
    case redisReply = "redis-reply"

    /// Whether this build has the targets: they reach internals of the gateway,
    /// broker and worker through `@testable import`, so they exist in debug
    /// builds and in the fuzz build (`-enable-testing -DMCP_FUZZING`), not in
    /// plain release builds.
    public static var isAvailable: Bool {
        #if DEBUG || MCP_FUZZING
        return true
        #else
        return false
        #endif
    }

    /// Runs the target on one input. Expected rejections are outcomes, not
    /// errors; a thrown ``FuzzFailure`` is a broken property (a bug).
    public func run(_ bytes: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        #if DEBUG || MCP_FUZZING
        switch self {
        case .json: return try JSONParserTarget.run(bytes)
        case .envelope: return try EnvelopeTarget.run(bytes)
        case .httpSignature: return try HTTPSignatureTarget.run(bytes)
        case .schema: return try SchemaValidatorTarget.run(bytes)
        case .redisReply: return try RedisReplyTarget.run(bytes)
        }
        #else
        return .rejected("unavailable_in_release_builds")
        #endif
    }
}
