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
            old process has stopped (needs FUNCTION DELETE, i.e. the `admin` user). \
            It also tries each right this release's gateway and worker need (deploy/redis/users.acl) \
            with ACL DRYRUN for the users --gateway-user and --worker-user, on every node that \
            holds a partition, and names each right a user lacks: an ACL file from an older \
            release, found before a process runs into it.
            """)

    @OptionGroup var common: CommonOptions

    @Flag(help: "Only check: exit 1 if this build's library is missing or differs, or a checked user lacks a right; load nothing.")
    var check = false

    @Option(help: "The gateway's Redis user, checked with ACL DRYRUN against this release's rights ('' skips it).")
    var gatewayUser = "gateway"

    @Option(help: "The worker's Redis user, checked the same way ('' skips it).")
    var workerUser = "worker"

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
        let lacking = try await reportACL(broker)
        if check && lacking { throw ExitCode(1) }
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

    /// How many of a user's missing rights are named, one warning each (a user of an ACL file for
    /// another system may lack them all).
    static let refusalsShown = 12

    /// Each checked user's rights on each node: a line per user and node, a warning per right it
    /// lacks. Returns whether any user lacks one.
    private func reportACL(_ broker: Broker) async throws -> Bool {
        var lacking = false
        for (role, user) in [(ACLRole.gateway, gatewayUser), (.worker, workerUser)] where !user.isEmpty {
            for (name, audit) in try await broker.auditACL(user: user, role: role).sorted(by: { $0.key < $1.key }) {
                let node = RedisError.printable(name, limit: 200)
                switch audit {
                case .noSuchUser:
                    print("acl \(role.rawValue) user \(user): none on \(node) (not checked)")
                case .notAsked:
                    print("acl \(role.rawValue) user \(user): not checked (this Redis user may not run ACL DRYRUN; the setup user of this release's users.acl may)")
                case .checked(let probes, let missing) where missing.isEmpty:
                    print("acl \(role.rawValue) user \(user): all \(probes) rights of this release (\(node))")
                case .checked(let probes, let missing):
                    lacking = true
                    print("acl \(role.rawValue) user \(user): lacks \(missing.count) of \(probes) rights of this release (\(node))")
                    for refusal in missing.prefix(Self.refusalsShown) {
                        FileHandleWriter.write(
                            "mcpctl: warning: \(node): \(role.rawValue) user \(user) may not \(refusal.probe): \(refusal.reason); give it the rules of deploy/redis/users.acl of this release, then ACL LOAD\n")
                    }
                    if missing.count > Self.refusalsShown {
                        FileHandleWriter.write("mcpctl: warning: \(node): \(role.rawValue) user \(user) lacks \(missing.count - Self.refusalsShown) more\n")
                    }
                }
            }
        }
        return lacking
    }
}
