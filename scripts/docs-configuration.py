#!/usr/bin/env python3
"""Regenerates the option tables of docs/configuration.md from the executables' real --help.

Usage: scripts/docs-configuration.py [BIN_DIR]   (default .build/debug; `swift build` first)

Every table sits between `<!-- BEGIN generated: CMD -->` and `<!-- END generated: CMD -->`
and is replaced whole; the text around the markers is kept. DocumentationTests checks that
the page names every option and MCP_ variable the --help output prints.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "configuration.md"
COMMANDS = [
    "mcp-gateway", "mcp-worker",
    "mcpctl call", "mcpctl poll", "mcpctl cancel", "mcpctl mcp tools", "mcpctl mcp call",
    "mcpctl stats", "mcpctl dead list", "mcpctl dead redrive", "mcpctl keygen", "mcpctl redis setup",
]
PARSER_DEFAULT = re.compile(r"\s*\(default: ([^)]*)\)\s*$")
ENV_DEFAULT = re.compile(r"\s*\(env (MCP_[A-Z0-9_]+(?:=[^;)]*)?)(?:; ([^)]*))?\)")
ENTRY = re.compile(r"^  ((?:-[a-zA-Z], )?--?[a-z][a-z0-9-]*(?: <[^>]+>)?|<[^>]+>)(?:\s+(\S.*))?$")


def options(help_text):
    """(name, text) for each entry of the OPTIONS and ARGUMENTS sections."""
    entries, section = [], None
    for line in help_text.splitlines():
        if re.match(r"^[A-Z]+:", line):
            section = line.split(":")[0]
            continue
        if section not in ("OPTIONS", "ARGUMENTS") or not line.strip():
            continue
        m = ENTRY.match(line)
        if m:
            entries.append([m.group(1), (m.group(2) or "").strip()])
        elif entries:
            entries[-1][1] = (entries[-1][1] + " " + line.strip()).strip()
    return [(name, text) for name, text in entries if name not in ("-h, --help", "--version")]


def row(name, text):
    env, default = "", ""
    m = PARSER_DEFAULT.search(text)
    if m:  # swift-argument-parser's own "(default: X)"
        default = m.group(1)
        text = text[: m.start()].rstrip()
    m = ENV_DEFAULT.search(text)
    if m:
        env = f"`{m.group(1)}`"
        rest = m.group(2) or ""
        default = rest[len("default "):] if rest.startswith("default ") else (rest or default)
        text = (text[: m.start()] + text[m.end():]).strip()
    if not default:
        m = re.search(r"\(default:? ([^)]*)\)", text)
        if m:
            default = m.group(1)
    if name.startswith("-"):
        flag = re.sub(r"(--?[a-zA-Z][a-z0-9-]*)", r"`\1`", name.split(" <")[0])
        value = re.findall(r"<[^>]+>", name)
        if value:
            flag += f" `{value[0]}`"
    else:
        flag = f"`{name}` (argument)"
    return f"| {flag} | {env} | {md(default)} | {md(text)} |"


def md(text):
    """Table-cell text: pipes escaped, <…> shown literally."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def table(command, help_text, seen):
    """The command's own options as a table; options an earlier table showed are named after it."""
    lines, shared = [], {}
    for name, text in options(help_text):
        if name.startswith("-") and (name, text) in seen:
            shared.setdefault(seen[(name, text)], []).append(re.findall(r"--[a-z][a-z0-9-]*", name)[0])
            continue
        seen[(name, text)] = command
        lines.append(row(name, text))
    out = []
    if lines:
        out += ["| option | environment | default | meaning |", "| --- | --- | --- | --- |"] + lines
    for origin, names in shared.items():
        if out:
            out.append("")
        out.append("Also " + ", ".join(f"`{n}`" for n in names) + f", as for `{origin}`.")
    return "\n".join(out)


def main():
    bin_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".build" / "debug"
    page = PAGE.read_text()
    seen = {}
    for command in COMMANDS:
        executable, *sub = command.split()
        help_text = subprocess.run([str(bin_dir / executable), *sub, "--help"], check=True,
                                   capture_output=True, text=True).stdout
        begin, end = f"<!-- BEGIN generated: {command} -->", f"<!-- END generated: {command} -->"
        if begin not in page or end not in page:
            sys.exit(f"{PAGE}: no markers for {command}")
        head, rest = page.split(begin, 1)
        _, tail = rest.split(end, 1)
        page = head + begin + "\n" + table(command, help_text, seen) + "\n" + end + tail
    PAGE.write_text(page)


if __name__ == "__main__":
    main()
