#!/usr/bin/env python3
"""Checks the direction of dependency between the layers of src/ (CTest: `layers`).

The allowed direction is written once, in ARCHITECTURE.md's layer table: the row of
`src/<layer>` names, in its "depends on" column, the layers it may use (the words of that column
that are folders of src/; other words name external libraries). This script
reads that table and checks that
  1. every `#include "<layer>/…"` in src/<x>/ names <x> itself or a layer of <x>'s row;
  2. the CMake target of <x> (snaplake_<x>; the executable `snaplake` for cli) links exactly the
     snaplake_* libraries of <x>'s row, so that the table, the includes and the links agree;
  3. the table has a row for every folder of src/ and no cycle.
Usage: check_layers.py <repository root>
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
src = root / "src"
layers = sorted(p.name for p in src.iterdir() if p.is_dir())
problems = []

# 1. The table: | `src/<layer>` | owns | depends on |
allowed = {}
row = re.compile(r"^\|\s*`src/([a-z_]+)`\s*\|.*\|(.*)\|\s*$")
for line in (root / "ARCHITECTURE.md").read_text(encoding="utf-8").splitlines():
    m = row.match(line)
    if m:
        allowed[m.group(1)] = {w for w in re.findall(r"[a-z_]+", m.group(2)) if w in layers}
for layer in layers:
    if layer not in allowed:
        problems.append(f"ARCHITECTURE.md: no row for src/{layer} in the layer table")
        allowed[layer] = set()

# No cycle: a layer may not reach itself through the table.
def reaches(start, goal, seen=()):
    return any(d == goal or (d not in seen and reaches(d, goal, seen + (d,))) for d in allowed[start])
for layer in layers:
    if reaches(layer, layer):
        problems.append(f"ARCHITECTURE.md: the layer table has a cycle through {layer}")

# 2. Includes.
include = re.compile(r'^\s*#\s*include\s*"([a-z_]+)/[^"]+"', re.M)
checked = 0
for path in sorted(src.rglob("*")):
    if path.suffix not in (".h", ".cc") or not path.is_file():
        continue
    layer = path.relative_to(src).parts[0]
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = include.match(text)
        if not m or m.group(1) not in layers:
            continue
        used = m.group(1)
        checked += 1
        if used != layer and used not in allowed[layer]:
            problems.append(f"{path.relative_to(root)}:{number}: {layer} includes {used}, which "
                            f"its row in ARCHITECTURE.md does not allow ({', '.join(sorted(allowed[layer])) or 'nothing'})")

# 3. Links: target_link_libraries(<target> …) of the layer's library, across lines.
link = re.compile(r"target_link_libraries\(\s*([A-Za-z0-9_]+)([^)]*)\)", re.S)
for layer in layers:
    cmake = src / layer / "CMakeLists.txt"
    target = "snaplake" if layer == "cli" else f"snaplake_{layer}"
    linked = set()
    for m in link.finditer(cmake.read_text(encoding="utf-8") if cmake.exists() else ""):
        if m.group(1) == target:
            linked |= {l for l in re.findall(r"\bsnaplake_([a-z_]+)\b", m.group(2)) if l in layers}
    if linked != allowed[layer]:
        problems.append(f"src/{layer}/CMakeLists.txt: {target} links {sorted(linked)}, ARCHITECTURE.md's "
                        f"row says {sorted(allowed[layer])}")

print(f"layers: {len(layers)} layers, {checked} includes, {len(problems)} problem(s)")
if checked == 0:
    problems.append("no #include of a layer found: is the root right?")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
