import Foundation
import MCPWire
import RedisClient
import Testing
import Yams

/// Every YAML and JSON file under deploy/ parses, and the manifests say what docs/deployment.md promises.
@Suite("deploy/ files")
struct DeployFileTests {
    @Test func everyYAMLFileParses() throws {
        let files = RepositoryFiles.deployFiles(withExtensions: ["yaml", "yml"])
        #expect(files.count >= 6, "found \(files.map(RepositoryFiles.relative))")
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let documents = try Array(Yams.load_all(yaml: text))  // constructs values, so merge keys (<<) are resolved too
            #expect(!documents.isEmpty, "\(RepositoryFiles.relative(file)) has no document")
            for document in documents {
                #expect(document is [AnyHashable: Any], "\(RepositoryFiles.relative(file)): every document is a mapping")
            }
        }
    }

    @Test func everyJSONFileParses() throws {
        let files = RepositoryFiles.deployFiles(withExtensions: ["json"])
        #expect(!files.isEmpty)
        for file in files {
            let bytes = try Array(Data(contentsOf: file))
            #expect(throws: Never.self, "\(RepositoryFiles.relative(file))") { _ = try JSONParser.parse(bytes) }
        }
    }

    @Test func theShippedKeyRingLoadsWithItsSecretFilesNextToIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-keyring-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: RepositoryFiles.url("deploy/keyring.json"), to: directory.appendingPathComponent("keyring.json"))
        try "server\n".write(to: directory.appendingPathComponent("server_secret"), atomically: true, encoding: .utf8)
        try "client\n".write(to: directory.appendingPathComponent("client_001_secret"), atomically: true, encoding: .utf8)
        let ring = try KeyRing.load(path: directory.appendingPathComponent("keyring.json").path, environment: [:])
        #expect(ring.serverID == "mcp-server-001")
        #expect(ring.client("client-001") != nil)
    }

    @Test func composeRunsRedisOneGatewayAndAWorkerPool() throws {
        let compose = try Yams.compose(yaml: RepositoryFiles.text("deploy/compose.yaml"))
        let services = try #require(compose?["services"])
        let redis = try #require(services["redis"])
        let gateway = try #require(services["gateway"])
        let worker = try #require(services["worker"])

        let redisCommand = redis["command"]?.array().compactMap(\.string) ?? []
        #expect(redisCommand.contains("/usr/local/etc/redis/redis.conf"))
        let volumes = redis["volumes"]?.array().compactMap(\.string) ?? []
        #expect(volumes.contains("./redis/redis.conf:/usr/local/etc/redis/redis.conf:ro"))
        #expect(volumes.contains("./redis/users.acl:/usr/local/etc/redis/users.acl:ro"))
        #expect(volumes.contains { $0.hasSuffix(":/data") }, "Redis keeps its AOF on a volume")

        #expect(gateway["environment"]?["MCP_KEYS_FILE"]?.string == "/run/secrets/keyring")
        #expect(gateway["secrets"]?.array().compactMap(\.string).contains("keyring") == true)
        #expect(compose?["secrets"]?["keyring"]?["file"]?.string == "./keyring.json")
        #expect(gateway["environment"]?["MCP_REDIS_URL"]?.string?.hasPrefix("redis://gateway:") == true)

        #expect(worker["environment"]?["MCP_REDIS_URL"]?.string?.hasPrefix("redis://worker:") == true)
        #expect((worker["deploy"]?["replicas"]?.int ?? 0) >= 2)
        let grace = Int(worker["environment"]?["MCP_GRACE"]?.string ?? "") ?? 25
        #expect(Self.seconds(worker["stop_grace_period"]?.string) > grace, "Docker must wait longer than the worker drains")

        // The function library is loaded by a one-shot service as the `setup` user before gateway and workers start.
        let setup = try #require(services["redis-setup"])
        #expect(setup["command"]?.array().compactMap(\.string) == ["mcpctl", "redis", "setup"])
        #expect(setup["environment"]?["MCP_REDIS_URL"]?.string?.hasPrefix("redis://setup:") == true)
        for service in [gateway, worker] {
            #expect(service["depends_on"]?["redis-setup"]?["condition"]?.string == "service_completed_successfully")
        }
    }

    @Test func kubernetesProbesServiceSecretAndScaler() throws {
        var resources = [String: Node]()  // "Kind/name" → document
        for file in RepositoryFiles.deployFiles(withExtensions: ["yaml"]) where file.path.contains("/kubernetes/") {
            for document in try Yams.compose_all(yaml: String(contentsOf: file, encoding: .utf8)) {
                guard let kind = document["kind"]?.string, let name = document["metadata"]?["name"]?.string else { continue }
                resources["\(kind)/\(name)"] = document
            }
        }
        let gateway = try #require(resources["Deployment/mcp-gateway"])
        let container = try #require(gateway["spec"]?["template"]?["spec"]?["containers"]?.array().first)
        #expect(container["livenessProbe"]?["httpGet"]?["path"]?.string == "/healthz")
        #expect(container["readinessProbe"]?["httpGet"]?["path"]?.string == "/readyz")
        #expect(container["env"]?.array().contains { $0["name"]?.string == "MCP_KEYS_FILE" } == true)
        let keyringVolume = gateway["spec"]?["template"]?["spec"]?["volumes"]?.array().first { $0["secret"] != nil }
        let secretName = try #require(keyringVolume?["secret"]?["secretName"]?.string)
        let secret = try #require(resources["Secret/\(secretName)"], "the key ring Secret")
        let ring = try #require(secret["stringData"]?["keyring.json"]?.string)
        #expect(throws: Never.self) { _ = try JSONParser.parse(ring) }

        let service = try #require(resources["Service/mcp-gateway"])
        let podLabels = gateway["spec"]?["template"]?["metadata"]?["labels"]
        #expect(service["spec"]?["selector"] == podLabels)

        let worker = try #require(resources["Deployment/mcp-worker"])
        let workerSpec = worker["spec"]?["template"]?["spec"]
        let workerEnv = workerSpec?["containers"]?.array().first?["env"]?.array() ?? []
        let grace = Int(workerEnv.first { $0["name"]?.string == "MCP_GRACE" }?["value"]?.string ?? "") ?? 25
        #expect((workerSpec?["terminationGracePeriodSeconds"]?.int ?? 0) > grace)

        let scaler = try #require(resources["ScaledObject/mcp-worker"])
        #expect(scaler["spec"]?["scaleTargetRef"]?["name"]?.string == "mcp-worker")
        #expect((scaler["spec"]?["minReplicaCount"]?.int ?? 0) >= 1, "gateways are ready only while a worker heartbeats")
        let trigger = try #require(scaler["spec"]?["triggers"]?.array().first)
        #expect(trigger["type"]?.string == "redis-streams")
        #expect(trigger["metadata"]?["consumerGroup"]?.string == "workers")
        #expect(trigger["metadata"]?["stream"]?.string == "mcp:{0}:stream")
        #expect((Int(trigger["metadata"]?["lagCount"]?.string ?? "") ?? 0) > 0)
        let authentication = try #require(trigger["authenticationRef"]?["name"]?.string)
        #expect(resources["TriggerAuthentication/\(authentication)"] != nil)

        let setupJob = try #require(resources["Job/mcp-redis-setup"], "the Job that loads the function library")
        let setupContainer = try #require(setupJob["spec"]?["template"]?["spec"]?["containers"]?.array().first)
        #expect(setupContainer["command"]?.array().compactMap(\.string) == ["mcpctl", "redis", "setup"])
        let setupURL = setupContainer["env"]?.array().first { $0["name"]?.string == "MCP_REDIS_URL" }?["valueFrom"]?["secretKeyRef"]
        let redisSecret = try #require(resources["Secret/mcpstreams-redis"])
        let setupURLValue = try #require(redisSecret["stringData"]?[setupURL?["key"]?.string ?? ""]?.string)
        #expect(setupURLValue.hasPrefix("redis://setup:"))

        let kustomization = try #require(try Yams.compose(yaml: RepositoryFiles.text("deploy/kubernetes/kustomization.yaml")))
        let listed = Set(kustomization["resources"]?.array().compactMap(\.string) ?? [])
        let manifests = Set(RepositoryFiles.deployFiles(withExtensions: ["yaml"])
            .filter { $0.path.contains("/kubernetes/") && $0.lastPathComponent != "kustomization.yaml" }.map(\.lastPathComponent))
        #expect(listed == manifests)
    }

    @Test func systemdUnitsRestartAndOutwaitTheWorkersGrace() throws {
        for unit in ["mcp-gateway.service", "mcp-worker@.service"] {
            let settings = Self.unitSettings(try RepositoryFiles.text("deploy/systemd/\(unit)"))
            #expect(settings["EnvironmentFile"]?.isEmpty == false, "\(unit)")
            #expect(settings["Restart"] == ["on-failure"], "\(unit)")
            #expect(settings["KillSignal"] == ["SIGTERM"], "\(unit)")
            #expect(settings["NoNewPrivileges"] == ["yes"], "\(unit)")
            #expect(settings["ProtectSystem"] == ["strict"], "\(unit)")
            #expect(settings["User"] == ["mcp"], "\(unit)")
        }
        let worker = Self.unitSettings(try RepositoryFiles.text("deploy/systemd/mcp-worker@.service"))
        #expect(Self.seconds(worker["TimeoutStopSec"]?.first) > 25)
        #expect(worker["Environment"]?.contains { $0.contains("%i") } == true, "one consumer name per instance")
    }

    @Test func redisIsDurableAndNeverEvicts() throws {
        let arguments = RedisConfArguments.arguments(fromConfig: try RepositoryFiles.text("deploy/redis/redis.conf"), skipping: [])
        func value(_ name: String) -> String? {
            arguments.firstIndex(of: "--\(name)").map { arguments[$0 + 1] }
        }
        #expect(value("appendonly") == "yes")
        #expect(value("appendfsync") == "everysec")
        #expect(value("maxmemory-policy") == "noeviction")
        #expect(value("save") == "")
        #expect(value("aclfile") == "/usr/local/etc/redis/users.acl")
    }

    @Test func everyACLUserIsExplained() throws {
        let users = try RepositoryFiles.text("deploy/redis/users.acl").split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            return words.count > 1 && words[0] == "user" ? String(words[1]) : nil
        }
        #expect(Set(users) == ["default", "admin", "gateway", "worker", "producer", "producer-billing", "monitor", "operator", "setup"])
        let readme = try RepositoryFiles.text("deploy/redis/README.md")
        for user in users {
            #expect(readme.contains("\n### \(user)\n"), "deploy/redis/README.md explains \(user)")
        }
    }

    /// `35s`, `40`, `1min` → seconds (0 if unreadable).
    static func seconds(_ text: String?) -> Int {
        guard let text else { return 0 }
        if text.hasSuffix("min") { return (Int(text.dropLast(3)) ?? 0) * 60 }
        if text.hasSuffix("s") { return Int(text.dropLast()) ?? 0 }
        return Int(text) ?? 0
    }

    /// `Key=value` lines of a unit file, every value of a repeated key kept.
    static func unitSettings(_ text: String) -> [String: [String]] {
        var settings = [String: [String]]()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("[") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<equals]), default: []].append(String(line[line.index(after: equals)...]))
        }
        return settings
    }
}

/// deploy/compose-cluster.yaml and deploy/kubernetes/cluster/keda.yaml (DESIGN §10).
@Suite("deploy/: Redis Cluster files")
struct ClusterDeployFileTests {
    @Test func composeRunsSixClusterNodesAndProcessesThatNameTheSeeds() throws {
        let compose = try #require(try Yams.compose(yaml: RepositoryFiles.text("deploy/compose-cluster.yaml")))
        let services = try #require(compose["services"])
        let nodes = (1...6).compactMap { services["redis-\($0)"] }
        #expect(nodes.count == 6)
        for node in nodes {
            // `<<: *redis-node`: Yams keeps the merge key, so the shared command is under it.
            let command = (node["command"] ?? node["<<"]?["command"])?.array().compactMap(\.string) ?? []
            #expect(command.contains("--cluster-enabled") && command.contains("/usr/local/etc/redis/redis.conf"), "\(command)")
        }
        let create = try #require(services["redis-cluster-create"]?["command"]?.array().first?.string)
        #expect(create.contains("--cluster create") && create.contains("--cluster-replicas 1"))
        for name in ["gateway", "worker", "redis-setup"] {
            let url = try #require(services[Yams.Node(name)]?["environment"]?["MCP_REDIS_URL"]?.string, "\(name)")
            #expect(url.hasPrefix("redis+cluster://") && url.contains("redis-1:6379,redis-2:6379,redis-3:6379"), "\(name): \(url)")
            // The URL parses as our client reads it.
            let resolved = url.replacingOccurrences(of: #"\$\{[^}]*\}"#, with: "pw", options: String.CompareOptions.regularExpression)
            #expect((try? RedisEndpoint(url: resolved))?.isCluster == true, "\(resolved)")
        }
        #expect(services["gateway"]?["environment"]?["MCP_DURABILITY"]?.string == "replicated")
        #expect(services["gateway"]?["environment"]?["MCP_PARTITIONS"]?.string == services["worker"]?["environment"]?["MCP_PARTITIONS"]?.string)
        let env = try RepositoryFiles.text("deploy/env.example")
        #expect(env.contains("MCP_ADMIN_REDIS_PASSWORD=admin-demo-password"))
    }

    @Test func kedaScalesOnTheBacklogSummedOverPartitions() throws {
        let scaled = try #require(try Yams.compose(yaml: RepositoryFiles.text("deploy/kubernetes/cluster/keda.yaml")))
        let trigger = try #require(scaled["spec"]?["triggers"]?.array().first)
        #expect(trigger["type"]?.string == "prometheus")
        #expect(trigger["metadata"]?["query"]?.string == "max(mcp_backlog)")
        // The gauge exists: the gateway's metrics name it.
        #expect(try RepositoryFiles.text("Sources/MCPGateway/Metrics/GatewayMetrics.swift").contains("mcp_backlog"))
    }
}
