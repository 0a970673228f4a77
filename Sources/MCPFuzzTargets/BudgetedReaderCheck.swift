#if DEBUG || MCP_FUZZING
@testable import RedisClient

/// The production reply reader (hiredis behind its size budget, `RESPReplyReader`) on the same
/// bytes as ``RedisReplyTarget``: fed in two parts (a reply split across socket reads), with a
/// small limit taken from the first byte, so refusals happen often. It must never trap, and every
/// reply it hands out must fit the limit as the budget counts it (bytes + 160 per element).
enum BudgetedReaderCheck {
    static let elementCost = 160

    static func run(_ bytes: [UInt8]) throws(FuzzFailure) {
        guard let first = bytes.first else { return }
        let limit = Int(first) * 16
        let reader = RESPReplyReader(replyByteLimit: limit)
        let rest = Array(bytes.dropFirst())
        let split = rest.isEmpty ? 0 : Int(first) % rest.count
        for part in [Array(rest[..<split]), Array(rest[split...])] {
            if reader.feed(part) != nil { return }
            reading: while true {
                switch reader.next() {
                case .reply(let value):
                    let cost = parsedCost(value)
                    guard cost <= limit else {
                        throw FuzzFailure(.redisReply, "the budgeted reader handed out a reply of \(cost) bytes under a limit of \(limit)")
                    }
                case .incomplete: break reading
                case .failure: return
                }
            }
        }
    }

    /// What the budget charges for a reply, at least: its bulk strings' bytes, 8 bytes per array
    /// slot, and ``elementCost`` per element (the array itself included). A status or error line
    /// counts its cost alone: decoded as UTF-8 with replacements, its length here is not its length on the wire.
    static func parsedCost(_ value: RedisValue) -> Int {
        switch value {
        case .bulk(let bytes): return bytes.count + elementCost
        case .status, .error: return elementCost
        case .integer, .null: return elementCost
        case .array(let elements): return elements.reduce(elements.count * 8 + elementCost) { $0 + parsedCost($1) }
        }
    }
}
#endif
