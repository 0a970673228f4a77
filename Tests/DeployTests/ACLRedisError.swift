/// The ACL test server could not be started.
struct ACLRedisError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
