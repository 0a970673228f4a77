import RedisClient

/// The broker's Lua code as one Redis function library (`mcpstreams_<version>`)
/// and the functions gateway and worker call with FCALL.
///
/// Loading it is an administrator's step (`mcpctl redis setup`, or any process
/// whose Redis user may `FUNCTION LOAD`); gateway and worker users may only
/// `FCALL` and `FUNCTION LIST`, so they can neither load nor run code of their own.
public enum BrokerFunctions {
    /// Every broker function; its version changes whenever any function's code does.
    public static let library = RedisFunctionLibrary(
        baseName: "mcpstreams", functionPrefix: "mcp",
        functions: [
            BrokerScripts.accept, BrokerScripts.claim, BrokerScripts.complete, BrokerScripts.watch, BrokerScripts.retry,
            BrokerScripts.promote, BrokerScripts.deadLetter, BrokerScripts.redrive, BrokerScripts.renew,
            BrokerScripts.progress, BrokerScripts.cancel, BrokerScripts.settle, BrokerScripts.requeue,
        ],
        setupHint: "load it with `mcpctl redis setup` as a Redis user allowed to (the `setup` or `admin` user of deploy/redis/users.acl), then start again a process that stopped at start (a running one picks it up by itself)")

    /// Accepts one verified envelope (replay guard, idempotency record, job hash, stream entry); `mcp-bench` measures it.
    public static let accept = library.function(BrokerScripts.accept.name)
    static let claim = library.function(BrokerScripts.claim.name)
    static let complete = library.function(BrokerScripts.complete.name)
    static let settle = library.function(BrokerScripts.settle.name)
    static let watch = library.function(BrokerScripts.watch.name)
    static let retry = library.function(BrokerScripts.retry.name)
    static let promote = library.function(BrokerScripts.promote.name)
    static let deadLetter = library.function(BrokerScripts.deadLetter.name)
    static let redrive = library.function(BrokerScripts.redrive.name)
    static let renew = library.function(BrokerScripts.renew.name)
    static let progress = library.function(BrokerScripts.progress.name)
    static let cancel = library.function(BrokerScripts.cancel.name)
    static let requeue = library.function(BrokerScripts.requeue.name)
}
