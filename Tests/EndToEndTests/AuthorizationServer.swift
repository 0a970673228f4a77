import Foundation
import RedisTestSupport
import Testing

/// A real OAuth 2.1 authorization server we did not write (oidc-provider-mock on
/// Authlib, `examples/python/oauth/authorization_server.py`, venv `.venv-oauth`)
/// on a free loopback port: RFC 9068 JWT access tokens, RFC 8707 resource → aud,
/// PKCE, RFC 7591 registration, RFC 8414 metadata.
final class AuthorizationServer: Sendable {
    let process: ChildProcess
    /// The issuer, as the server prints it (`READY <issuer>`).
    let issuer: String
    let directory: URL

    private init(process: ChildProcess, issuer: String, directory: URL) {
        self.process = process
        self.issuer = issuer
        self.directory = directory
    }

    /// Starts the server and waits (bounded) for its `READY` line.
    static func start(environment: [String: String] = [:]) async throws -> AuthorizationServer {
        let python = PythonScript.repositoryRoot.appendingPathComponent(".venv-oauth/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run `make venv-oauth` first (make test does it)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-as-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = try await ChildProcess(
            executableURL: python,
            arguments: [PythonScript.repositoryRoot.appendingPathComponent("examples/python/oauth/authorization_server.py").path],
            environment: environment.merging(["PYTHONUNBUFFERED": "1"]) { old, _ in old }, logDirectory: directory, name: "authorization-server")
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        while clock.now < deadline {
            if let line = process.log.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }) {
                return AuthorizationServer(process: process, issuer: String(line.dropFirst("READY ".count)), directory: directory)
            }
            guard process.isRunning else { throw DeploymentError("the authorization server exited at start:\n\(process.log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        await process.killAndWait()
        throw DeploymentError("the authorization server did not print READY within 30 s:\n\(process.log)")
    }

    /// An access token for `client` with `scope` and `resource` as its audience, obtained
    /// headlessly (authorization code + PKCE, consent form submitted) by `get_token.py`.
    func token(client: String, scope: String, resource: String) async throws -> String {
        let python = PythonScript.repositoryRoot.appendingPathComponent(".venv-oauth/bin/python")
        let run = try await ChildProcess(
            executableURL: python, arguments: [PythonScript.repositoryRoot.appendingPathComponent("examples/python/oauth/get_token.py").path],
            environment: ["OAUTH_ISSUER": issuer, "OAUTH_CLIENT_ID": client, "OAUTH_SCOPE": scope, "OAUTH_RESOURCE": resource],
            logDirectory: directory, name: "get-token-\(UUID().uuidString.prefix(6))")
        guard await run.waitForExit(timeout: .seconds(30)), run.exitStatus == 0 else {
            await run.killAndWait()
            throw DeploymentError("get_token.py failed:\n\(run.log)")
        }
        let token = run.log.split(separator: "\n").last { $0.split(separator: ".").count == 3 && !$0.contains(" ") }
        guard let token else { throw DeploymentError("get_token.py printed no token:\n\(run.log)") }
        return String(token)
    }

    func stop() async {
        await process.killAndWait()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with a started authorization server and stops it afterwards.
func withAuthorizationServer<T>(environment: [String: String] = [:], _ body: (AuthorizationServer) async throws -> T) async throws -> T {
    let server = try await AuthorizationServer.start(environment: environment)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
