import NIOCore
import NIOPosix

/// Calls a closure once, after a delay, unless cancelled first.
///
/// Started on a SwiftNIO event loop (where the gateway and worker run their tasks), it is
/// a timer on that loop: the loop's own `epoll_wait` times it, and no other thread wakes.
/// Elsewhere it is a task that sleeps. (`Task.sleep` on Linux is served by Dispatch: its
/// timer thread and a worker thread wake for every sleep, and a sleep cancelled early
/// still fires at its deadline.)
public struct OneShotTimer: Sendable {
    private enum Backing: Sendable {
        case loop(Scheduled<Void>)
        case task(Task<Void, Never>)
    }

    private let backing: Backing

    /// Starts the timer: `fire` runs once after `delay` (clamped to 0…1 day).
    public init(after delay: Duration, _ fire: @escaping @Sendable () -> Void) {
        let delay = min(max(delay, .zero), .seconds(86_400))
        if let loop = MultiThreadedEventLoopGroup.currentEventLoop {
            backing = .loop(loop.scheduleTask(in: TimeAmount(delay), fire))
        } else {
            backing = .task(Task {
                do {
                    try await Task.sleep(for: delay)
                    fire()
                } catch {}  // cancelled
            })
        }
    }

    /// Stops the timer if it has not fired yet.
    public func cancel() {
        switch backing {
        case .loop(let scheduled): scheduled.cancel()
        case .task(let task): task.cancel()
        }
    }
}
