import RedisClient
import Testing

@Suite("Redis URLs")
struct RedisEndpointTests {
    @Test func tcpWithUserPasswordAndDatabase() throws {
        let endpoint = try RedisEndpoint(url: "redis://gateway:s%40cret@redis.internal:6380/3")
        #expect(endpoint.address == .tcp(host: "redis.internal", port: 6380))
        #expect(endpoint.user == "gateway")
        #expect(endpoint.password == "s@cret")
        #expect(endpoint.database == 3)
        #expect(!endpoint.description.contains("s@cret"))
    }

    /// Hosts are taken as written: IPv6 literals lose their brackets, nothing is IDNA-transcoded.
    @Test func ipv6AndPlainHosts() throws {
        #expect(try RedisEndpoint(url: "redis://[::1]:6380").address == .tcp(host: "::1", port: 6380))
        #expect(try RedisEndpoint(url: "redis://127.0.0.1").address == .tcp(host: "127.0.0.1", port: 6379))
        #expect(throws: RedisError.self) { try RedisEndpoint(url: "redis://:6379") }
    }

    @Test func tcpWithPasswordOnlyAndDefaults() throws {
        let endpoint = try RedisEndpoint(url: "redis://:hunter2@localhost")
        #expect(endpoint.address == .tcp(host: "localhost", port: 6379))
        #expect(endpoint.user == nil)
        #expect(endpoint.password == "hunter2")
        #expect(endpoint.database == 0)
    }

    @Test func unixSocketWithQuery() throws {
        let endpoint = try RedisEndpoint(url: "unix:///run/redis/redis.sock?db=2&user=worker&password=pw")
        #expect(endpoint.address == .unix(path: "/run/redis/redis.sock"))
        #expect(endpoint.database == 2)
        #expect(endpoint.user == "worker")
        #expect(endpoint.password == "pw")
    }

    @Test(arguments: [
        ("http://localhost:6379", "unsupported scheme"),
        ("redis://localhost:6379/abc", "database"),
        ("redis:///0", "missing host"),
        ("unix://relative.sock", "absolute"),
        ("unix:///tmp/r.sock?db=-1", "db=-1"),
    ])
    func rejectsBadURLs(url: String, mentions: String) {
        #expect {
            _ = try RedisEndpoint(url: url)
        } throws: { error in
            guard let error = error as? RedisError else { return false }
            return error.code == .configuration && error.message.contains(mentions)
        }
    }
}
