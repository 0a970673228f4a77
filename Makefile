# MCPStreams — the two commands: `make run` and `make test`.
# Every target installs what is missing first (Debian/Ubuntu, apt-get).

SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libhiredis-dev libssl-dev redis-server pkg-config python3-venv
# Only `make test` needs it: a real Prometheus runs KEDA's query in the tests (make deps-test).
PROMETHEUS := .tools/prometheus/usr/bin/prometheus
PYTHON ?= python3
VENV := .venv

.PHONY: deps deps-test venv venv-mcp1 venv-mcp2 venv-oauth venv-bench build test run chaos chaos-cluster bench compare fuzz clean

## deps: install the C libraries and redis-server with apt-get, only when missing
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@pkg-config --exists hiredis libcrypto || { echo "make deps: pkg-config cannot find hiredis and libcrypto"; exit 1; }
	@command -v redis-server >/dev/null || test -x /usr/bin/redis-server || { echo "make deps: redis-server missing"; exit 1; }

## deps-test: what only the tests need: Debian's prometheus binary, unpacked into .tools/ (git-ignored;
## the package itself is not installed, so no Prometheus service starts on the machine)
deps-test: $(PROMETHEUS)

$(PROMETHEUS):
	rm -rf .tools/prometheus && mkdir -p .tools/prometheus
	cd .tools && rm -f prometheus_*.deb && { apt-get download prometheus 2>/dev/null || { $(SUDO) apt-get update -qq && apt-get download prometheus; }; }
	dpkg-deb -x .tools/prometheus_*.deb .tools/prometheus && rm -f .tools/prometheus_*.deb
	@$(PROMETHEUS) --version >/dev/null 2>&1 || { echo "make deps-test: $(PROMETHEUS) does not run"; exit 1; }

## venv: the Python example client's venv (pinned, git-ignored); reinstalls only when requirements.txt changes
venv: $(VENV)/.requirements.stamp

$(VENV)/.requirements.stamp: examples/python/requirements.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r examples/python/requirements.txt
	touch $@

## venv-mcp1, venv-mcp2: the stock MCP SDK clients' venvs (mcp 1.30.0, mcp 2.3.0; pinned, git-ignored); they cannot share one
venv-mcp1: .venv-mcp1/.requirements.stamp

.venv-mcp1/.requirements.stamp: examples/python/mcp/requirements-mcp1.txt
	test -x .venv-mcp1/bin/python || $(PYTHON) -m venv .venv-mcp1
	.venv-mcp1/bin/pip install --quiet --disable-pip-version-check -r examples/python/mcp/requirements-mcp1.txt
	touch $@

venv-mcp2: .venv-mcp2/.requirements.stamp

.venv-mcp2/.requirements.stamp: examples/python/mcp/requirements-mcp2.txt
	test -x .venv-mcp2/bin/python || $(PYTHON) -m venv .venv-mcp2
	.venv-mcp2/bin/pip install --quiet --disable-pip-version-check -r examples/python/mcp/requirements-mcp2.txt
	touch $@

## venv-oauth: the OAuth tests' authorization server (oidc-provider-mock on Authlib; pinned, git-ignored); apart from the SDK venvs
venv-oauth: .venv-oauth/.requirements.stamp

.venv-oauth/.requirements.stamp: examples/python/oauth/requirements.txt
	test -x .venv-oauth/bin/python || $(PYTHON) -m venv .venv-oauth
	.venv-oauth/bin/pip install --quiet --disable-pip-version-check -r examples/python/oauth/requirements.txt
	touch $@

## venv-bench: dramatiq 2.x and redis-py for `make compare` (pinned, git-ignored); reinstalls only when requirements.txt changes
venv-bench: .venv-bench/.requirements.stamp

.venv-bench/.requirements.stamp: bench/python/requirements.txt
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt
	touch $@

## build: debug build of every target
build: deps
	$(SWIFT) build

## test: unit and integration tests against a throwaway redis-server; a hung suite fails after TEST_DEADLINE seconds with every thread's stack
TEST_DEADLINE ?= 1500
test: deps deps-test venv venv-mcp1 venv-mcp2 venv-oauth
	$(SWIFT) build --build-tests
	scripts/with-deadline.sh $(TEST_DEADLINE) $(SWIFT) test --skip-build --skip ChaosTests
	scripts/with-deadline.sh $(TEST_DEADLINE) $(SWIFT) test --skip-build --filter 'EndToEndTests.ChaosTests'  # alone: it loads both cores with killed and restarted processes
	scripts/with-deadline.sh $(TEST_DEADLINE) $(SWIFT) test --skip-build --filter ClusterChaosTests  # alone too: a 9-node cluster losing a primary

## run: build release (showing progress), start Redis, a gateway and two workers, run the demo, print the exports mcpctl needs (also in run/env.sh); Ctrl-C stops it all
run: deps
	SWIFT=$(SWIFT) scripts/run-local.sh

## chaos: thousands of jobs while workers are SIGKILLed and Redis restarts; prints lost (must be 0)
chaos: deps
	$(SWIFT) build
	MCP_CHAOS_JOBS=$${MCP_CHAOS_JOBS:-3000} MCP_CHAOS_SECONDS=$${MCP_CHAOS_SECONDS:-20} $(SWIFT) test --filter ChaosTests 2>&1 | grep -E "chaos:|✔|✘|error"

## chaos-cluster: 5 000 jobs on a local Redis Cluster (3 primaries × 2 replicas) while a primary is SIGKILLed and a slot moves, once per durability level; prints lost (0 for replicated) and what the failover cost
chaos-cluster: deps
	$(SWIFT) build --build-tests
	for level in replicated local; do \
	  MCP_CHAOS_CLUSTER_JOBS=$${MCP_CHAOS_CLUSTER_JOBS:-5000} MCP_CHAOS_CLUSTER_DURABILITY=$$level $(SWIFT) test --skip-build --filter ClusterChaosTests 2>&1 | grep -E "chaos-cluster:|✔|✘|error"; \
	done

## bench: release build, then mcp-bench's default suite on this machine (about a minute); BENCH_ARGS adds flags
bench: deps
	$(SWIFT) build -c release --static-swift-stdlib
	.build/release/mcp-bench --json .build/bench.json $(BENCH_ARGS)

## compare: release build, then MCPStreams beside dramatiq 2.x on one Redis, workload by workload (about 5 minutes; docs/performance.md); COMPARE_ARGS adds flags
compare: deps venv-bench
	$(SWIFT) build -c release --static-swift-stdlib
	.venv-bench/bin/python scripts/compare-dramatiq.py --bin .build/release --json .build/compare.json $(COMPARE_ARGS)

## fuzz: libFuzzer + AddressSanitizer on every fuzz target, FUZZ_SECONDS each (default 60); fails on any crash (docs/fuzzing.md)
FUZZ_SECONDS ?= 60
fuzz: deps
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh all

clean:
	rm -rf .build .tools run $(VENV) .venv-mcp1 .venv-mcp2 .venv-oauth .venv-bench
