import Foundation
import MCPClient
import MCPWire

/// Polls a job until it ends, drawing a progress bar on standard error.
struct JobFollower {
    let client: MCPStreamsClient
    let interval: Duration

    func follow(jobID: String) async throws -> GatewayReply {
        let bar = ProgressBar()
        while true {
            let reply = try await client.poll(jobID: jobID)
            let response = reply.response
            guard reply.httpStatus == 200, response.status == .accepted || response.status == .running else {
                bar.finish(done: response.status == .done)
                return reply
            }
            let progress = response.result?["progress"]?.doubleValue ?? 0
            let message = response.result?["message"]?.stringValue ?? ""
            bar.draw(progress: progress, label: response.status == .accepted ? "queued" : message)
            try await Task.sleep(for: interval)
        }
    }
}

/// A one-line `[#####.....]  45%  message` bar, redrawn in place.
struct ProgressBar {
    private let width = 30

    func draw(progress: Double, label: String) {
        let filled = Int((min(max(progress, 0), 1) * Double(width)).rounded())
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = Int((progress * 100).rounded())
        let line = "\r[\(bar)] \(String(repeating: " ", count: max(0, 3 - String(percent).count)))\(percent)%  \(label.prefix(60))\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish(done: Bool) {
        if done { draw(progress: 1, label: "done") }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
