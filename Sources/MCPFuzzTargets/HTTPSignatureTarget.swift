#if DEBUG || MCP_FUZZING
import HTTPTypes
@testable import MCPGateway
import MCPHTTPSignatures
import MCPWire
import RawStructuredFieldValues

/// RFC 9421 signatures on a `POST /mcp`. The input is lines:
/// `Signature-Input`, `Signature`, `Content-Digest`, one more header
/// (`name: value`), then the body. The request is authenticated as sent,
/// then with a correct `Content-Digest` and the signature the named client
/// would make over the same covered components (so the fuzzer reaches
/// everything after the MAC); the body of an accepted request is decoded as
/// the JSON-RPC request the handler would route.
enum HTTPSignatureTarget {
    static let method = "POST"
    static let targetURI = "http://127.0.0.1:8080/mcp"
    static let authority = "127.0.0.1:8080"
    static let origin = PublicOrigin(listeningHost: "127.0.0.1", port: 8080)
    static let path = "/mcp"

    static func run(_ bytes: [UInt8]) throws(FuzzFailure) -> FuzzOutcome {
        let parts = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 4, omittingEmptySubsequences: false)
        func text(_ index: Int) -> String { index < parts.count ? String(decoding: parts[index], as: UTF8.self) : "" }
        let input = text(0)
        let body = parts.count > 4 ? Array(parts[4]) : []
        var headers = HTTPFields()
        if !input.isEmpty { headers[.signatureInput] = input }
        if !text(1).isEmpty { headers[.signature] = text(1) }
        if !text(2).isEmpty { headers[.contentDigest] = text(2) }
        let extra = text(3).split(separator: ":", maxSplits: 1)
        if extra.count == 2, let name = HTTPField.Name(String(extra[0])) {
            headers.append(HTTPField(name: name, value: String(extra[1]).trimmingSpaces))
        }
        _ = authenticate(headers, body: body)

        guard let label = firstLabel(input),
              let parameters = (try? HTTPMessageSignature.parse(input: input, signature: "\(label)=:AAAA:"))?.parameters else {
            return .rejected("malformed_signature")
        }
        headers[.contentDigest] = ContentDigest.sha256(of: body)
        headers[.signature] = nil
        let key = FuzzFixtures.keyRing.client(parameters.keyID ?? "")?.key ?? FuzzFixtures.anyClientKey
        var values: [String: String] = [:]
        for component in parameters.components {
            guard let value = componentValue(component, headers: headers) else { return .rejected("missing_component") }
            values[component] = value
        }
        guard let base = try? HTTPMessageSignature.base(parameters, value: { values[$0] ?? "" }) else {
            return .rejected("malformed_signature")
        }
        headers[.signature] = "\(label)=:\(HTTPMessageSignature.sign(base: base, key: key)):"
        switch authenticate(headers, body: body) {
        case .failure(let error):
            let coversSignature = parameters.components.contains { $0.lowercased() == "signature" }
            if "\(error.code)" == "bad_signature" || "\(error.code)" == "bad_digest", !coversSignature {
                throw FuzzFailure(.httpSignature, "a request signed as the gateway computes it was refused: \(error)")
            }
            return .rejected("\(error.code)")
        case .success:
            return route(body, headers: headers)
        }
    }

    static func authenticate(_ headers: HTTPFields, body: [UInt8]) -> Result<Void, HTTPSignatureError> {
        do throws(HTTPSignatureError) {
            _ = try GatewayFixtures.authenticator.authenticate(
                method: method, origin: origin, path: path, host: authority, headers: headers, body: body,
                nowSeconds: FuzzFixtures.nowSeconds)
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    /// What the handler does next with an authenticated body.
    static func route(_ body: [UInt8], headers: HTTPFields) -> FuzzOutcome {
        do throws(JSONRPCError) {
            let request = try JSONRPCRequest.decode(body)
            _ = try MCPHandler.generation(of: request, header: headers[.mcpProtocolVersion])
            try MCPHandler.checkRoutingHeaders(request, method: headers[.mcpMethod], name: headers[.mcpName])
            return .accepted
        } catch {
            return .rejected("jsonrpc_\(error.code)")
        }
    }

    /// The first label of a `Signature-Input` dictionary.
    static func firstLabel(_ input: String) -> String? {
        var parser = StructuredFieldValueParser(Array(input.utf8))
        guard let dictionary = try? parser.parseDictionaryFieldValue(), let first = dictionary.first else { return nil }
        return first.0
    }

    /// A covered component's value, as the gateway's authenticator derives it.
    static func componentValue(_ component: String, headers: HTTPFields) -> String? {
        switch component {
        case "@method": return method
        case "@target-uri": return targetURI
        case "@authority": return authority
        case "@path": return path
        case "@scheme": return "http"
        default:
            guard !component.hasPrefix("@"), let name = HTTPField.Name(component), !headers[values: name].isEmpty else { return nil }
            return headers[values: name].joined(separator: ", ").trimmingSpaces
        }
    }
}
#endif
