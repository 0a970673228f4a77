import Foundation
import RedisTestSupport
import Testing

/// The gateway's HTTP/1.1 framing against raw sockets: a chunked body whose framing is broken is a
/// malformed request (400), not an oversized one, and `Expect: 100-continue` is answered at once.
@Suite("HTTP/1.1 framing: broken chunks and 100-continue", .serialized)
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

    /// Sends a head with `Expect: 100-continue` (argv[3]: the HTTP version, argv[4]: the declared
    /// length, argv[5]: `chunked` for a chunked body), waits up to 5 s for an interim answer before
    /// sending any body, then sends the body and reads the final answer. Prints
    /// `INTERIM SECONDS FINAL`: the interim status line's code (or `none`), how long it took, the final code.
    static let expectContinue = """
        import socket, sys, time

        def read_head(s, data, timeout):
            # `data` and what arrives within `timeout` s, until a head's end (or the peer closes).
            s.settimeout(timeout)
            try:
                while b"\\r\\n\\r\\n" not in data:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            except socket.timeout:
                pass
            return data

        port, path, version, length, chunked = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == "chunked"
        s = socket.create_connection(("127.0.0.1", port))
        framing = b"Transfer-Encoding: chunked\\r\\n" if chunked else b"Content-Length: %d\\r\\n" % length
        s.sendall(b"POST " + path.encode() + b" " + version.encode() + b"\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\n"
                  + b"Authorization: Bearer x\\r\\nExpect: 100-continue\\r\\n" + framing + b"\\r\\n")
        started = time.monotonic()
        early = read_head(s, b"", 5)
        waited = round(time.monotonic() - started, 2)
        interim = early.split(b" ")[1].decode() if early.startswith(b"HTTP/1.1 1") else "none"
        rest = early.split(b"\\r\\n\\r\\n", 1)[1] if interim != "none" else early
        if interim != "none" or not early:
            body = b"{}"
            s.sendall((b"2\\r\\n" + body + b"\\r\\n0\\r\\n\\r\\n") if chunked else body)
        answer = read_head(s, rest, 30)
        final = answer.split(b" ")[1].decode() if b" " in answer else "none"
        print(interim, waited, final)
        """

    @Test func expectContinueIsAnsweredBeforeTheBodyIsSent() async throws {
        try await withDeployment { system in
            let port = try #require(system.url.split(separator: ":").last.map(String.init))
            let cases: [(path: String, version: String, length: String, chunked: Bool, interim: String, final: String)] = [
                ("/v1/envelopes", "HTTP/1.1", "2", false, "100", "400"),
                ("/mcp", "HTTP/1.1", "2", false, "100", "401"),
                ("/mcp", "HTTP/1.1", "0", true, "100", "401"),
                // A declared length over the body limit: 413 at once, no 100.
                ("/v1/envelopes", "HTTP/1.1", "2000000", false, "none", "413"),
                ("/mcp", "HTTP/1.1", "2000000", false, "none", "413"),
                // HTTP/1.0 gets no 1xx (RFC 9110 §15.2): its expectation is ignored, the body waited for.
                ("/mcp", "HTTP/1.0", "2", false, "none", "401"),
            ]
            for c in cases {
                let run = try await ExternalProgram.run(
                    "python3", ["-c", Self.expectContinue, port, c.path, c.version, c.length, c.chunked ? "chunked" : "length"],
                    in: system.directory, timeout: .seconds(60))
                let parts = run.output.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                #expect(parts.count == 3, "\(c): \(run.output) \(run.errors)")
                #expect(parts.first == c.interim, "\(c): \(run.output)")
                #expect(parts.last == c.final, "\(c): \(run.output)")
                // The 100 comes at once, not after a client's own wait (curl: 1 s).
                if c.interim == "100" { #expect((Double(parts.dropFirst().first ?? "") ?? 99) < 0.9, "\(c): \(run.output)") }
            }
        }
    }
}
