import RawStructuredFieldValues

/// Covered component identifiers with parameters (RFC 9421 §2.1–2.4), written
/// in ``HTTPSignatureParameters/components`` as the name followed by its
/// serialised parameters: `@status`, `content-digest`, or
/// `signature;req;key="sig1"` (the request's `sig1` signature, covered by a response).
public enum HTTPSignatureComponent {
    /// The parameters a component identifier may carry: `req` (the value comes
    /// from the request a response answers), `key` (one member of a dictionary field), `sf`, `bs`.
    static let allowedParameters: Set<String> = ["req", "key", "sf", "bs"]

    /// `signature;req;key="sig1"` for the request's signature labelled `label`, as a response covers it.
    public static func request(_ field: String, key label: String) -> String {
        "\(field);req;key=\"\(label)\""
    }

    /// The name and the serialised parameters (`;req;key="sig1"`, or empty) of a component.
    public static func split(_ component: String) -> (name: String, parameters: String) {
        guard let semicolon = component.firstIndex(of: ";") else { return (component, "") }
        return (String(component[..<semicolon]), String(component[semicolon...]))
    }

    /// Whether a component names the request's value (`;req`).
    public static func isRequestComponent(_ component: String) -> Bool {
        split(component).parameters.split(separator: ";").contains("req")
    }

    /// The dictionary member named by a component's `key` parameter, if any.
    public static func key(of component: String) -> String? {
        let (name, parameters) = split(component)
        guard !parameters.isEmpty, let item = try? item(component), case .string(let parsed) = item.rfc9651BareItem, parsed == name,
              case .string(let key)? = item.rfc9651Parameters["key"] else { return nil }
        return key
    }

    /// The serialised value of member `key` of a dictionary field (`:base64:` for
    /// `sig1=:base64:`), as RFC 9421 §2.1.2 puts it into a signature base.
    public static func dictionaryMember(_ fieldValue: String, key: String) throws(HTTPSignatureError) -> String {
        do {
            var parser = StructuredFieldValueParser(Array(fieldValue.utf8))
            let dictionary = try parser.parseDictionaryFieldValue()
            guard let member = dictionary[key] else {
                throw HTTPSignatureError(.missingComponent, "the dictionary field has no member \"\(key)\"")
            }
            var single = OrderedMap<String, ItemOrInnerList>()
            single[key] = member
            var serializer = StructuredFieldValueSerializer()
            let text = String(decoding: try serializer.writeDictionaryFieldValue(single), as: UTF8.self)
            guard text.hasPrefix(key + "=") else { return "?1" }  // a bare `true` member
            return String(text.dropFirst(key.count + 1))
        } catch let error as HTTPSignatureError {
            throw error
        } catch {
            throw HTTPSignatureError(.malformedSignature, "a covered dictionary field is not a valid structured field dictionary")
        }
    }

    /// The inner-list item for a component.
    static func item(_ component: String) throws(HTTPSignatureError) -> Item {
        let (name, parameters) = split(component)
        guard !name.contains("\""), !name.contains("\\") else {
            throw HTTPSignatureError(.malformedSignature, "component name \"\(name)\" cannot be serialised")
        }
        guard !parameters.isEmpty else {
            return Item(bareItem: RFC9651BareItem.string(name), parameters: OrderedMap<String, RFC9651BareItem>())
        }
        do {
            var parser = StructuredFieldValueParser(Array("\"\(name)\"\(parameters)".utf8))
            return try parser.parseItemFieldValue()
        } catch {
            throw HTTPSignatureError(.malformedSignature, "component \"\(component)\" has malformed parameters")
        }
    }

    /// A component read from a parsed `Signature-Input` inner-list item.
    static func component(_ item: Item) throws(HTTPSignatureError) -> String {
        guard case .string(let name) = item.rfc9651BareItem, !name.contains("\""), !name.contains("\\"), !name.contains(";") else {
            throw HTTPSignatureError(.malformedSignature, "covered components must be strings such as \"@method\"")
        }
        guard item.rfc9651Parameters.count > 0 else { return name }
        var parameters = ""
        for (key, value) in item.rfc9651Parameters {
            guard allowedParameters.contains(key) else {
                throw HTTPSignatureError(.malformedSignature, "component parameter \"\(key)\" is not supported")
            }
            switch value {
            case .bool(true): parameters += ";\(key)"
            case .string(let text) where key == "key" && !text.contains("\"") && !text.contains("\\"): parameters += ";key=\"\(text)\""
            default: throw HTTPSignatureError(.malformedSignature, "component parameter \"\(key)\" has the wrong type")
            }
        }
        return name + parameters
    }
}
