import Foundation
import NIOCore

/// CPU used by the generator and by each process of the system during one phase.
struct PhaseClock {
    private let startNanos = NIODeadline.now().uptimeNanoseconds
    private let ownCPU = ProcessStats.ownCPUSeconds()
    private let childrenCPU = PhaseClock.childrenCPUSeconds()
    private let processCPU: [(name: String, pid: Int32, seconds: Double)]

    init(pids: [(String, Int32)]) {
        processCPU = pids.compactMap { name, pid in ProcessStats.cpuSeconds(pid: pid).map { (name, pid, $0) } }
    }

    var elapsedSeconds: Double { Double(NIODeadline.now().uptimeNanoseconds - startNanos) / 1e9 }

    /// The generator's CPU over wall time so far (1.0 = one core).
    var generatorShare: Double { (ProcessStats.ownCPUSeconds() - ownCPU) / max(elapsedSeconds, 1e-9) }

    /// CPU of children that exited during the phase (redis-benchmark) over wall time.
    var childrenShare: Double { (Self.childrenCPUSeconds() - childrenCPU) / max(elapsedSeconds, 1e-9) }

    /// `gateway 85%, workers 40%, redis 60%`: each process group's CPU over wall time.
    func processShares() -> String {
        let elapsed = max(elapsedSeconds, 1e-9)
        var groups = [(String, Double)]()
        for entry in processCPU {
            let used = (ProcessStats.cpuSeconds(pid: entry.pid) ?? entry.seconds) - entry.seconds
            let group = entry.name.hasPrefix("worker") ? "workers" : entry.name
            if let index = groups.firstIndex(where: { $0.0 == group }) { groups[index].1 += used } else { groups.append((group, used)) }
        }
        return groups.map { "\($0.0) \(BenchFormat.percent($0.1 / elapsed))" }.joined(separator: ", ")
    }

    /// CPU seconds used since the clock started by the gateway and workers together, and by Redis.
    func serverAndRedisCPUSeconds() -> (server: Double, redis: Double) {
        var server = 0.0, redis = 0.0
        for entry in processCPU {
            let used = (ProcessStats.cpuSeconds(pid: entry.pid) ?? entry.seconds) - entry.seconds
            if entry.name == "redis" { redis += used } else { server += used }
        }
        return (server, redis)
    }

    private static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_CHILDREN.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
