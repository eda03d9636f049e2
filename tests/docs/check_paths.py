#!/usr/bin/env python3
"""Checks that every repository path the documentation quotes exists (CTest: `doc_paths`).

Docs name the code that says each contract once (docs/README.md); a refactor that moves that
code must move the reference too. This script reads every Markdown file git tracks, takes each
`code span` that is a path under one of the repository's top folders (src/, tests/, scripts/,
bench/, deploy/, docs/, examples/), with a trailing :line or #anchor dropped, and reports those
that name no file or folder. Globs and templates (`*`, `<`, `{`) are skipped.
Usage: check_paths.py <repository root>
"""
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
tops = ("src/", "tests/", "scripts/", "bench/", "deploy/", "docs/", "examples/")
listed = subprocess.run(["git", "-C", str(root), "ls-files", "*.md"], capture_output=True,
                        text=True)
if listed.returncode == 0:
    files = listed.stdout.split()
else:  # not a git checkout (an unpacked archive): every Markdown file but the npm packages'
    files = [str(p.relative_to(root)) for p in root.rglob("*.md")
             if "node_modules" not in p.parts and "build" not in p.parts]
span = re.compile(r"`([^`\s]+)`")
problems = []
for name in files:
    if name.startswith("tests/node_modules/"):
        continue
    text = (root / name).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        for token in span.findall(line):
            token = token.strip("*")
            if not token.startswith(tops) or any(c in token for c in "*<{$"):
                continue
            path = re.sub(r"(:\d+(-\d+)?|#.*)$", "", token).rstrip(".,;")
            if not (root / path).exists():
                problems.append(f"{name}:{number}: `{token}` names nothing in the repository")
print(f"doc_paths: {len(files)} Markdown files, {len(problems)} problem(s)")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
