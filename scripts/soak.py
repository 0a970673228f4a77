#!/usr/bin/env python3
"""Soak: a steady load for a long time, sampling Redis memory, key counts and
every process's resident memory, to show the footprint is flat once the
windows (nonce TTL, retention) have passed.

    scripts/soak.py --bin .build/release --minutes 30 --rate 400 --retention 300

Starts its own redis-server (loopback, no persistence), one mcp-gateway and
--workers mcp-worker processes, then --clients threads send signed envelopes
over keep-alive HTTP at --rate requests/s in total: sync `batch_sum` calls,
async `echo` calls and a `poll_job` of an earlier job every tenth call. Every
--sample seconds it records Redis `used_memory`, `DBSIZE`, the job stream and
reply stream lengths, and each process's RSS (CSV with --csv), and at the end
prints the growth between the first sample after the longest window and the
last one. Standard library only.
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def canonical(obj: dict) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


class Redis:
    """Just enough RESP for INFO, DBSIZE, XLEN and KEYS on loopback."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def call(self, *args: str):
        out = b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a.encode()), a.encode()) for a in args)
        self.sock.sendall(out)
        return self.read()

    def read(self):
        line = self.file.readline().rstrip(b"\r\n")
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.file.read(n + 2)[:-2]
            return data.decode(errors="replace")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError(f"bad reply {line!r}")


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return -1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release", help="folder with mcp-gateway and mcp-worker")
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=float, default=400, help="requests per second in total")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--retention", type=int, default=300, help="the deployment's --retention, seconds")
    parser.add_argument("--sample", type=float, default=30, help="seconds between samples")
    parser.add_argument("--csv", help="write every sample here")
    options = parser.parse_args()

    work = tempfile.mkdtemp(prefix="mcp-soak-")
    redis_port, http_port = free_port(), free_port()
    server_secret, client_secret = secrets.token_hex(32), secrets.token_hex(32)
    keys = os.path.join(work, "keys.json")
    with open(keys, "w") as f:
        json.dump({"server_id": "soak", "server_secret": f"hex:{server_secret}",
                   "clients": {"soak-client": {"secret": f"hex:{client_secret}"}}}, f)
    procs = []
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", work], stdout=subprocess.DEVNULL)
    procs.append(("redis", redis))
    for _ in range(100):
        try:
            r = Redis(redis_port)
            r.call("PING")
            break
        except OSError:
            time.sleep(0.05)
    url = f"redis://127.0.0.1:{redis_port}/0"
    common = ["--redis", url, "--retention", str(options.retention)]
    logs = open(os.path.join(work, "processes.log"), "w")
    for index in range(options.workers):
        procs.append((f"worker-{index}", subprocess.Popen([os.path.join(options.bin, "mcp-worker")] + common,
                                                          stdout=logs, stderr=logs)))
    procs.append(("gateway", subprocess.Popen(
        [os.path.join(options.bin, "mcp-gateway")] + common + ["--keys", keys, "--listen", f"127.0.0.1:{http_port}",
                                                               "--client-rate", "0"], stdout=logs, stderr=logs)))

    def stop(*_):
        for _, p in reversed(procs):
            p.send_signal(signal.SIGTERM)
        for _, p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)

    signal.signal(signal.SIGINT, lambda *_: (stop(), sys.exit(130)))
    key = bytes.fromhex(client_secret)
    deadline = time.monotonic() + options.minutes * 60
    counts = {"sent": 0, "errors": 0}
    lock = threading.Lock()
    job_ids: list = []

    def envelope(tool: str, args: dict) -> bytes:
        body = {"v": "mcp/0.1", "request_id": str(uuid.uuid4()), "ts_ms": int(time.time() * 1000),
                "client_id": "soak-client", "server_id": "soak", "tool": tool, "args": args, "nonce": uuid.uuid4().hex}
        body["signature"] = hmac.new(key, canonical(body), hashlib.sha256).hexdigest()
        return json.dumps(body).encode()

    def client(index: int):
        connection = None
        period = options.clients / options.rate
        due = time.monotonic() + index * period / options.clients
        n = 0
        while time.monotonic() < deadline:
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            due += period
            n += 1
            if n % 10 == 0 and job_ids:
                body = envelope("poll_job", {"job_id": job_ids[-1]})
            elif n % 3 == 0:
                body = envelope("echo", {"message": "soak " * 20})
            else:
                body = envelope("batch_sum", {"numbers": [1, 2.5, 3, n]})
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
                connection.request("POST", "/v1/envelopes", body, {"Content-Type": "application/json"})
                reply = connection.getresponse()
                data = reply.read()
                ok = reply.status in (200, 202)
                if ok and b'"job_id"' in data and len(job_ids) < 1000:
                    job_ids.append(json.loads(data)["result"].get("job_id", ""))
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
                connection = None
            with lock:
                counts["sent"] += 1
                counts["errors"] += 0 if ok else 1

    # Wait for the gateway to answer before loading it.
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=2)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                break
        except OSError:
            pass
        time.sleep(0.1)
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(options.clients)]
    for t in threads:
        t.start()
    inspector = Redis(redis_port)
    samples = []
    out = open(options.csv, "w") if options.csv else None
    header = ["minute", "sent", "errors", "used_memory_mib", "keys", "job_stream", "reply_entries"] + \
             [f"{name}_rss_mib" for name, _ in procs] + [f"{name}_cpu_s" for name, _ in procs]
    print(" ".join(f"{h:>14}" for h in header[:7 + len(procs)]), flush=True)
    if out:
        out.write(",".join(header) + "\n")
    started = time.monotonic()
    while True:
        info = inspector.call("INFO", "memory")
        used = next(int(l.split(":")[1]) for l in info.splitlines() if l.startswith("used_memory:"))
        replies = sum(inspector.call("XLEN", k) for k in inspector.call("KEYS", "mcp:replies:*") or [])
        with lock:
            sent, errors = counts["sent"], counts["errors"]
        row = [round((time.monotonic() - started) / 60, 1), sent, errors, round(used / 2**20, 1),
               inspector.call("DBSIZE"), inspector.call("XLEN", "mcp:{0}:stream"), replies] + \
              [round(rss_kib(p.pid) / 1024, 1) for _, p in procs] + [round(cpu_seconds(p.pid), 1) for _, p in procs]
        samples.append(row)
        print(" ".join(f"{v:>14}" for v in row[:7 + len(procs)]), flush=True)
        if out:
            out.write(",".join(str(v) for v in row) + "\n")
            out.flush()
        if time.monotonic() >= deadline:
            break
        time.sleep(min(options.sample, max(0.0, deadline - time.monotonic())))
    for t in threads:
        t.join(timeout=35)
    longest_window = max(options.retention, 660) / 60  # the nonce TTL with the default skew: 2 × 300 s + 60 s
    settled = [s for s in samples if s[0] >= longest_window + 1]
    if len(settled) >= 2:
        first, last = settled[0], settled[-1]
        print(f"\nafter the windows ({longest_window:.0f} min): minute {first[0]} → {last[0]}")
        for index, name in enumerate(header[3:7 + len(procs)], start=3):
            a, b = first[index], last[index]
            growth = (b - a) / a * 100 if a else 0.0
            print(f"  {name:>20}: {a:>10} → {b:<10} ({growth:+.1f} %)")
    print(f"\nrequests {samples[-1][1]}, errors {samples[-1][2]}")
    stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
