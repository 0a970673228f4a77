/// One mistake in a key ring file, naming the client and member it concerns.
///
/// Operators read these at startup, so each says what is wrong and where
/// (`clients.billing.secret: invalid hex …`) and never includes a secret.
public struct KeyRingError: Error, Sendable, Equatable {
    /// Stable, machine-readable reasons.
    public enum Code: String, Sendable {
        /// The key ring file itself cannot be read.
        case unreadableFile = "unreadable_file"
        /// The file is not strict JSON (see `parseError`).
        case malformed
        /// A required member is absent.
        case missingMember = "missing_member"
        /// A member has the wrong JSON type.
        case wrongType = "wrong_type"
        /// A member the key ring does not define.
        case extraMember = "extra_member"
        /// A secret starts like `scheme:` but is not a known form (use `raw:`).
        case unknownSecretForm = "unknown_secret_form"
        /// A `hex:` secret with an odd length or a non-hex digit.
        case invalidHex = "invalid_hex"
        /// A `base64:` secret that is not valid base64.
        case invalidBase64 = "invalid_base64"
        /// An `env:NAME` secret whose variable is not set.
        case missingEnvVar = "missing_env_var"
        /// A `file:PATH` secret whose file cannot be read.
        case unreadableSecretFile = "unreadable_secret_file"
        /// A secret that resolves to no bytes.
        case emptySecret = "empty_secret"
        /// The same client id appears twice in `clients` (or two ids are
        /// Unicode-equivalent, which Swift dictionaries cannot tell apart).
        case duplicateClient = "duplicate_client"
        /// `clients` is empty: nobody could call the gateway.
        case noClients = "no_clients"
        /// A client id is the empty string.
        case invalidClientID = "invalid_client_id"
        /// An `auth` list that is empty, names an unknown method, or lacks the
        /// credentials a method needs (`signature` without `secret`, `api_key`
        /// without `api_keys`).
        case invalidAuth = "invalid_auth"
        /// An `api_keys` member that is not `sha256:<64 hex digits>` (a token
        /// pasted instead of its digest, say).
        case invalidAPIKey = "invalid_api_key"
        /// Two clients (or one twice) list the same API key digest.
        case duplicateAPIKey = "duplicate_api_key"
    }

    /// The reason.
    public let code: Code
    /// The client concerned, if any.
    public let client: String?
    /// The member path concerned (`server_secret`, `clients.billing.tools`).
    public let member: String?
    /// A human sentence saying what to fix.
    public let message: String
    /// The JSON error behind `malformed`.
    public let parseError: JSONParseError?
    /// The key ring file, when loaded from one.
    public let file: String?

    /// Creates an error.
    public init(
        code: Code, client: String? = nil, member: String? = nil, message: String,
        parseError: JSONParseError? = nil, file: String? = nil
    ) {
        self.code = code
        self.client = client
        self.member = member
        self.message = message
        self.parseError = parseError
        self.file = file
    }

    /// Converts a structural error found while reading the file.
    init(_ error: WireDecodingError, client: String?) {
        let code: Code = switch error.code {
        case .missingMember: .missingMember
        case .extraMember: .extraMember
        case .notAnObject, .wrongType, .outOfRange, .invalidValue: .wrongType
        }
        self.init(code: code, client: client, member: error.member, message: error.message)
    }

    /// The same error, attributed to the file it came from.
    func inFile(_ path: String) -> KeyRingError {
        KeyRingError(
            code: code, client: client, member: member, message: message, parseError: parseError, file: path)
    }
}

extension KeyRingError: CustomStringConvertible {
    /// `file: code: message`.
    public var description: String {
        "\(file ?? "key ring"): \(code.rawValue): \(message)"
    }
}
