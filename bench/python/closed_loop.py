#!/usr/bin/env python3
"""A closed loop of Python clients calling MCPStreams' gateway, as users write them.

    python3 bench/python/closed_loop.py --port 8080 --client-id bench --secret-hex HEX \\
        --server-id mcp-server-001 --clients 16 --seconds 4

Standard library only (mcp-bench runs it with any python3). Each of --clients
threads keeps one http.client keep-alive connection and, back to back, signs a
`batch_sum` envelope (HMAC-SHA256 over the canonical JSON of the envelope
without "signature"), POSTs it to /v1/envelopes and reads the inline answer.
Calls that start and end inside the measured window (after --warmup) count.
Prints one JSON object: jobs, errors, first_error, p50_us, p99_us, seconds,
client_cpu_s (this process's CPU over the window).
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import threading
import time
import uuid


def canonical(obj: dict) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--secret-hex", required=True, help="the client's secret as hex")
    parser.add_argument("--server-id", required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--warmup", type=float, default=0.5)
    args = parser.parse_args()
    secret = bytes.fromhex(args.secret_hex)
    window = {"start": None, "end": None, "stop": False}
    latencies: list[list[float]] = [[] for _ in range(args.clients)]
    errors = [0] * args.clients
    first_error: list[str | None] = [None]

    def call_loop(index: int) -> None:
        connection = http.client.HTTPConnection(args.host, args.port, timeout=30)
        while not window["stop"]:
            unsigned = {
                "v": "mcp/0.1", "request_id": str(uuid.uuid4()), "ts_ms": int(time.time() * 1000),
                "client_id": args.client_id, "server_id": args.server_id, "tool": "batch_sum",
                "args": {"numbers": [1, 2, 3]}, "nonce": str(uuid.uuid4()),
            }
            body = json.dumps({**unsigned, "signature": hmac.new(secret, canonical(unsigned), hashlib.sha256).hexdigest()})
            started = time.perf_counter()
            try:
                connection.request("POST", "/v1/envelopes", body, {"Content-Type": "application/json"})
                reply = connection.getresponse()
                answer = json.loads(reply.read())
                if reply.status != 200 or (answer.get("result") or {}).get("total") != 6:
                    raise RuntimeError(f"HTTP {reply.status}: {answer.get('error') or answer.get('status')}")
            except Exception as error:  # noqa: BLE001 - counted and reported
                errors[index] += 1
                first_error[0] = first_error[0] or repr(error)
                connection.close()
                time.sleep(0.01)
                continue
            ended = time.perf_counter()
            if window["start"] is not None and started >= window["start"] and (window["end"] is None or ended <= window["end"]):
                latencies[index].append(ended - started)

    threads = [threading.Thread(target=call_loop, args=(i,), daemon=True) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    time.sleep(args.warmup)
    cpu_before = os.times()
    window["start"] = time.perf_counter()
    time.sleep(args.seconds)
    window["end"] = time.perf_counter()
    cpu_after = os.times()
    window["stop"] = True
    for thread in threads:
        thread.join(timeout=30)
    done = sorted(value for mine in latencies for value in mine)

    def percentile(q: float) -> float:
        return done[min(len(done) - 1, int(q * len(done)))] * 1e6 if done else 0.0

    print(json.dumps({
        "jobs": len(done), "errors": sum(errors), "first_error": first_error[0], "p50_us": percentile(0.50),
        "p99_us": percentile(0.99), "seconds": window["end"] - window["start"],
        "client_cpu_s": (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
