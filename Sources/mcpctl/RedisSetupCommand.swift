import ArgumentParser
import MCPBroker
import MCPCommandLine
import RedisClient

/// `mcpctl redis …`: one-time Redis steps an administrator runs.
struct RedisAdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis", abstract: "Prepare Redis for MCPStreams (function library).",
        subcommands: [RedisSetupCommand.self])
}

/// `mcpctl redis setup`: loads this build's function library, the Lua code
/// gateway and worker run with FCALL, so their Redis users need no right to load code.
struct RedisSetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Load this build's Redis function library (run once per upgrade, as the `setup` or `admin` Redis user).",
        discussion: """
            Gateway and worker run the broker's Lua code with FCALL from one function library, \
            \(BrokerFunctions.library.name) for this build (the suffix changes whenever the code does). \
            Redis keeps loaded libraries in its RDB/AOF and replicates them, so this runs once per \
            Redis and per upgrade, before the new gateways and workers start; a gateway or worker \
            whose library is missing refuses to start and names this command. Old and new \
            libraries coexist during a rolling upgrade; --prune deletes older ones once every \
            old process has stopped (needs FUNCTION DELETE, i.e. the `admin` user).
            """)

    @OptionGroup var common: CommonOptions

    @Flag(help: "Only check: exit 1 if this build's library is missing or differs, load nothing.")
    var check = false

    @Flag(help: "Replace a library of the same name whose code differs from this build's.")
    var replace = false

    @Flag(help: "Also delete every other mcpstreams_* library (after an upgrade finished; needs the admin user).")
    var prune = false

    func validate() throws {
        if check && (replace || prune) { throw ValidationError("--check changes nothing: it goes without --replace and --prune") }
    }

    func run() async throws {
        let broker = try common.broker()
        let library = BrokerFunctions.library
        let state = try await broker.prepareFunctions(load: !check, replace: replace)
        switch state {
        case .present: print("\(library.name): present")
        case .loaded: print("\(library.name): loaded")
        case .replaced: print("\(library.name): replaced")
        }
        try await reportEviction(broker)
        guard prune else { return }
        for name in try await broker.deleteOtherFunctionLibraries() {
            print("\(name): deleted")
        }
    }

    /// Each node's `maxmemory-policy`: a policy that may evict the deployment's keys is a warning
    /// (the exit status stays 0: a managed Redis may not let its user change it).
    private func reportEviction(_ broker: Broker) async throws {
        let policies = try await broker.evictionPolicies()
        if policies.isEmpty {
            print("maxmemory-policy: not checked (this Redis user may not run INFO)")
        }
        for (name, policy) in policies.sorted(by: { $0.key < $1.key }) {
            let node = RedisError.printable(name, limit: 200)  // a cluster node's name comes from Redis
            print("maxmemory-policy: \(policy) (\(node))")
            if let risk = policy.risk {
                FileHandleWriter.write(
                    "mcpctl: warning: \(node) has maxmemory-policy \(policy): \(risk); set maxmemory-policy noeviction (deploy/redis/redis.conf)\n")
            }
        }
    }
}
