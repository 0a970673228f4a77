import AsyncHTTPClient
import Foundation
import MCPWire
import NIOCore
import NIOHTTP1

/// Where an issuer's signing keys and metadata are read from, and how: a file,
/// an `https://` URL, or `http://` on a loopback host (for tests). Every fetch
/// is bounded in time (10 s) and size (1 MiB); redirects are not followed.
enum KeySource {
    /// The largest JWKS or metadata document read.
    static let maxDocumentBytes = 1 << 20
    /// How long one fetch may take.
    static let fetchTimeout: TimeAmount = .seconds(10)

    /// Why `url` may not be fetched, or `nil` when it may: `https://`, or `http://` to a loopback host.
    static func urlProblem(_ url: String) -> String? {
        let lowered = url.lowercased()
        if lowered.hasPrefix("https://") { return nil }
        guard lowered.hasPrefix("http://") else { return "must be an https:// URL (or http:// on a loopback host)" }
        let authority = lowered.dropFirst("http://".count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host: Substring
        if authority.hasPrefix("[") {
            host = authority.prefix { $0 != "]" }.dropFirst()
        } else {
            host = authority.prefix { $0 != ":" }
        }
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        return loopback ? nil : "uses http:// to a host that is not loopback; use https://"
    }

    /// The bytes of `file:PATH`, `https://…` or loopback `http://…`.
    static func read(_ location: String) async throws(BearerError) -> [UInt8] {
        if location.hasPrefix("file:") {
            let path = String(location.dropFirst("file:".count))
            guard let data = FileManager.default.contents(atPath: path) else {
                throw BearerError(.keysUnavailable, "cannot read the key file \(path)")
            }
            guard data.count <= maxDocumentBytes else {
                throw BearerError(.keysUnavailable, "the key file \(path) is over \(maxDocumentBytes) bytes")
            }
            return Array(data)
        }
        if let problem = urlProblem(location) {
            throw BearerError(.keysUnavailable, "\(location) \(problem)")
        }
        do {
            var request = HTTPClientRequest(url: location)
            request.headers.add(name: "Accept", value: "application/json")
            let response = try await fetchClient.execute(request, timeout: fetchTimeout)
            guard response.status == .ok else {
                throw BearerError(.keysUnavailable, "GET \(location) answered \(response.status.code)")
            }
            let body = try await response.body.collect(upTo: maxDocumentBytes)
            return Array(body.readableBytesView)
        } catch let error as BearerError {
            throw error
        } catch {
            throw BearerError(.keysUnavailable, "GET \(location) failed: \(error)")
        }
    }

    /// A shared client that does not follow redirects (a key URL must not move the trust elsewhere).
    private static let fetchClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The metadata URLs of an issuer, in the order tried: RFC 8414
    /// (`/.well-known/oauth-authorization-server` inserted before the issuer's
    /// path), then OpenID Connect discovery (appended).
    static func metadataURLs(issuer: String) -> [String] {
        var trimmed = issuer
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let schemeEnd = trimmed.range(of: "://") else { return [] }
        let afterScheme = trimmed[schemeEnd.upperBound...]
        let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let origin = trimmed[..<pathStart]
        let path = trimmed[pathStart...]
        return [
            "\(origin)/.well-known/oauth-authorization-server\(path)",
            "\(trimmed)/.well-known/openid-configuration",
        ]
    }

    /// The `jwks_uri` of `issuer`'s metadata, checking that the metadata names the same issuer.
    static func jwksURI(issuer: String) async throws(BearerError) -> String {
        var failures: [String] = []
        for url in metadataURLs(issuer: issuer) {
            let bytes: [UInt8]
            do {
                bytes = try await read(url)
            } catch {
                failures.append(error.message)
                continue
            }
            guard let value = try? JSONParser.parse(bytes), let metadata = value.objectValue else {
                failures.append("\(url) is not a JSON object")
                continue
            }
            guard metadata["issuer"]?.stringValue == issuer else {
                throw BearerError(.keysUnavailable, "the metadata at \(url) names issuer \(metadata["issuer"]?.stringValue ?? "none"), not \(issuer)")
            }
            guard let jwks = metadata["jwks_uri"]?.stringValue else {
                throw BearerError(.keysUnavailable, "the metadata at \(url) has no jwks_uri")
            }
            return jwks
        }
        throw BearerError(.keysUnavailable, "no authorization server metadata for \(issuer): \(failures.joined(separator: "; "))")
    }
}
