extension BrokerKeys {
    /// Whether `key` is one of the names of DESIGN §4 and §10 for this prefix and partition
    /// count: a partition's stream, dead stream, delayed set, job hash, nonce or request record
    /// (`<prefix>:{p}:…`, `p` one of this deployment's partitions, written as the processes
    /// write it), or one of the shared keys (config, tools, workers, replies, results, ingress).
    /// Keys of other prefixes are not this deployment's, and count as documented.
    ///
    /// A key that fails this check was made by something that should not have: a process
    /// computing a key from a corrupt value, or a writer outside the system. `mcp-bench` and
    /// the end-to-end tests scan for such keys after every run.
    public func isDocumented(_ key: String) -> Bool {
        guard key.hasPrefix(prefix + ":") else { return true }
        let rest = key.dropFirst(prefix.count + 1)
        if rest.hasPrefix("{") {
            guard let close = rest.firstIndex(of: "}") else { return false }
            let digits = rest[rest.index(after: rest.startIndex)..<close]
            // As `"\(p)"` writes it: no sign, no leading zero, a partition of this deployment.
            guard let p = Int(digits), partitioning.all.contains(p), String(p) == digits else { return false }
            let tail = rest[rest.index(after: close)...]
            if [":stream", ":dead", ":delayed"].contains(tail) { return true }
            return [":job:", ":nonce:", ":req:"].contains { tail.hasPrefix($0) && tail.count > $0.count }
        }
        if ["config", "tools", "workers", "ingress"].contains(rest) { return true }
        return ["workers:", "replies:", "results:", "ingress:"].contains { rest.hasPrefix($0) && rest.count > $0.count }
    }
}
