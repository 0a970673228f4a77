import MCPBroker
import MCPTools
import MCPWire

/// Steps 1–10 of DESIGN §3, in order: everything that can be checked without
/// writing to Redis. A failure here leaves Redis untouched and the nonce unused.
struct EnvelopeVerifier: Sendable {
    /// The tool a verified envelope calls.
    enum Target: Sendable {
        case control(ControlTool)
        case worker(ToolDescriptor)
    }

    /// A request that passed every check before the atomic accept step.
    struct Verified: Sendable {
        let envelope: Envelope
        let target: Target
    }

    let keyRing: KeyRing
    let bodyLimit: Int
    let skewMillis: Int64
    let catalog: ToolCatalogCache

    /// The request id of a body that parsed far enough to have one, for error replies.
    static func requestID(of value: JSONValue?) -> String {
        value?.objectValue?["request_id"]?.stringValue ?? ""
    }

    /// Steps 1–3: size, strict JSON, strict schema. `parsed` is set as soon as the JSON parses.
    func decode(_ body: [UInt8], parsed: inout JSONValue?) throws(GatewayFailure) -> Envelope {
        guard body.count <= bodyLimit else { throw .payloadTooLarge(limit: bodyLimit) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw .malformed("\(error)")
        }
        parsed = value
        do {
            return try Envelope(json: value)
        } catch {
            throw .invalidEnvelope("\(error)")
        }
    }

    /// Steps 4–8: version, server, client, signature, freshness.
    func authenticate(_ envelope: Envelope, nowMillis: Int64) throws(GatewayFailure) -> ClientEntry {
        guard envelope.v == Envelope.version else { throw .unsupportedVersion(envelope.v) }
        guard envelope.serverID == keyRing.serverID else { throw .wrongServer(envelope.serverID, expected: keyRing.serverID) }
        guard let client = keyRing.client(envelope.clientID) else { throw .unknownClient(envelope.clientID) }
        guard client.allows(.signature) else { throw .signatureNotAllowed(client.id) }
        guard envelope.verify(with: client.key) else { throw .badSignature }
        guard let sent = envelope.tsMs.int64 else { throw .stale(skewSeconds: skewMillis / 1000, offsetMs: nil) }
        // Any Int64 can arrive here: compare magnitudes, never `abs` (which traps on Int64.min).
        let offset = sent.subtractingReportingOverflow(nowMillis)
        guard !offset.overflow, offset.partialValue.magnitude <= skewMillis.magnitude else {
            throw .stale(skewSeconds: skewMillis / 1000, offsetMs: offset.overflow ? nil : offset.partialValue)
        }
        return client
    }

    private func lookUp(_ tool: String) async throws(GatewayFailure) -> ToolDescriptor? {
        do {
            return try await catalog.descriptor(named: tool)
        } catch {
            throw error.isPoisonValue ? .storeCorrupt(error.message, underlying: error) : .unavailable(error.publicSummary, underlying: error)
        }
    }

    /// Steps 9–10: the tool exists, the client may call it, and the arguments fit its schema.
    func authorize(_ envelope: Envelope, client: ClientEntry) async throws(GatewayFailure) -> Target {
        let target: Target
        let schema: JSONValue
        if let control = ControlTool(rawValue: envelope.tool) {
            // poll_job and cancel_job touch only the caller's own jobs, so every client may
            // use them; server_identity obeys the client's tool list like any tool.
            guard control.isImpliedForEveryClient || client.mayCall(envelope.tool) else {
                throw .forbiddenTool(envelope.tool, client: client.id)
            }
            target = .control(control)
            schema = control.descriptor.inputSchema
        } else if let descriptor = try await lookUp(envelope.tool) {
            guard client.mayCall(envelope.tool) else { throw .forbiddenTool(envelope.tool, client: client.id) }
            target = .worker(descriptor)
            schema = descriptor.inputSchema
        } else {
            throw .unknownTool(envelope.tool)
        }
        if let first = JSONSchemaValidator.firstViolation(.object(envelope.args), against: schema, path: "args") {
            throw .invalidArgs("\(first)")  // the walk stops at the first: never every violation of a large body
        }
        return target
    }
}
