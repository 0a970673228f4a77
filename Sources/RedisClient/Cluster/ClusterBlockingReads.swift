import Synchronization

/// The blocking reads of one cluster client on their way to a node, and an interrupt
/// asked for while none ran, so ``ClusterRouter/interruptBlocking()`` behaves as on one
/// server: it ends the read in flight, or refuses the next one once.
final class ClusterBlockingReads: Sendable {
    private struct State {
        var inFlight: [ClusterNodeAddress: Int] = [:]
        var interruptPending = false
    }

    private let state = Mutex(State())

    /// The error of a blocking read refused or ended by an interrupt.
    static let cancelled = RedisError(code: .cancelled, message: "the blocking read was cancelled by its caller")

    /// Registers a blocking read to `address`; `false` when an interrupt is pending (it is consumed: refuse this read).
    func begin(_ address: ClusterNodeAddress) -> Bool {
        state.withLock { state in
            if state.interruptPending {
                state.interruptPending = false
                return false
            }
            state.inFlight[address, default: 0] += 1
            return true
        }
    }

    /// Unregisters a read that ``begin(_:)`` accepted.
    func end(_ address: ClusterNodeAddress) {
        state.withLock { state in
            guard let count = state.inFlight[address] else { return }
            state.inFlight[address] = count > 1 ? count - 1 : nil
        }
    }

    /// The nodes with blocking reads on their way; when there are none, the next read will be refused.
    func interruptOrRemember() -> [ClusterNodeAddress] {
        state.withLock { state in
            let nodes = Array(state.inFlight.keys)
            if nodes.isEmpty { state.interruptPending = true }
            return nodes
        }
    }
}
