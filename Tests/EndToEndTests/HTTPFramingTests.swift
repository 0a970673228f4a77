import Foundation
import RedisTestSupport
import Testing

/// The gateway's HTTP/1.1 framing against raw sockets: a chunked body whose framing is broken is a
/// malformed request (400), not an oversized one.
@Suite("HTTP/1.1 framing", .serialized)
struct HTTPFramingTests {
    /// Sends `POST path` with a chunked body whose framing is broken (argv[3], Python bytes
    /// literal) and prints `STATUS CLOSED SECONDS` then the answer's body on one line.
    static let brokenChunks = """
        import ast, socket, sys, time
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
        s.settimeout(30)
        started = time.monotonic()
        s.sendall(b"POST " + sys.argv[2].encode() + b" HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\n"
                  + b"Authorization: Bearer x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n" + ast.literal_eval(sys.argv[3]))
        answer, closed = b"", False
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    closed = True
                    break
                answer += chunk
        except socket.timeout:
            pass
        print(answer.split(b" ")[1].decode() if b" " in answer else "none", closed, round(time.monotonic() - started, 2))
        print(answer.split(b"\\r\\n\\r\\n", 1)[-1].decode(errors="replace"))
        """

    static let brokenFramings = [
        #"b"zz\r\n{}\r\n0\r\n\r\n""#,  // chunk size not hexadecimal
        #"b"-1\r\n{}\r\n0\r\n\r\n""#,  // negative chunk size
        #"b"FFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n""#,  // chunk size past 64 bits
        #"b"2\r\n{}XX0\r\n\r\n""#,  // chunk data without its CRLF
    ]

    @Test func brokenChunkedFramingIsMalformedNotTooLarge() async throws {
        // A 60 s body deadline: a connection left open after the 400 would fail the 15 s bound below.
        try await withDeployment(gatewayArguments: ["--request-body-timeout", "60"]) { system in
            let port = try #require(system.url.split(separator: ":").last.map(String.init))
            let before = try await system.snapshot()
            for path in ["/v1/envelopes", "/mcp"] {
                for framing in Self.brokenFramings {
                    let run = try await ExternalProgram.run(
                        "python3", ["-c", Self.brokenChunks, port, path, framing], in: system.directory, timeout: .seconds(60))
                    let lines = run.output.split(separator: "\n", maxSplits: 1).map { String($0) }
                    let parts = (lines.first ?? "").split(separator: " ").map { String($0) }
                    let body = lines.count > 1 ? lines[1] : ""
                    #expect(parts.count == 3, "\(path) \(framing): \(run.output) \(run.errors)")
                    #expect(parts.first == "400", "\(path) \(framing): \(run.output)")
                    #expect(parts.dropFirst().first == "True", "\(path) \(framing): the connection stayed open: \(run.output)")
                    #expect((Double(parts.last ?? "") ?? 99) < 15, "\(path) \(framing): \(run.output)")
                    if path == "/mcp" {
                        #expect(body.contains("\"code\":-32700") && body.contains("\"parse_error\""), "\(framing): \(body)")
                    } else {
                        #expect(body.contains("\"error\":\"malformed: the request body cannot be read"), "\(framing): \(body)")
                    }
                    #expect(!body.contains("payload_too_large"), "\(path) \(framing): \(body)")
                }
            }
            #expect(try await system.snapshot() == before)
            let (status, _) = try await HTTP.get(system.url + "/healthz")
            #expect(status == 200)
        }
    }
}
