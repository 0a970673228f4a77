import Hummingbird
import NIOCore

/// `GET /metrics`: the process's metrics in the Prometheus text format.
struct MetricsRoute: Sendable {
    /// The Prometheus text exposition format's content type.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let render: @Sendable () -> [UInt8]

    func register(on router: Router<BasicRequestContext>) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: Self.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: self.render())))
        }
        GatewayRoutes.refuseOtherMethods("/metrics", allow: .get, on: router)
    }
}
