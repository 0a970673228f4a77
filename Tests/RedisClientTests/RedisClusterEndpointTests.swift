import RedisClient
import Testing

@Suite("Redis Cluster URLs")
struct RedisClusterEndpointTests {
    @Test func seedsWithLogin() throws {
        let endpoint = try RedisEndpoint(url: "redis+cluster://gateway:s%40cret@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002,redis-c")
        #expect(endpoint.isCluster)
        #expect(endpoint.clusterSeeds == [
            ClusterNodeAddress(host: "10.0.0.1", port: 7000), ClusterNodeAddress(host: "10.0.0.2", port: 7001),
            ClusterNodeAddress(host: "::1", port: 7002), ClusterNodeAddress(host: "redis-c", port: 6379),
        ])
        #expect(endpoint.address == .tcp(host: "10.0.0.1", port: 7000))
        #expect(endpoint.user == "gateway")
        #expect(endpoint.password == "s@cret")
        #expect(endpoint.database == 0)
        #expect(!endpoint.description.contains("s@cret"))
        #expect(endpoint.description.hasPrefix("redis+cluster://gateway@10.0.0.1:7000,"))
    }

    @Test func passwordOnlyAndOneSeed() throws {
        let endpoint = try RedisEndpoint(url: "redis+cluster://hunter2@127.0.0.1:30001/")
        #expect(endpoint.user == nil)
        #expect(endpoint.password == "hunter2")
        #expect(endpoint.clusterSeeds == [ClusterNodeAddress(host: "127.0.0.1", port: 30001)])
        let anonymous = try RedisEndpoint(url: "REDIS+CLUSTER://127.0.0.1:30001,127.0.0.1:30001")
        #expect(anonymous.password == nil && anonymous.clusterSeeds.count == 1)
    }

    @Test func plainURLsAreNotClusters() throws {
        #expect(try RedisEndpoint(url: "redis://127.0.0.1:6379").isCluster == false)
        #expect(try RedisEndpoint(url: "unix:///tmp/r.sock").isCluster == false)
        #expect(try RedisClient(url: "redis://127.0.0.1:6379").isCluster == false)
        #expect(try RedisClient(url: "redis+cluster://127.0.0.1:6379").isCluster)
    }

    @Test(arguments: [
        ("redis+cluster://", "missing seed"),
        ("redis+cluster://a:1,,b:2", "seed"),
        ("redis+cluster://a:99999", "seed"),
        ("redis+cluster://a:x", "seed"),
        ("redis+cluster://u:pw@a:1/3", "database 0"),
        ("redis+cluster://u:pw@a:1?db=1", "database 0"),
        ("redis+cluster://u:pw@[::1:1", "seed"),
    ])
    func rejectsBadClusterURLs(url: String, mentions: String) {
        #expect {
            _ = try RedisEndpoint(url: url)
        } throws: { error in
            guard let error = error as? RedisError else { return false }
            return error.code == .configuration && error.message.contains(mentions) && !error.message.contains("pw@")
        }
    }
}
