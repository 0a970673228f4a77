/// What a subscribed connection hears without asking for it (sharded pub/sub, RESP2):
/// decoded at the boundary from the reply arrays Redis sends a connection that ran
/// `SSUBSCRIBE`, or reported by the connection itself when it closes.
///
/// Set ``RedisConfiguration/onPush`` to hear them; such a client sends nothing but
/// `SSUBSCRIBE` and `PING` (a subscribed connection may run no other command).
public enum RedisPush: Sendable, Equatable {
    /// A message was published on `channel` (`SPUBLISH`); its payload is not kept.
    case message(channel: String)
    /// The server ended the subscription to `channel`, e.g. because its slot moved to another node.
    case unsubscribed(channel: String)
    /// The connection closed or failed: every subscription it held is gone.
    case disconnected

    /// The push a reply carries, or nil when it is an ordinary reply (a command's answer).
    ///
    /// Only `smessage` and `sunsubscribe` arrive unasked on a connection that subscribes
    /// one channel per `SSUBSCRIBE` and never unsubscribes (the confirmations and `PING`'s
    /// `pong` answer their own commands).
    public static func decode(_ value: RedisValue) -> RedisPush? {
        guard case .array(let parts) = value, parts.count >= 2, let kind = parts.first?.bytes, let channel = parts[1].string else {
            return nil
        }
        switch kind {
        case Array("smessage".utf8) where parts.count == 3: return .message(channel: channel)
        case Array("sunsubscribe".utf8) where parts.count == 3: return .unsubscribed(channel: channel)
        default: return nil
        }
    }
}
