/// What `ACL DRYRUN` said of one Redis user against the rights of one role (``ACLProbe/probes(of:prefix:)``).
public enum ACLAudit: Sendable, Equatable {
    /// No user of that name on this node.
    case noSuchUser
    /// The Redis user asking may not run `ACL DRYRUN` (the `setup` user of an ACL file from before this release).
    case notAsked
    /// `probes` rights tried; `missing` those refused, each with Redis's reason (empty: every right granted).
    case checked(probes: Int, missing: [Refusal])

    /// One right a user lacks.
    public struct Refusal: Sendable, Equatable {
        /// The command tried.
        public let probe: ACLProbe
        /// Redis's words (`This user has no permissions to run the 'pexpire' command`), at most 200 characters.
        public let reason: String
    }
}
