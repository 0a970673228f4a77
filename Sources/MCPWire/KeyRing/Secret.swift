import Foundation

/// Secrets in key-ring form for tools outside the key ring (the CLI, examples).
public enum Secret {
    /// Resolves `hex:…`, `base64:…`, `env:NAME`, `file:PATH`, `raw:…` or literal text to key bytes;
    /// `name` says which setting it came from in errors.
    public static func resolve(_ text: String, name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(KeyRingError) -> [UInt8] {
        try SecretResolver(environment: environment, baseDirectory: nil).resolve(text, client: nil, member: name)
    }

    /// `count` random bytes from the kernel's generator, as lower-case hex.
    public static func random(bytes count: Int) -> String {
        SecureRandom.hex(bytes: count)
    }
}
