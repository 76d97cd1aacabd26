#!/usr/bin/env python3
"""Checks that includes run one way: the public API on top, the engine below.

Tiers (docs/layering.md):
  vocabulary  small public headers the engine may use: listed in VOCABULARY
  engine      engine/include/relstore/detail/*.hpp and engine/src/*.cpp
  api         every other public header, and api/src/*.cpp
Rules:
  * the engine and the vocabulary include only the engine and the vocabulary;
  * no include cycle between headers (in particular no two include each other);
  * every .cpp of the library has a header of its own (same name), and
    includes it first.
Exits 1 and prints each offending include otherwise.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
API_INC = os.path.join(ROOT, "api", "include")
ENGINE_INC = os.path.join(ROOT, "engine", "include")
VOCABULARY = {
    "relstore/fwd.hpp", "relstore/assert.hpp", "relstore/error.hpp", "relstore/value.hpp", "relstore/op.hpp",
    "relstore/model_info.hpp", "relstore/registry.hpp", "relstore/row.hpp", "relstore/query_plan.hpp",
    "relstore/violation.hpp", "relstore/snapshot_format.hpp", "relstore/file_system.hpp", "relstore/limits.hpp", "relstore/event.hpp",
    "relstore/delete_report.hpp", "relstore/memory.hpp",
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"](relstore/[^">]+)[">]', re.M)


def headers():
    out = {}
    for base in (API_INC, ENGINE_INC):
        for d, _, files in os.walk(base):
            for f in files:
                if f.endswith(".hpp"):
                    path = os.path.join(d, f)
                    out[os.path.relpath(path, base)] = path
    return out


def tier(name):
    if name.startswith("relstore/detail/"):
        return "engine"
    if name in VOCABULARY:
        return "vocabulary"
    return "api"


def includes(path):
    with open(path, encoding="utf-8") as f:
        return INCLUDE.findall(f.read())


def main():
    problems = []
    hdrs = headers()
    graph = {}
    for name, path in hdrs.items():
        graph[name] = includes(path)
        for inc in graph[name]:
            if inc not in hdrs:
                problems.append(f"{name}: includes {inc}, which does not exist")
            elif tier(name) in ("engine", "vocabulary") and tier(inc) == "api":
                problems.append(f"{name} ({tier(name)}) includes {inc} (api): includes must run downward")
    sources = []
    for sub, t in (("engine/src", "engine"), ("api/src", "api")):
        for d, _, files in os.walk(os.path.join(ROOT, sub)):
            sources += [(os.path.join(d, f), t, os.path.join(ROOT, sub)) for f in files if f.endswith(".cpp")]
    for path, t, base in sources:
        rel = os.path.relpath(path, ROOT)
        incs = includes(path)
        for inc in incs:
            if t == "engine" and tier(inc) == "api":
                problems.append(f"{rel} (engine) includes {inc} (api): includes must run downward")
        stem = os.path.splitext(os.path.basename(path))[0]
        # api/src/rest/router.cpp's header is relstore/rest/router.hpp.
        sub_dir = os.path.relpath(os.path.dirname(path), base)
        if sub_dir != ".":
            stem = sub_dir.replace(os.sep, "/") + "/" + stem
        order = ["detail/", ""] if t == "engine" else ["", "detail/"]
        mine = next((f"relstore/{d}{stem}.hpp" for d in order if f"relstore/{d}{stem}.hpp" in hdrs), None)
        if mine is None:
            problems.append(f"{rel}: no header of its own ({stem}.hpp)")
        elif not incs or incs[0] != mine:
            problems.append(f"{rel}: its first include should be its own header {mine}")
    # Cycles: depth-first search over the header graph.
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in graph.get(n, []):
            if m not in graph:
                continue
            if state.get(m) == 1:
                problems.append("include cycle: " + " -> ".join(stack[stack.index(m):] + [m]))
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)
    for p in problems:
        print("check_includes:", p)
    if problems:
        return 1
    print(f"check_includes: ok ({len(hdrs)} headers, {len(sources)} sources, includes run downward, no cycle)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
