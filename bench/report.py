#!/usr/bin/env python3
"""Turns relstore-bench's JSON into a Markdown table and a gnuplot data file.

For each phase and scale: the median ns/op of relstore, the floor and SQLite,
then relstore/floor (lower is better, target <= 1.2) and SQLite/relstore
(how many times faster relstore is). Snapshot phases add MB/s; the memory
phase gives bytes per child.
"""
import json
import sys
from collections import defaultdict

# usage: report.py OUT.md OUT.dat RESULTS.json [MORE.json ...]
md_out, dat_out = sys.argv[1:3]
docs = []
for src in sys.argv[3:]:
    with open(src) as f:
        docs.append(json.load(f))
doc = {"context": docs[0].get("context", {}), "benchmarks": [b for d in docs for b in d["benchmarks"]]}

ns = defaultdict(dict)     # (phase, scale) -> system -> ns/op
mbs = defaultdict(dict)    # (phase, scale) -> system -> MB/s
mem = defaultdict(dict)    # scale -> system -> bytes per child
peak = defaultdict(dict)   # (phase, scale) -> system -> peak heap MB over the store
bg = {}                    # scale -> background_save's counters
for b in doc["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    parts = b["run_name"].split("/")
    phase, system, scale = parts[0], parts[1], int(parts[2])
    if phase == "memory":
        mem[scale][system] = b["bytes_per_child"]
        continue
    if phase == "background_save":
        bg[scale] = b
        continue
    if "peak_extra_mb" in b:
        peak[(phase, scale)][system] = b["peak_extra_mb"]
    ns[(phase, scale)][system] = b["ns_per_op"]
    if "bytes_per_second" in b:
        mbs[(phase, scale)][system] = b["bytes_per_second"] / 1e6

phases = []
for phase, _ in ns:
    if phase not in phases:
        phases.append(phase)
scales = sorted({s for _, s in ns})

def fmt(x):
    if x is None:
        return "-"
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"

ctx = doc.get("context", {})
lines = [f"Machine: {ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} CPUs at "
         f"{ctx.get('mhz_per_cpu', '?')} MHz, {ctx.get('date', '')}. Medians of "
         f"{doc['benchmarks'][0].get('repetitions', '?')} repetitions, ns per operation.", "",
         "| phase | children | relstore | floor | SQLite | relstore/floor | SQLite/relstore |",
         "|---|---:|---:|---:|---:|---:|---:|"]
for phase in phases:
    for scale in scales:
        row = ns.get((phase, scale), {})
        r, fl, sq = row.get("relstore"), row.get("floor"), row.get("sqlite")
        ratio_floor = f"{r / fl:.2f}" if r and fl else "-"
        ratio_sql = f"{sq / r:.1f}" if r and sq else "-"
        extra = ""
        if (phase, scale) in mbs:
            m = mbs[(phase, scale)]
            extra = " (MB/s: relstore {}, floor {}, SQLite {})".format(
                fmt(m.get("relstore")), fmt(m.get("floor")), fmt(m.get("sqlite")))
        lines.append(f"| {phase}{extra} | {scale:,} | {fmt(r)} | {fmt(fl)} | {fmt(sq)} | {ratio_floor} | {ratio_sql} |")
lines += ["", "| memory | children | relstore | floor | SQLite |", "|---|---:|---:|---:|---:|"]
for scale in sorted(mem):
    m = mem[scale]
    lines.append(f"| bytes per child | {scale:,} | {fmt(m.get('relstore'))} | {fmt(m.get('floor'))} | "
                 f"{fmt(m.get('sqlite'))} |")
if peak:
    lines += ["", "| peak heap MB over the store (save: during the call; load: into an empty store, over the store built) "
              "| children | relstore | floor | SQLite |",
              "|---|---:|---:|---:|---:|"]
    for (phase, scale), m in sorted(peak.items()):
        lines.append(f"| {phase} | {scale:,} | {fmt(m.get('relstore'))} | {fmt(m.get('floor'))} | "
                     f"{fmt(m.get('sqlite'))} |")
if bg:
    lines += ["", "Background save (relstore, ms; ticks of 1,000 mixed writes and the save's poll() while the save "
              "runs):", "",
              "| children | call stall | tick p50 / p99 no save | tick p50 | tick p99 | longest tick | poll p99 | longest poll "
              "| polls' total | ticks | writes during the save | copy MB | frame update after the call / without a save "
              "| process RSS MB |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for scale in sorted(bg):
        b = bg[scale]
        lines.append(f"| {scale:,} | {b['stall_ms']:.3g} | {b['tick_plain_p50_ms']:.3g} / {b['tick_plain_p99_ms']:.3g} | "
                     f"{b['tick_p50_ms']:.3g} | "
                     f"{b['tick_p99_ms']:.3g} | {b['tick_max_ms']:.3g} | {b['poll_p99_ms']:.3g} | {b['poll_max_ms']:.3g} | "
                     f"{b['poll_total_ms']:.3g} | "
                     f"{b['ticks_during_save']:.0f} | {b.get('writes_during_save', 0):,.0f} | {b['copy_mb']:.0f} | "
                     f"{b.get('frame_ms', 0):.3g} / {b.get('frame_plain_ms', 0):.3g} | {b['process_rss_mb']:.0f} |")
with open(md_out, "w") as f:
    f.write("\n".join(lines) + "\n")

# gnuplot: one data block and one panel per phase.
with open(dat_out, "w") as f:
    for phase in phases:
        for scale in scales:
            row = ns.get((phase, scale), {})
            f.write(f"{scale} {row.get('relstore', 'NaN')} {row.get('floor', 'NaN')} {row.get('sqlite', 'NaN')}\n")
        f.write("\n\n")
png = dat_out.rsplit(".", 1)[0] + ".png"
gp = dat_out.rsplit(".", 1)[0] + ".gp"
# A grid with a cell for every phase (a fixed 4 x 4 drew the 17th phase
# and later over the first ones).
cols = 6
rows = max(1, -(-len(phases) // cols))
with open(gp, "w") as f:
    f.write(f'set terminal pngcairo size {cols * 330},{rows * 260 + 40} font ",9"\n')
    f.write(f'set output "{png}"\n')
    f.write("set termoption noenhanced\nset logscale xy\nset format x \"%.0s%c\"\nset key top left\n")
    f.write(f'set multiplot layout {rows},{cols} title "relstore vs bare Boost.MultiIndex floor vs SQLite in memory '
            '(median ns/op against children)"\n')
    for i, phase in enumerate(phases):
        f.write(f'set title "{phase}"\n')
        f.write(f'plot "{dat_out}" index {i} using 1:2 with linespoints title "relstore", '
                f'"" index {i} using 1:3 with linespoints title "floor", '
                f'"" index {i} using 1:4 with linespoints title "SQLite"\n')
    f.write("unset multiplot\n")
print(f"wrote {md_out}, {dat_out} and {gp}")
