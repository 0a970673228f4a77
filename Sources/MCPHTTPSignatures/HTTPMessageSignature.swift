import Foundation
import MCPWire
import RawStructuredFieldValues

/// RFC 9421 HTTP Message Signatures with `hmac-sha256`: the signature base,
/// signing, and parsing of the `Signature-Input` / `Signature` fields.
///
/// Structured fields are parsed and serialised with swift-http-structured-headers,
/// so `@signature-params` is the canonical serialisation of the inner list.
public enum HTTPMessageSignature {
    /// The signature base: one `"name": value` line per covered component, then
    /// the `"@signature-params"` line; `value(of:)` supplies each component's value.
    public static func base(_ parameters: HTTPSignatureParameters, value: (String) throws(HTTPSignatureError) -> String) throws(HTTPSignatureError) -> [UInt8] {
        var lines = [String]()
        for component in parameters.components {
            let (name, componentParameters) = HTTPSignatureComponent.split(component)
            lines.append("\"\(name)\"\(componentParameters): \(try value(component))")
        }
        lines.append("\"@signature-params\": \(try serialize(parameters))")
        return Array(lines.joined(separator: "\n").utf8)
    }

    /// The HMAC-SHA256 of a signature base, base64-encoded.
    public static func sign(base: [UInt8], key: HMACKey) -> String {
        Data(key.mac(base)).base64EncodedString()
    }

    /// `Signature-Input` and `Signature` header values for one labelled signature.
    public static func headers(label: String, parameters: HTTPSignatureParameters, signature: String) throws(HTTPSignatureError) -> (input: String, signature: String) {
        ("\(label)=\(try serialize(parameters))", "\(label)=:\(signature):")
    }

    /// The inner-list serialisation used both in `Signature-Input` and in `@signature-params`.
    public static func serialize(_ parameters: HTTPSignatureParameters) throws(HTTPSignatureError) -> String {
        var list = BareInnerList()
        for component in parameters.components {
            list.append(try HTTPSignatureComponent.item(component))
        }
        var params = OrderedMap<String, RFC9651BareItem>()
        for name in parameters.order {
            switch name {
            case "created": if let created = parameters.created { params[name] = .integer(created) }
            case "expires": if let expires = parameters.expires { params[name] = .integer(expires) }
            case "keyid": if let keyID = parameters.keyID { params[name] = .string(keyID) }
            case "alg": if let algorithm = parameters.algorithm { params[name] = .string(algorithm) }
            case "nonce": if let nonce = parameters.nonce { params[name] = .string(nonce) }
            default: break
            }
        }
        var serializer = StructuredFieldValueSerializer()
        do {
            let bytes = try serializer.writeListFieldValue([.innerList(InnerList(bareInnerList: list, parameters: params))])
            return String(decoding: bytes, as: UTF8.self)
        } catch {
            throw HTTPSignatureError(.malformedSignature, "signature parameters cannot be serialised: \(error)")
        }
    }

    /// Parses `Signature-Input` and `Signature` and returns the signature under
    /// `label` (or the first one when `label` is nil) with its parameters and raw MAC bytes.
    public static func parse(input: String, signature: String, label: String? = nil) throws(HTTPSignatureError) -> (label: String, parameters: HTTPSignatureParameters, mac: [UInt8]) {
        let inputs: OrderedMap<String, ItemOrInnerList>
        let signatures: OrderedMap<String, ItemOrInnerList>
        do {
            var inputParser = StructuredFieldValueParser(Array(input.utf8))
            inputs = try inputParser.parseDictionaryFieldValue()
            var signatureParser = StructuredFieldValueParser(Array(signature.utf8))
            signatures = try signatureParser.parseDictionaryFieldValue()
        } catch {
            throw HTTPSignatureError(.malformedSignature, "Signature-Input or Signature is not a valid structured field dictionary (RFC 8941)")
        }
        guard inputs.count > 0 else { throw HTTPSignatureError(.malformedSignature, "Signature-Input names no signature") }
        let chosen = label ?? inputs[inputs.startIndex].0
        guard case .innerList(let list)? = inputs[chosen] else {
            throw HTTPSignatureError(.malformedSignature, "Signature-Input has no inner list labelled \"\(chosen)\"")
        }
        guard case .item(let item)? = signatures[chosen], case .undecodedByteSequence(let encoded) = item.rfc9651BareItem,
              let mac = Data(base64Encoded: encoded) else {
            throw HTTPSignatureError(.malformedSignature, "Signature has no byte sequence labelled \"\(chosen)\" (expected \(chosen)=:base64:)")
        }
        var components = [String]()
        for item in list.bareInnerList {
            components.append(try HTTPSignatureComponent.component(item))
        }
        var parameters = HTTPSignatureParameters(components: components, created: nil, keyID: nil, algorithm: nil, nonce: nil)
        for (name, value) in list.rfc9651Parameters {
            parameters.order.append(name)
            switch (name, value) {
            case ("created", .integer(let number)): parameters.created = number
            case ("expires", .integer(let number)): parameters.expires = number
            case ("keyid", .string(let text)): parameters.keyID = text
            case ("alg", .string(let text)): parameters.algorithm = text
            case ("nonce", .string(let text)): parameters.nonce = text
            case ("tag", .string):
                parameters.order.removeLast()
                throw HTTPSignatureError(.malformedSignature, "the tag parameter is not supported")
            default:
                throw HTTPSignatureError(.malformedSignature, "signature parameter \"\(name)\" has the wrong type or is unknown")
            }
        }
        return (chosen, parameters, Array(mac))
    }
}
