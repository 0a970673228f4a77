#!/usr/bin/env python3
"""MCPStreams beside dramatiq 2.x: the same workloads, the same Redis, one run.

    make compare                      # venv .venv-bench, release build, this script
    .venv-bench/bin/python scripts/compare-dramatiq.py --seconds 3 --jobs 500 --lone-samples 5

Starts a throwaway redis-server (unix socket, no persistence) in a temp dir and,
one workload at a time, either MCPStreams (one mcp-gateway + two mcp-worker, the
executables in --bin) or dramatiq (`dramatiq dramatiq_jobs --processes 2
--threads 8`, bench/python/dramatiq_jobs.py), each freshly started for the
workload and stopped after it, so the other system neither runs nor touches
Redis while one is measured. Workloads (issue 12):

  closed    --clients Python threads, closed loop (call -> answer) for --seconds:
            MCPStreams `batch_sum` over HTTP (keep-alive http.client per thread);
            dramatiq `batch_sum.send(...)` then `get_result(block=True)`.
  ingress   the same closed loop for MCPStreams through `mcp:ingress`: XADD a
            signed envelope with `reply_to` (one results stream per client
            thread), then XREAD BLOCK on mcp:results:<name> for its answer, as
            dramatiq's get_result(block=True) blocks (compared with dramatiq's
            closed loop). --poll-interval > 0 polls `poll_job` instead (the
            way before reply_to existed).
  bulk      one producer enqueues --jobs jobs one at a time (MCPStreams: XADD
            to mcp:ingress with `reply_to`; dramatiq: actor.send), then waits
            until all are done (MCPStreams: every answer read off its results
            stream; those XREADs count as the harness's own commands).
            --bulk-bound adds each producer alone, nothing consuming: the
            most any server could reach with that producer.
  lone      --lone-samples times: --lone-idle seconds idle, then one job
            (MCPStreams: sync batch_sum over HTTP; dramatiq: send + get_result),
            also with dramatiq polling fast (--dramatiq-fast-poll ms).
            --lone-floor adds the floor under it: an HTTP GET /healthz to the
            gateway and a Redis PING from Python, each after the same idle time.
  idle      --idle-seconds with nothing to do: CPU and Redis commands per second.

For each: jobs/s, latency p50/p99, server CPU per job (utime+stime of every
server process from /proc), Redis CPU per job (INFO cpu), Redis commands per job
(INFO commandstats, commands inside scripts included, the harness's own INFO and
wait polls subtracted), resident memory of the server processes (VmRSS sum at
the end, VmHWM sum) and the client's own CPU (this process). Ratios are
MCPStreams / dramatiq from the same run. Every child runs in its own process
group and is killed at the end, also on error or Ctrl-C.
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import platform
import resource
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
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
BENCH_PY = ROOT / "bench" / "python"
NUMBERS = [1, 2, 3]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CLIENT_ID = "bench"
SERVER_ID = "mcp-compare"
PREFIX = "mcp"
CALL_TIMEOUT = 10.0  # seconds any one call, poll or result wait may take
START_TIMEOUT = 30.0


class HarnessError(Exception):
    pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---- processes ---------------------------------------------------------------

class Children:
    """Every process this harness starts, each in its own process group."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen] = []

    def start(self, argv: list[str], log_file: Path, env: dict | None = None, cwd: Path | None = None) -> subprocess.Popen:
        with open(log_file, "ab") as out:
            process = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=env, cwd=cwd, start_new_session=True)
        self.processes.append(process)
        return process

    def stop(self, processes: list[subprocess.Popen], grace: float = 10.0) -> None:
        """SIGTERM to each group, then SIGKILL to whatever is left after `grace` seconds."""
        for process in processes:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in processes:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(process, signal.SIGKILL)  # also any grandchild left in the group
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                log(f"process {process.pid} did not die after SIGKILL")
        self.processes = [p for p in self.processes if p not in processes]

    def stop_all(self) -> None:
        self.stop(list(self.processes), grace=5.0)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def descendants(root_pids: list[int]) -> list[int]:
    """The given pids and every live process below them."""
    parent_of: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        parent_of[int(entry)] = int(fields[1])
    found = [pid for pid in root_pids if pid in parent_of]
    frontier = list(found)
    while frontier:
        children = [pid for pid, parent in parent_of.items() if parent in frontier and pid not in found]
        found.extend(children)
        frontier = children
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


def memory_kib(pids: list[int], field: str) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def context_switches(pids: list[int]) -> int:
    """Voluntary and involuntary context switches of every thread of these processes (threads alive now)."""
    total = 0
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/status") as f:
                    for line in f:
                        if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                            total += int(line.split()[1])
            except OSError:
                continue
    return total


def client_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---- measurement -------------------------------------------------------------

class Snapshot:
    def __init__(self, admin: redis.Redis, pids: list[int]) -> None:
        info = admin.info("all")
        self.time = time.monotonic()
        self.server_cpu = cpu_seconds(pids)
        self.switches = context_switches(pids)
        self.client_cpu = client_cpu_seconds()
        self.redis_cpu = float(info["used_cpu_sys"]) + float(info["used_cpu_user"])
        self.calls = {key[len("cmdstat_"):]: int(value["calls"]) for key, value in info.items() if key.startswith("cmdstat_")}
        self.usec = {key[len("cmdstat_"):]: int(value["usec"]) for key, value in info.items() if key.startswith("cmdstat_")}
        self.reads = int(info.get("total_reads_processed", 0))


def summarize(latencies: list[float]) -> dict:
    if not latencies:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(latencies)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3

    return {"p50_ms": at(0.50), "p99_ms": at(0.99), "max_ms": ordered[-1] * 1e3}


def cost(before: Snapshot, after: Snapshot, jobs: int, pids: list[int], own_calls: dict[str, int]) -> dict:
    """Per-job server CPU, Redis CPU and commands between two snapshots, and memory now."""
    calls = {}
    for command, count in after.calls.items():
        delta = count - before.calls.get(command, 0) - own_calls.get(command, 0)
        if command == "info":
            delta -= 1  # the `before` snapshot's own INFO
        if delta > 0:
            calls[command] = delta
    per = max(jobs, 1)
    wall = max(after.time - before.time, 1e-9)
    top = sorted(calls.items(), key=lambda item: -item[1])[:6]
    return {
        "wall_s": wall,
        "server_cpu_us_per_job": (after.server_cpu - before.server_cpu) * 1e6 / per,
        "server_cpu_share": (after.server_cpu - before.server_cpu) / wall,
        "redis_cpu_us_per_job": (after.redis_cpu - before.redis_cpu) * 1e6 / per,
        "redis_cpu_share": (after.redis_cpu - before.redis_cpu) / wall,
        "redis_commands_per_job": sum(calls.values()) / per,
        "context_switches_per_job": (after.switches - before.switches) / per,
        "top_commands": {command: count / per for command, count in top},
        # Where Redis's CPU goes: read events (one per batch of commands a client sent together) and
        # the time inside commands (scripts' own commands counted in their FCALL/EVALSHA too).
        "redis_reads_per_job": (after.reads - before.reads) / per,
        "redis_command_us_per_job": sum(after.usec.get(c, 0) - before.usec.get(c, 0) for c in after.usec
                                        if c not in ("fcall", "evalsha", "eval", "info")) / per,
        "top_command_us": {c: (after.usec.get(c, 0) - before.usec.get(c, 0)) / per for c in sorted(
            after.usec, key=lambda c: -(after.usec.get(c, 0) - before.usec.get(c, 0)))[:6] if c != "info"},
        "client_cpu_share": (after.client_cpu - before.client_cpu) / wall,
        "rss_mib": memory_kib(pids, "VmRSS") / 1024,
        "rss_peak_mib": memory_kib(pids, "VmHWM") / 1024,
        "processes": len(pids),
    }


def closed_loop(clients: int, seconds: float, warmup: float, make_call) -> dict:
    """`clients` threads calling back to back; counts calls that start and end inside the window.

    `make_call()` runs in each thread and returns that thread's `call()`, which
    returns extra counts (e.g. {"polls": 3}) or raises on failure.
    """
    state = {"start": None, "end": None, "stop": False}
    results = [{"latencies": [], "errors": 0, "extra": {}, "first_error": None} for _ in range(clients)]
    ready = threading.Barrier(clients + 1, timeout=START_TIMEOUT)

    def run(index: int) -> None:
        mine = results[index]
        try:
            call = make_call()
        except Exception as error:  # noqa: BLE001 - reported below
            mine["first_error"] = f"setup: {error!r}"
            mine["errors"] += 1
            ready.abort()
            return
        try:
            ready.wait()
        except threading.BrokenBarrierError:  # another thread could not start: the main thread reports it
            return
        while not state["stop"]:
            started = time.perf_counter()
            try:
                extra = call() or {}
            except Exception as error:  # noqa: BLE001 - counted, the loop goes on
                mine["errors"] += 1
                mine["first_error"] = mine["first_error"] or repr(error)
                time.sleep(0.01)
                continue
            ended = time.perf_counter()
            window_start, window_end = state["start"], state["end"]
            if window_start is not None and started >= window_start and (window_end is None or ended <= window_end):
                mine["latencies"].append(ended - started)
                for key, value in extra.items():
                    mine["extra"][key] = mine["extra"].get(key, 0) + value

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        state["stop"] = True
        errors = [r["first_error"] for r in results if r["first_error"]]
        raise HarnessError(f"client threads could not start: {errors[:3]}")
    time.sleep(warmup)
    return {"state": state, "results": results, "threads": threads, "seconds": seconds}


def finish_loop(loop: dict) -> dict:
    for thread in loop["threads"]:
        thread.join(timeout=CALL_TIMEOUT + 5)
    latencies = [x for r in loop["results"] for x in r["latencies"]]
    extra: dict[str, int] = {}
    for r in loop["results"]:
        for key, value in r["extra"].items():
            extra[key] = extra.get(key, 0) + value
    errors = sum(r["errors"] for r in loop["results"])
    first = next((r["first_error"] for r in loop["results"] if r["first_error"]), None)
    return {"latencies": latencies, "extra": extra, "errors": errors, "first_error": first}


def measure_closed_loop(system, clients: int, seconds: float, warmup: float, make_call, own_calls=None) -> dict:
    loop = closed_loop(clients, seconds, warmup, make_call)
    state = loop["state"]
    before = system.snapshot()
    state["start"] = time.perf_counter()
    time.sleep(seconds)
    state["end"] = time.perf_counter()
    after = system.snapshot()
    state["stop"] = True
    done = finish_loop(loop)
    jobs = len(done["latencies"])
    row = {"jobs": jobs, "jobs_per_s": jobs / (state["end"] - state["start"]), **summarize(done["latencies"]),
           "errors": done["errors"], "first_error": done["first_error"]}
    row.update(cost(before, after, jobs, system.pids(), own_calls or {}))
    if "polls" in done["extra"]:
        row["polls_per_job"] = done["extra"]["polls"] / max(jobs, 1)
    return row


# ---- MCPStreams ----------------------------------------------------------------

def canonical(obj: dict) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


class Signer:
    def __init__(self, client_secret: bytes, server_secret: bytes, verify: bool) -> None:
        self.client_secret = client_secret
        self.server_secret = server_secret
        self.verify = verify

    def envelope(self, tool: str, args: dict, request_id: str | None = None) -> dict:
        unsigned = {
            "v": "mcp/0.1", "request_id": request_id or str(uuid.uuid4()), "ts_ms": int(time.time() * 1000),
            "client_id": CLIENT_ID, "server_id": SERVER_ID, "tool": tool, "args": args, "nonce": str(uuid.uuid4()),
        }
        return {**unsigned, "signature": hmac.new(self.client_secret, canonical(unsigned), hashlib.sha256).hexdigest()}

    def check(self, response: dict) -> dict:
        if self.verify:
            expected = hmac.new(self.server_secret, canonical({**response, "signature": ""}), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, response.get("signature", "")):
                raise HarnessError(f"bad response signature: {response}")
        return response


class GatewayConnection:
    """One keep-alive HTTP/1.1 connection to the gateway (stdlib http.client)."""

    def __init__(self, host: str, port: int, signer: Signer) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=CALL_TIMEOUT)
        self.signer = signer

    def post(self, envelope: dict) -> tuple[int, dict]:
        body = json.dumps(envelope).encode()
        try:
            self.connection.request("POST", "/v1/envelopes", body, {"Content-Type": "application/json"})
            reply = self.connection.getresponse()
            raw = reply.read()
        except Exception:
            self.connection.close()  # the next request reconnects
            raise
        return reply.status, self.signer.check(json.loads(raw))

    def call(self, tool: str, args: dict) -> tuple[int, dict]:
        return self.post(self.signer.envelope(tool, args))

    def close(self) -> None:
        self.connection.close()


class MCPStreams:
    name = "MCPStreams"

    def __init__(self, children: Children, directory: Path, redis_url: str, admin: redis.Redis, args) -> None:
        self.children = children
        self.directory = directory
        self.redis_url = redis_url
        self.admin = admin
        self.args = args
        self.bin = Path(args.bin)
        self.client_secret = secrets.token_bytes(32)
        self.server_secret = secrets.token_bytes(32)
        self.signer = Signer(self.client_secret, self.server_secret, args.verify)
        self.keys_file = directory / "keys.json"
        self.keys_file.write_text(json.dumps({
            "server_id": SERVER_ID, "server_secret": "hex:" + self.server_secret.hex(),
            "clients": {CLIENT_ID: {"secret": "hex:" + self.client_secret.hex(), "tools": ["*"]}},
        }))
        self.keys_file.chmod(0o600)
        self.processes: list[subprocess.Popen] = []
        self.port = 0
        self.starts = 0
        for tool in ("mcp-gateway", "mcp-worker", "mcpctl"):
            if not os.access(self.bin / tool, os.X_OK):
                raise HarnessError(f"{self.bin / tool} is missing: build release first (swift build -c release) or pass --bin")
        env = {**os.environ, "MCP_REDIS_URL": redis_url, "MCP_PREFIX": PREFIX}
        setup = subprocess.run([str(self.bin / "mcpctl"), "redis", "setup"], env=env, capture_output=True, text=True, timeout=30)
        if setup.returncode != 0:
            raise HarnessError(f"mcpctl redis setup failed: {setup.stdout}{setup.stderr}")
        log(f"MCPStreams: {setup.stdout.strip()}")

    def start(self) -> None:
        self.starts += 1
        env = {**os.environ, "MCP_REDIS_URL": self.redis_url, "MCP_PREFIX": PREFIX, "MCP_LOG_LEVEL": "warning"}
        started_ms = int(time.time() * 1000)
        for index in range(self.args.workers):
            self.processes.append(self.children.start(
                [str(self.bin / "mcp-worker"), "--concurrency", str(self.args.worker_concurrency)],
                self.directory / f"mcp-worker-{index}.log", env=env))
        gateway_log = self.directory / f"mcp-gateway-{self.starts}.log"
        # --client-rate 0: one client id here makes every request (dramatiq has no such limit).
        self.gateway = self.children.start(
            [str(self.bin / "mcp-gateway"), "--keys", str(self.keys_file), "--listen", "127.0.0.1:0", "--client-rate", "0"],
            gateway_log, env={**env, "MCP_LOG_LEVEL": "info"})
        self.processes.append(self.gateway)
        deadline = time.monotonic() + START_TIMEOUT
        while not self.port:
            for line in gateway_log.read_text(errors="replace").splitlines():
                if "mcp-gateway listening" in line and "127.0.0.1:" in line:
                    self.port = int(line.split("127.0.0.1:")[-1].split()[0].rstrip(",]"))
            self._check_alive(deadline, gateway_log)
            time.sleep(0.02)
        while True:  # every worker heartbeat since this start, and the catalog
            live = self.admin.zcount(f"{PREFIX}:workers", started_ms, "+inf")
            if live >= self.args.workers and self.admin.hlen(f"{PREFIX}:tools") > 0:
                break
            self._check_alive(deadline, gateway_log)
            time.sleep(0.05)
        connection = GatewayConnection("127.0.0.1", self.port, self.signer)
        try:
            while True:  # the gateway reads the catalog within seconds
                status, response = connection.call("batch_sum", {"numbers": NUMBERS})
                if status == 200 and response.get("status") == "ok":
                    break
                self._check_alive(deadline, gateway_log, f"last answer HTTP {status} {response}")
                time.sleep(0.1)
        finally:
            connection.close()

    def _check_alive(self, deadline: float, gateway_log: Path, detail: str = "") -> None:
        for process in self.processes:
            if process.poll() is not None:
                raise HarnessError(f"an MCPStreams process exited at start ({process.args[0]}); logs in {self.directory}")
        if time.monotonic() > deadline:
            raise HarnessError(f"MCPStreams did not start within {START_TIMEOUT:.0f} s {detail}\n{gateway_log.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        self.children.stop(self.processes)
        self.processes = []
        self.port = 0

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes if p.poll() is None]

    def snapshot(self) -> Snapshot:
        return Snapshot(self.admin, self.pids())

    # workloads

    def closed_http(self, clients: int, seconds: float, warmup: float) -> dict:
        def make_call():
            connection = GatewayConnection("127.0.0.1", self.port, self.signer)

            def call():
                status, response = connection.call("batch_sum", {"numbers": NUMBERS})
                if status != 200 or (response.get("result") or {}).get("total") != 6:
                    raise HarnessError(f"HTTP {status}: {response.get('error') or response.get('status')}")
            return call
        return measure_closed_loop(self, clients, seconds, warmup, make_call)

    def closed_ingress(self, clients: int, seconds: float, warmup: float, poll_interval: float) -> dict:
        producer = redis.Redis.from_url(self.redis_url, socket_timeout=CALL_TIMEOUT)

        def make_call():
            connection = GatewayConnection("127.0.0.1", self.port, self.signer)
            results = f"{PREFIX}:results:py-{uuid.uuid4().hex[:12]}"  # this client's own answers
            cursor = ["0-0"]

            def answer(request_id: str) -> dict:
                deadline = time.monotonic() + CALL_TIMEOUT
                while time.monotonic() < deadline:
                    for _key, entries in producer.xread({results: cursor[0]}, count=100, block=int(CALL_TIMEOUT * 1000)) or []:
                        for entry_id, fields in entries:
                            cursor[0] = entry_id
                            if fields.get(b"request_id", b"").decode() == request_id:
                                if fields.get(b"status") != b"done" or json.loads(fields[b"result"]).get("total") != 6:
                                    raise HarnessError(f"unexpected answer {fields}")
                                return {"polls": 0}
                raise HarnessError(f"no answer for {request_id} on {results} after {CALL_TIMEOUT} s")

            def call():
                envelope = self.signer.envelope("batch_sum", {"numbers": NUMBERS})
                if poll_interval <= 0:
                    producer.xadd(f"{PREFIX}:ingress", {"envelope": json.dumps(envelope), "reply_to": results.rsplit(":", 1)[1]})
                    return answer(envelope["request_id"])
                producer.xadd(f"{PREFIX}:ingress", {"envelope": json.dumps(envelope)})
                deadline = time.monotonic() + CALL_TIMEOUT
                polls = 0
                while True:
                    polls += 1
                    status, response = connection.call("poll_job", {"request_id": envelope["request_id"]})
                    wire = response.get("status")
                    if status == 200 and wire == "done":
                        if ((response.get("result") or {}).get("result") or {}).get("total") != 6:
                            raise HarnessError(f"unexpected result {response.get('result')}")
                        return {"polls": polls}
                    if status not in (200, 404) or (status == 200 and wire == "error"):  # 404: not consumed from ingress yet
                        raise HarnessError(f"poll_job: HTTP {status} {response.get('error')}")
                    if time.monotonic() > deadline:
                        raise HarnessError(f"job {envelope['request_id']} not done after {CALL_TIMEOUT} s")
                    if poll_interval > 0:
                        time.sleep(poll_interval)
            return call
        try:
            return measure_closed_loop(self, clients, seconds, warmup, make_call)
        finally:
            producer.close()

    def bulk(self, jobs: int) -> dict:
        producer = redis.Redis.from_url(self.redis_url, socket_timeout=CALL_TIMEOUT)
        ingress = f"{PREFIX}:ingress"
        name = f"bulk-{uuid.uuid4().hex[:12]}"
        results = f"{PREFIX}:results:{name}"
        rejected_before = self.admin.xlen(f"{PREFIX}:ingress:rejected")
        before = self.snapshot()
        started = time.perf_counter()
        last_request = ""
        for _ in range(jobs):  # signed as sent, as dramatiq's send builds each message in its loop
            envelope = self.signer.envelope("batch_sum", {"numbers": NUMBERS})
            producer.xadd(ingress, {"envelope": json.dumps(envelope), "reply_to": name})
            last_request = envelope["request_id"]
        enqueued = time.perf_counter()
        own = {"xread": 0}
        deadline = time.monotonic() + max(120.0, jobs / 100)
        answered = failed = 0
        cursor = "0-0"
        while answered + failed < jobs:
            if time.monotonic() > deadline:
                raise HarnessError(f"MCPStreams bulk: {answered + failed} of {jobs} answered at the deadline")
            own["xread"] += 1
            for _key, entries in producer.xread({results: cursor}, count=1000, block=1000) or []:
                for entry_id, fields in entries:
                    cursor = entry_id
                    if fields.get(b"status") == b"done":
                        answered += 1
                    else:
                        failed += 1
        finished = time.perf_counter()
        after = self.snapshot()
        producer.close()
        rejected = self.admin.xlen(f"{PREFIX}:ingress:rejected") - rejected_before
        row = {"jobs": jobs, "jobs_per_s": jobs / (finished - started), "enqueue_per_s": jobs / (enqueued - started),
               "p50_ms": None, "p99_ms": None, "max_ms": None, "errors": failed + rejected,
               "first_error": f"{failed} answers not done, {rejected} envelopes in {PREFIX}:ingress:rejected" if failed or rejected else None}
        row.update(cost(before, after, jobs, self.pids(), own))
        connection = GatewayConnection("127.0.0.1", self.port, self.signer)
        try:  # the last job really ran (outside the measured window)
            status, response = connection.call("poll_job", {"request_id": last_request})
            if response.get("status") != "done":
                row["errors"] += 1
                row["first_error"] = f"last job: HTTP {status} {response.get('status')} {response.get('error')}"
        finally:
            connection.close()
        return row

    def producer_alone(self, jobs: int) -> dict:
        """The bulk producer with nothing consuming: the most any system can reach with this producer."""
        producer = redis.Redis.from_url(self.redis_url, socket_timeout=CALL_TIMEOUT)
        ingress = f"{PREFIX}:ingress"
        started = time.perf_counter()
        for _ in range(jobs):
            envelope = self.signer.envelope("batch_sum", {"numbers": NUMBERS})
            producer.xadd(ingress, {"envelope": json.dumps(envelope), "reply_to": "bound"})
        rate = jobs / (time.perf_counter() - started)
        producer.delete(ingress)  # nothing consumed them: the gateway makes the stream and its group again
        producer.close()
        return {"jobs": jobs, "jobs_per_s": rate, "enqueue_per_s": rate, "p50_ms": None, "p99_ms": None, "max_ms": None, "errors": 0, "first_error": None}

    def floors(self, samples: int, idle: float) -> list[dict]:
        """What the machine costs a lone call without any job: an HTTP round trip to the gateway
        (GET /healthz, no Redis) and a Redis PING, each after the same idle time."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=CALL_TIMEOUT)
        client = redis.Redis.from_url(self.redis_url, socket_timeout=CALL_TIMEOUT)

        def healthz():
            connection.request("GET", "/healthz")
            reply = connection.getresponse()
            reply.read()
            if reply.status != 200:
                raise HarnessError(f"/healthz answered HTTP {reply.status}")
        try:
            client.ping()
            http_row = measure_lone(self, samples, idle, healthz)
            http_row["system"] = "floor: HTTP GET /healthz"
            ping_row = measure_lone(self, samples, idle, client.ping)
            ping_row["system"] = "floor: Redis PING"
            return [http_row, ping_row]
        finally:
            connection.close()
            client.close()

    def lone(self, samples: int, idle: float) -> dict:
        connection = GatewayConnection("127.0.0.1", self.port, self.signer)

        def one():
            status, response = connection.call("batch_sum", {"numbers": NUMBERS})
            if status != 200 or (response.get("result") or {}).get("total") != 6:
                raise HarnessError(f"HTTP {status}: {response.get('error') or response.get('status')}")
        try:
            return measure_lone(self, samples, idle, one)
        finally:
            connection.close()


# ---- dramatiq ------------------------------------------------------------------

class Dramatiq:
    def __init__(self, children: Children, directory: Path, redis_url: str, admin: redis.Redis, args, worker_timeout_ms: int | None = None) -> None:
        self.children = children
        self.directory = directory
        self.redis_url = redis_url
        self.admin = admin
        self.args = args
        self.worker_timeout_ms = worker_timeout_ms
        self.name = "dramatiq" if worker_timeout_ms is None else f"dramatiq, worker_timeout={worker_timeout_ms} ms"
        self.process: subprocess.Popen | None = None
        self.starts = 0
        # read by dramatiq_jobs at import; this process's client gets a socket timeout (above get_result's 10 s block)
        os.environ["DRAMATIQ_REDIS_URL"] = f"{redis_url}?socket_timeout={CALL_TIMEOUT * 3:g}"
        sys.path.insert(0, str(BENCH_PY))
        import dramatiq_jobs  # noqa: E402 - needs the URL first
        self.jobs = dramatiq_jobs

    def start(self) -> None:
        self.starts += 1
        env = {**os.environ, "DRAMATIQ_REDIS_URL": self.redis_url, "PYTHONPATH": str(BENCH_PY)}
        if self.worker_timeout_ms is not None:
            env["dramatiq_worker_timeout"] = str(self.worker_timeout_ms)
        started_ms = int(time.time() * 1000)
        self.process = self.children.start(
            [sys.executable, "-m", "dramatiq", "dramatiq_jobs", "--processes", str(self.args.dramatiq_processes),
             "--threads", str(self.args.dramatiq_threads), "--path", str(BENCH_PY)],
            self.directory / f"dramatiq-{self.starts}.log", env=env, cwd=BENCH_PY)
        deadline = time.monotonic() + START_TIMEOUT
        # each worker process's consumer heartbeats on its first fetch
        while self.admin.zcount("dramatiq:__heartbeats__", started_ms, "+inf") < self.args.dramatiq_processes:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise HarnessError(f"dramatiq did not start; log in {self.directory}")
            time.sleep(0.05)
        message = self.jobs.batch_sum.send(NUMBERS)
        if message.get_result(block=True, timeout=int(CALL_TIMEOUT * 1000)).get("total") != 6:
            raise HarnessError("dramatiq: wrong result at start")

    def stop(self) -> None:
        if self.process is not None:
            self.children.stop([self.process])
        self.process = None

    def pids(self) -> list[int]:
        return descendants([self.process.pid]) if self.process and self.process.poll() is None else []

    def snapshot(self) -> Snapshot:
        return Snapshot(self.admin, self.pids())

    def _call(self) -> None:
        message = self.jobs.batch_sum.send(NUMBERS)
        result = message.get_result(block=True, timeout=int(CALL_TIMEOUT * 1000))
        if result.get("total") != 6:
            raise HarnessError(f"unexpected result {result}")

    def closed(self, clients: int, seconds: float, warmup: float) -> dict:
        return measure_closed_loop(self, clients, seconds, warmup, lambda: self._call)

    def bulk(self, jobs: int) -> dict:
        messages_key = "dramatiq:default.msgs"  # message id -> message, until acknowledged
        before = self.snapshot()
        started = time.perf_counter()
        for _ in range(jobs):
            self.jobs.batch_sum.send(NUMBERS)
        enqueued = time.perf_counter()
        own = {"hlen": 0}
        deadline = time.monotonic() + max(120.0, jobs / 100)
        while True:
            own["hlen"] += 1
            if self.admin.hlen(messages_key) == 0:
                break
            if time.monotonic() > deadline:
                raise HarnessError("dramatiq bulk: messages still pending at the deadline")
            time.sleep(0.001)
        finished = time.perf_counter()
        after = self.snapshot()
        dead = self.admin.hlen("dramatiq:default.XQ.msgs")
        row = {"jobs": jobs, "jobs_per_s": jobs / (finished - started), "enqueue_per_s": jobs / (enqueued - started),
               "p50_ms": None, "p99_ms": None, "max_ms": None, "errors": dead,
               "first_error": f"{dead} dead-lettered messages" if dead else None}
        row.update(cost(before, after, jobs, self.pids(), own))
        return row

    def producer_alone(self, jobs: int) -> dict:
        """actor.send with no worker running: the most dramatiq can reach with this producer."""
        started = time.perf_counter()
        for _ in range(jobs):
            self.jobs.batch_sum.send(NUMBERS)
        rate = jobs / (time.perf_counter() - started)
        for key in self.admin.keys("dramatiq:*"):
            self.admin.delete(key)
        return {"jobs": jobs, "jobs_per_s": rate, "enqueue_per_s": rate, "p50_ms": None, "p99_ms": None, "max_ms": None, "errors": 0, "first_error": None}

    def lone(self, samples: int, idle: float) -> dict:
        return measure_lone(self, samples, idle, self._call)


def measure_lone(system, samples: int, idle: float, one) -> dict:
    latencies = []
    errors = 0
    first_error = None
    before = system.snapshot()
    for _ in range(samples):
        time.sleep(idle)
        started = time.perf_counter()
        try:
            one()
        except Exception as error:  # noqa: BLE001
            errors += 1
            first_error = first_error or repr(error)
            continue
        latencies.append(time.perf_counter() - started)
    after = system.snapshot()
    row = {"jobs": len(latencies), "jobs_per_s": None, **summarize(latencies), "errors": errors, "first_error": first_error}
    # Costs over the whole run include the idle time: per job, this is what one lone job costs with its idle gap.
    row.update(cost(before, after, len(latencies), system.pids(), {}))
    return row


def measure_idle(system, seconds: float) -> dict:
    before = system.snapshot()
    time.sleep(seconds)
    after = system.snapshot()
    row = {"jobs": 0, "jobs_per_s": None, "p50_ms": None, "p99_ms": None, "max_ms": None, "errors": 0, "first_error": None}
    row.update(cost(before, after, 1, system.pids(), {}))
    wall = row["wall_s"]
    row["redis_commands_per_s"] = row.pop("redis_commands_per_job") / wall
    row["context_switches_per_s"] = row.pop("context_switches_per_job") / wall
    row["top_commands"] = {k: v / wall for k, v in row["top_commands"].items()}
    for key in ("server_cpu_us_per_job", "redis_cpu_us_per_job"):
        row.pop(key)
    return row


# ---- Redis ---------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(children: Children, directory: Path, redis_server: str, transport: str) -> tuple[str, redis.Redis]:
    """A throwaway redis-server without persistence: on a unix socket in `directory`, or on a free loopback port."""
    socket_path = directory / "redis.sock"
    if transport == "unix":
        listen = ["--port", "0", "--unixsocket", str(socket_path), "--unixsocketperm", "700"]
        url = f"unix://{socket_path}"
        connect = {"unix_socket_path": str(socket_path)}
    else:
        port = free_port()
        listen = ["--port", str(port), "--bind", "127.0.0.1"]
        url = f"redis://127.0.0.1:{port}/0"
        connect = {"host": "127.0.0.1", "port": port}
    process = children.start(
        [redis_server, *listen, "--save", "", "--appendonly", "no", "--dir", str(directory), "--daemonize", "no"],
        directory / "redis.log")
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            raise HarnessError(f"redis-server did not start; see {directory / 'redis.log'}")
        admin = redis.Redis(**connect, socket_timeout=CALL_TIMEOUT, socket_connect_timeout=CALL_TIMEOUT)
        try:
            admin.ping()
            return url, admin
        except (redis.ConnectionError, redis.TimeoutError):
            admin.close()
        time.sleep(0.02)


# ---- report --------------------------------------------------------------------

WORKLOADS = ["closed", "ingress", "bulk", "lone", "idle"]


def fmt(value, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "rate":
        return f"{value:,.0f}"
    if kind == "ms":
        return f"{value:.2f}"
    if kind == "us":
        return f"{value:,.0f}"
    if kind == "n":
        return f"{value:.1f}"
    if kind == "mib":
        return f"{value:.1f}"
    if kind == "pct":
        return f"{value * 100:.0f}%"
    if kind == "ratio":
        return f"×{value:.2f}"
    return str(value)


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(headers[i]), *(len(r[i]) for r in rows)) if rows else len(headers[i]) for i in range(len(headers))]
    align = lambda cells: "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    return "\n".join([align(headers), "  ".join("-" * w for w in widths), *(align(r) for r in rows)])


RATIO_KEYS = ["jobs_per_s", "p50_ms", "p99_ms", "server_cpu_us_per_job", "redis_cpu_us_per_job", "redis_commands_per_job",
              "context_switches_per_job", "context_switches_per_s", "rss_mib"]


def ratios(mcp: dict, dq: dict) -> dict:
    out = {}
    for key in RATIO_KEYS + ["server_cpu_share", "redis_commands_per_s"]:
        a, b = mcp.get(key), dq.get(key)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
            out[key] = a / b
    return out


def render(report: dict) -> str:
    headers = ["workload", "system", "jobs", "jobs/s", "p50 ms", "p99 ms", "srv CPU/job µs", "Redis CPU/job µs",
               "cmds/job", "ctx sw/job", "RSS MiB", "srv CPU", "client CPU", "errors"]
    lines = []
    for row in report["rows"]:
        if row["kind"] == "ratio":
            r = row["ratios"]
            lines.append([row["workload"], row["system"], ""] + [fmt(r.get(key), "ratio") for key in (
                "jobs_per_s", "p50_ms", "p99_ms", "server_cpu_us_per_job", "redis_cpu_us_per_job")] + [
                fmt(r.get("redis_commands_per_job", r.get("redis_commands_per_s")), "ratio"),
                fmt(r.get("context_switches_per_job", r.get("context_switches_per_s")), "ratio"),
                fmt(r.get("rss_mib"), "ratio"), fmt(r.get("server_cpu_share"), "ratio"), "", ""])
            continue
        per_job = "redis_commands_per_job" in row  # idle rows count per second
        lines.append([
            row["workload"], row["system"], f"{row['jobs']:,}", fmt(row.get("jobs_per_s"), "rate"), fmt(row.get("p50_ms"), "ms"),
            fmt(row.get("p99_ms"), "ms"), fmt(row.get("server_cpu_us_per_job"), "us"), fmt(row.get("redis_cpu_us_per_job"), "us"),
            fmt(row["redis_commands_per_job"], "n") if per_job else (f"{row['redis_commands_per_s']:.0f}/s" if "redis_commands_per_s" in row else "-"),
            fmt(row["context_switches_per_job"], "n") if per_job else (f"{row['context_switches_per_s']:.0f}/s" if "context_switches_per_s" in row else "-"),
            fmt(row.get("rss_mib"), "mib"), fmt(row.get("server_cpu_share"), "pct"),
            fmt(row.get("client_cpu_share"), "pct"), str(row.get("errors", 0))])
    text = table(headers, lines)
    top_rows = [[row["workload"], row["system"], ", ".join(f"{k} {v:.2f}" for k, v in row.get("top_commands", {}).items())
                 + (f"  (polls/job {row['polls_per_job']:.1f})" if "polls_per_job" in row else "")
                 + (f"  (enqueue {row['enqueue_per_s']:,.0f}/s)" if "enqueue_per_s" in row else "")]
                for row in report["rows"] if row["kind"] == "row"]
    text += "\n\n" + table(["workload", "system", "top Redis commands per job (idle: per second)"], top_rows)
    split_rows = [[row["workload"], row["system"], fmt(row["redis_reads_per_job"], "n"), fmt(row["redis_command_us_per_job"], "n"),
                   ", ".join(f"{k} {v:.1f}" for k, v in row.get("top_command_us", {}).items())]
                  for row in report["rows"] if row["kind"] == "row" and "redis_reads_per_job" in row and "redis_commands_per_job" in row]
    text += "\n\n" + table(["workload", "system", "Redis reads/job", "µs in commands/job", "top µs per job (FCALL/EVALSHA include their commands)"], split_rows)
    setup = report["setup"]
    text += "\n\nsetup: " + ", ".join(f"{k}={v}" for k, v in setup.items())
    return text


# ---- main ----------------------------------------------------------------------

def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 2)[2])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured window of each closed loop (default 10)")
    parser.add_argument("--warmup", type=float, default=None, help="unmeasured seconds before each closed loop (default: seconds/5, at most 2)")
    parser.add_argument("--clients", type=int, default=16, help="client threads in the closed loops (default 16)")
    parser.add_argument("--jobs", type=int, default=20_000, help="jobs of the bulk workload (default 20000)")
    parser.add_argument("--lone-samples", type=int, default=50, help="lone jobs per system (default 50)")
    parser.add_argument("--lone-idle", type=float, default=1.2, help="idle seconds before each lone job (default 1.2)")
    parser.add_argument("--lone-floor", action="store_true", help="also time, after the same idle, an HTTP GET /healthz to the gateway and a Redis PING: the machine's floor under a lone job")
    parser.add_argument("--bulk-bound", action="store_true", help="also time each bulk producer alone, nothing consuming: the most either system can reach with it")
    parser.add_argument("--idle-seconds", type=float, default=5.0, help="length of the idle measurement (default 5)")
    parser.add_argument("--poll-interval", type=float, default=0.0, help="0 (default): the ingress loop blocks on its reply_to results stream; > 0: it polls poll_job every that many seconds instead")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help=f"comma-separated subset of {','.join(WORKLOADS)}")
    parser.add_argument("--bin", default=str(ROOT / ".build" / "release"), help="folder of mcp-gateway, mcp-worker, mcpctl (default .build/release)")
    parser.add_argument("--workers", type=int, default=2, help="mcp-worker processes (default 2)")
    parser.add_argument("--worker-concurrency", type=int, default=16, help="--concurrency of each mcp-worker (default 16, its own default)")
    parser.add_argument("--dramatiq-processes", type=int, default=2, help="dramatiq --processes (default 2)")
    parser.add_argument("--dramatiq-threads", type=int, default=8, help="dramatiq --threads (default 8)")
    parser.add_argument("--dramatiq-fast-poll", type=int, default=10, metavar="MS",
                        help="also run `lone` against dramatiq with dramatiq_worker_timeout=MS (its idle poll backoff cap; default 10, 0 = skip)")
    parser.add_argument("--verify", action="store_true", help="verify every MCPStreams response signature in the client (off: dramatiq's client checks nothing)")
    parser.add_argument("--redis-server", default=shutil.which("redis-server") or "/usr/bin/redis-server", help="redis-server executable")
    parser.add_argument("--redis-transport", choices=["unix", "tcp"], default="unix",
                        help="how every process reaches Redis: a unix socket (default, as mcp-bench) or TCP on 127.0.0.1")
    parser.add_argument("--json", help="also write the report as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs) after the run")
    args = parser.parse_args()
    unknown = set(args.workloads.split(",")) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workloads: {', '.join(sorted(unknown))}")
    if args.clients < 1 or args.jobs < 1 or args.lone_samples < 1 or args.seconds <= 0:
        parser.error("--clients, --jobs, --lone-samples must be >= 1 and --seconds > 0")
    if args.warmup is None:
        args.warmup = min(2.0, args.seconds / 5)
    return args


def run(args, children: Children, directory: Path) -> dict:
    import dramatiq  # noqa: E402 - checked here so --help works without the venv

    workloads = args.workloads.split(",")
    redis_url, admin = start_redis(children, directory, args.redis_server, args.redis_transport)
    server_info = admin.info("server")
    mcp = MCPStreams(children, directory, redis_url, admin, args)
    dq = Dramatiq(children, directory, redis_url, admin, args)
    def output(argv: list[str]) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=10, cwd=ROOT).stdout.strip() or "?"
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    report = {"setup": {
        "mcpstreams_version": output([str(Path(args.bin) / "mcp-gateway"), "--version"]),
        "git": output(["git", "rev-parse", "--short", "HEAD"]),
        "cores": os.cpu_count(), "python": platform.python_version(), "dramatiq": dramatiq.__version__,
        "redis": server_info.get("redis_version"), "redis_transport": args.redis_transport, "mcpstreams_bin": str(Path(args.bin).resolve()),
        "mcpstreams": f"gateway + {args.workers} workers × concurrency {args.worker_concurrency}",
        "dramatiq_workers": f"{args.dramatiq_processes} processes × {args.dramatiq_threads} threads",
        "clients": args.clients, "seconds": args.seconds, "jobs": args.jobs, "lone": f"{args.lone_samples} × {args.lone_idle}s idle",
        "poll_interval": args.poll_interval, "verify_responses": args.verify,
    }, "rows": []}

    def measured(workload: str, system, action) -> dict:
        log(f"{workload}: {system.name} starting")
        system.start()
        time.sleep(0.5)  # let the start-up check's job finish everywhere (acks, heartbeats) outside the window
        try:
            log(f"{workload}: {system.name} measuring")
            row = action()
        finally:
            system.stop()
        row.update({"kind": "row", "workload": workload, "system": system.name})
        report["rows"].append(row)
        if row.get("errors"):
            log(f"{workload}: {system.name}: {row['errors']} errors, first: {row.get('first_error')}")
        return row

    def ratio(workload: str, label: str, a: dict, b: dict) -> None:
        report["rows"].append({"kind": "ratio", "workload": workload, "system": label, "ratios": ratios(a, b)})

    c, s, w = args.clients, args.seconds, args.warmup
    dq_closed = None
    if "closed" in workloads or "ingress" in workloads:
        dq_closed = measured(f"closed ×{c}", dq, lambda: dq.closed(c, s, w))
    if "closed" in workloads:
        row = measured(f"closed ×{c}", mcp, lambda: mcp.closed_http(c, s, w))
        row["system"] = "MCPStreams HTTP"
        ratio(f"closed ×{c}", "ratio HTTP/dramatiq", row, dq_closed)
    if "ingress" in workloads:
        row = measured(f"closed ×{c}", mcp, lambda: mcp.closed_ingress(c, s, w, args.poll_interval))
        row["system"] = "MCPStreams ingress"
        ratio(f"closed ×{c}", "ratio ingress/dramatiq", row, dq_closed)
    if "bulk" in workloads:
        label = f"bulk {args.jobs:,}"
        dq_row = measured(label, dq, lambda: dq.bulk(args.jobs))
        row = measured(label, mcp, lambda: mcp.bulk(args.jobs))
        row["system"] = "MCPStreams ingress"
        ratio(label, "ratio MCPStreams/dramatiq", row, dq_row)
        if args.bulk_bound:
            for system, name in ((dq, "dramatiq producer, nothing consuming"), (mcp, "MCPStreams producer, nothing consuming")):
                log(f"{label}: {name}")
                bound = system.producer_alone(args.jobs)
                bound.update({"kind": "row", "workload": label, "system": name})
                report["rows"].append(bound)
    if "lone" in workloads:
        label = f"lone {args.lone_idle:g}s idle"
        dq_row = measured(label, dq, lambda: dq.lone(args.lone_samples, args.lone_idle))
        dq_fast_row = None
        if args.dramatiq_fast_poll > 0:
            fast = Dramatiq(children, directory, redis_url, admin, args, worker_timeout_ms=args.dramatiq_fast_poll)
            fast.starts = dq.starts
            dq_fast_row = measured(label, fast, lambda: fast.lone(args.lone_samples, args.lone_idle))
        row = measured(label, mcp, lambda: mcp.lone(args.lone_samples, args.lone_idle))
        row["system"] = "MCPStreams HTTP"
        if args.lone_floor:
            mcp.start()
            try:
                for floor in mcp.floors(args.lone_samples, args.lone_idle):
                    floor.update({"kind": "row", "workload": label})
                    report["rows"].append(floor)
            finally:
                mcp.stop()
        ratio(label, "ratio MCPStreams/dramatiq", row, dq_row)
        if dq_fast_row is not None:
            ratio(label, "ratio MCPStreams/dramatiq fast", row, dq_fast_row)
    if "idle" in workloads:
        label = f"idle {args.idle_seconds:g}s"
        dq_row = measured(label, dq, lambda: measure_idle(dq, args.idle_seconds))
        row = measured(label, mcp, lambda: measure_idle(mcp, args.idle_seconds))
        ratio(label, "ratio MCPStreams/dramatiq", row, dq_row)
    admin.close()
    return report


def main() -> int:
    args = parse_arguments()
    children = Children()
    directory = Path(tempfile.mkdtemp(prefix="mcp-compare-"))

    def terminate(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, terminate)
    failed = True
    try:
        report = run(args, children, directory)
        print(render(report))
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
            log(f"report written to {args.json}")
        failed = any(row.get("errors") for row in report["rows"])
        if failed:
            log("some calls failed: see the errors column; logs in " + str(directory))
            args.keep = True
        return 1 if failed else 0
    except HarnessError as error:
        log(f"compare-dramatiq: {error}")
        args.keep = True
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        children.stop_all()
        if args.keep:
            log(f"logs kept in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
