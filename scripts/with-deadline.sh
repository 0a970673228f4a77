#!/usr/bin/env bash
# Runs a command with a deadline: `scripts/with-deadline.sh SECONDS command…`.
# A suite that hangs must fail CI in minutes with a reason, not run until the
# CI limit: past the deadline this prints the command's process tree and every
# thread's stack of each test process under it (gdb, when installed), kills
# the whole tree and exits with status 124.
set -uo pipefail
deadline="$1"; shift
"$@" &
command_pid=$!

descendants() {
  local children
  children=$(pgrep -P "$1" || true)
  for child in $children; do
    echo "$child"
    descendants "$child"
  done
}

waited=0
while kill -0 "$command_pid" 2>/dev/null; do
  if [ "$waited" -ge "$deadline" ]; then
    tree=$(descendants "$command_pid")
    echo "with-deadline: '$*' still running after ${deadline} s; its processes and stacks follow" >&2
    ps -o pid,ppid,etimes,stat,args -p "$command_pid" $tree >&2 || true
    for pid in $tree; do
      case "$(cat /proc/"$pid"/cmdline 2>/dev/null | tr '\0' ' ')" in
        *PackageTests.xctest*)
          if command -v gdb >/dev/null; then
            echo "---- stacks of $pid" >&2
            timeout 60 gdb -p "$pid" -batch -ex "thread apply all bt 25" 2>&1 | grep -E '^(Thread|#)' >&2 || true
          fi ;;
      esac
    done
    kill -KILL "$command_pid" $tree 2>/dev/null || true
    wait "$command_pid" 2>/dev/null
    exit 124
  fi
  sleep 1
  waited=$((waited + 1))
done
wait "$command_pid"
