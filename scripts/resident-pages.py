#!/usr/bin/env python3
"""Where a running process's resident memory in its own executable comes from.

Reads /proc/PID/pagemap (root) for the pages of the executable's mappings that are
resident, then names each by the ELF section it lies in and, for code, by the Swift
module (or C library) of the symbol it falls under. This is how docs/performance.md
("Memory") found the 3.3 MB relocation table and the 1 MB exported symbol table.

    sudo scripts/resident-pages.py PID [--top N]
"""
import argparse
import bisect
import collections
import re
import struct
import subprocess
import sys

PAGE = 4096


def mappings(pid: int) -> tuple[str, list[tuple[int, int, int, str]]]:
    exe_path = subprocess.run(["readlink", "-f", f"/proc/{pid}/exe"], capture_output=True, text=True).stdout.strip()
    found = []
    for line in open(f"/proc/{pid}/maps"):
        parts = line.split()
        if len(parts) >= 6 and parts[5] == exe_path:
            low, high = (int(x, 16) for x in parts[0].split("-"))
            found.append((low, high, int(parts[2], 16), parts[1]))
    if not found:
        sys.exit(f"no mapping of {exe_path} in /proc/{pid}/maps")
    return exe_path, found


def resident_offsets(pid: int, maps: list[tuple[int, int, int, str]]) -> list[tuple[int, str]]:
    """File offsets (page-aligned) of resident pages, with the mapping's permissions."""
    pages = []
    with open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for low, high, offset, perm in maps:
            pagemap.seek(low // PAGE * 8)
            data = pagemap.read((high - low) // PAGE * 8)
            for index in range(len(data) // 8):
                if struct.unpack_from("<Q", data, index * 8)[0] >> 63:
                    pages.append((offset + index * PAGE, perm))
    return pages


def segments(binary: str) -> list[tuple[int, int, int]]:
    rows = []
    for line in subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True).stdout.splitlines():
        fields = line.split()
        if fields and fields[0] == "LOAD":
            rows.append((int(fields[1], 16), int(fields[2], 16), int(fields[4], 16)))
    return rows


def sections(binary: str) -> list[tuple[int, int, str]]:
    rows = []
    pattern = re.compile(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)")
    for line in subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True).stdout.splitlines():
        match = pattern.match(line)
        if match and int(match.group(2), 16):
            rows.append((int(match.group(2), 16), int(match.group(3), 16), match.group(1)))
    return rows


def module(symbol: str) -> str:
    match = re.match(r"\$s(\d+)", symbol)
    if match:
        start = len(match.group(0))
        return symbol[start:start + int(match.group(1))]
    if symbol.startswith("$s"):
        return "Swift (stdlib)"
    return "C/C++"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pid", type=int)
    parser.add_argument("--top", type=int, default=15, help="rows per table (default 15)")
    args = parser.parse_args()
    binary, maps = mappings(args.pid)
    pages = resident_offsets(args.pid, maps)
    loads = segments(binary)
    secs = sections(binary)
    symbols = []
    for line in subprocess.run(["nm", "-n", "--defined-only", binary], capture_output=True, text=True).stdout.splitlines():
        fields = line.split(" ", 2)
        if len(fields) == 3 and fields[1] in "tTrRdDbB":
            symbols.append((int(fields[0], 16), fields[2]))
    addresses = [address for address, _ in symbols]
    by_section: collections.Counter[str] = collections.Counter()
    by_module: collections.Counter[str] = collections.Counter()
    for offset, perm in pages:
        address = next((vaddr + offset - start for start, vaddr, size in loads if start <= offset < start + size + PAGE), None)
        if address is None:
            by_section["(outside the file's segments)"] += 1
            continue
        name = next((n for start, size, n in secs if start <= address < start + size), "(between sections)")
        by_section[name] += 1
        if name == ".text":
            index = bisect.bisect_right(addresses, address) - 1
            by_module[module(symbols[index][1]) if index >= 0 else "?"] += 1
    print(f"{binary}: {len(pages) * PAGE // 1024} KiB of the executable resident")
    print("by section:")
    for name, count in by_section.most_common(args.top):
        print(f"  {count * PAGE // 1024:8d} KiB  {name}")
    print(".text by module:")
    for name, count in by_module.most_common(args.top):
        print(f"  {count * PAGE // 1024:8d} KiB  {name}")


if __name__ == "__main__":
    main()
