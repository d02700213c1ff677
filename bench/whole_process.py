#!/usr/bin/env python3
"""The benchmark suite of issue #19, as whole processes (loading, translation and writing included):
for every benchmark guest (bench_common.hpp's list and arguments), best wall time of --repeat runs of
the native build, qemu-riscv64, `rvtrace run` (untraced AOT, translated lazily as the CLI does),
`rvtrace trace` (to a file in a temporary directory), `rvtrace run --engine interp`, and `rvtrace
replay` of that trace with the digest and the witness policy on 1 and 2 threads (output to /dev/null;
the first --replay-chunks chunks of the trace, so replay stays seconds long). Prints one table of
seconds, ratios and replay rates, what the AOT run translated, and issue #19's libriscv figures as
the anchor (libriscv is not packaged here). bench/README.md explains the columns and the sizes.
Usage: python3 bench/whole_process.py [--build build] [--repeat 3] [--guests keccak,deflate] [--quick]"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def bench_guests():
    """(name, args) of rvbench::guests in bench_common.hpp: the one list of guests and sizes."""
    with open(os.path.join(HERE, "bench_common.hpp")) as f:
        text = f.read()
    body = text[text.index("guests = {"):]
    body = body[:body.index("};")]
    return [(m.group(1), re.findall(r'"([^"]*)"', m.group(2)))
            for m in re.finditer(r'\{"(\w+)",\s*\{([^}]*)\}\}', body)]


def best_wall(cmd, repeat):
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        t = time.perf_counter() - t0
        if r.returncode != 0:
            raise SystemExit("whole_process: %s exited %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
        best = t if best is None else min(best, t)
    return best


def last_json(cmd, stream="stderr"):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = r.stdout if stream == "stdout" else r.stderr
    if r.returncode != 0:
        raise SystemExit("whole_process: %s exited %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    return json.loads(out.strip().splitlines()[-1] if stream == "stderr" else out)


def measure(name, args, a, tools, tmp):
    """Wall seconds of every engine (t), replay rates in steps/s (rates), steps and translation info."""
    rvtrace, qemu, gdir = tools
    elf = os.path.join(gdir, name + "-rv64imac.elf")
    native = os.path.join(gdir, name + "-native")
    trace = os.path.join(tmp, name + ".rvmt")
    cmds = {}
    if os.access(native, os.X_OK):
        cmds["native"] = [native] + args
    if qemu:
        cmds["qemu"] = [qemu, elf] + args
    cmds["aot"] = [rvtrace, "run", elf] + args
    cmds["trace"] = [rvtrace, "trace", "--force", "-o", trace, elf] + args
    cmds["interp"] = [rvtrace, "run", "--engine", "interp", elf] + args
    t = {}
    for k, c in cmds.items():
        print("whole_process: %s: %s" % (name, k), file=sys.stderr, flush=True)
        t[k] = best_wall(c, a.repeat)
    info = last_json([rvtrace, "info", "--json", trace], "stdout")
    chunks = info["chunks"]
    part = []
    replayed = info["steps"]
    if a.replay_chunks and chunks > a.replay_chunks:
        part = ["--chunks", "0:%d" % a.replay_chunks]
        replayed = a.replay_chunks * info["chunk_steps"]
    rates = {}
    for policy in ("digest", "witness"):
        for threads in (1, 2):
            print("whole_process: %s: replay %s %d" % (name, policy, threads), file=sys.stderr, flush=True)
            cmd = [rvtrace, "replay", "--no-progress", "--policy", policy, "--threads", str(threads),
                   "--elf", elf, trace] + part
            rates[(policy, threads)] = replayed / best_wall(cmd, a.repeat)
    stats = last_json([rvtrace, "run", "--stats", "--json", elf] + args)
    return {"t": t, "rates": rates, "steps": info["steps"], "replayed": replayed, "chunks": chunks,
            "trace_bytes": info["file_bytes"], "translated": stats.get("translated", {}), "run_s": stats["seconds"]}


def ratio(num, den):
    return "%.2fx" % (num / den) if num is not None and den else "-"


def secs(t, k):
    return "%.3f" % t[k] if k in t else "-"


def table(rows):
    head = ["guest", "M steps", "native s", "qemu s", "aot s", "trace s", "interp s", "aot/qemu", "trace/aot",
            "interp/qemu", "native/aot", "digest 1t", "digest 2t", "witness 1t", "witness 2t", "2t scaling d / w"]
    lines = []
    for name, m in rows:
        t, r = m["t"], m["rates"]
        lines.append([
            name, "%.1f" % (m["steps"] / 1e6), secs(t, "native"), secs(t, "qemu"), secs(t, "aot"), secs(t, "trace"),
            secs(t, "interp"), ratio(t.get("qemu"), t["aot"]), ratio(t["aot"], t["trace"]),
            ratio(t.get("qemu"), t["interp"]), ratio(t["aot"], t.get("native")),
            "%.1f M" % (r[("digest", 1)] / 1e6), "%.1f M" % (r[("digest", 2)] / 1e6),
            "%.1f M" % (r[("witness", 1)] / 1e6), "%.1f M" % (r[("witness", 2)] / 1e6),
            "%s / %s" % (ratio(r[("digest", 2)], r[("digest", 1)]), ratio(r[("witness", 2)], r[("witness", 1)]))])
    width = [max(len(x) for x in col) for col in zip(head, *lines)]
    fmt = lambda cells: "| " + " | ".join(c.rjust(w) for c, w in zip(cells, width)) + " |"
    out = [fmt(head), "|" + "|".join("-" * (w + 2) for w in width) + "|"]
    return "\n".join(out + [fmt(l) for l in lines])


LEGEND = """\
s: wall seconds of the whole process, best of {repeat} runs. aot/qemu = qemu s / aot s (> 1: AOT faster than qemu);
trace/aot = aot s / trace s (the fraction of untraced speed kept while recording); interp/qemu =
qemu s / interp s; native/aot = aot s / native s (how far AOT is from the same C built with gcc -O2).
digest/witness Nt: replay rate in guest steps per second of wall time, `rvtrace replay --policy P
--threads N` over {replayed}; 2t scaling = 2-thread rate / 1-thread rate."""

ANCHOR = """\
Anchor: issue #19's figures (libriscv is not packaged here, so it is not run; these were measured
side by side on this kind of machine, best of 3+, on libsecp256k1 ecrecover, zlib, the Lua 5.5
interpreter and keccak; our nearest guests in brackets):
| | untraced AOT vs qemu-riscv64 | trace vs untraced AOT | rvtrace interp vs libriscv interp | replay, witness, 2 threads |
|---|---|---|---|---|
| keccak [keccak] | 1.5x faster | 0.66x | 2.5x slower | ~27 M steps/s |
| zlib round trip [deflate] | 1.0x (equal) | 0.44x | 2.6x slower | ~30 M steps/s |
| secp256k1 ecrecover [ecc] | 1.05x | 0.53x | 1.7x slower | ~23 M steps/s |
| Lua interpreter [bytecode] | 2.4x | 0.55x | 2.4x slower | ~29 M steps/s |
libriscv's binary translation (translation cached) was ~7% faster than rvtrace's untraced AOT on
keccak and zlib, 15% slower on secp256k1, 2x slower on Lua. Whole processes on a quieter machine:
keccak200 AOT 0.50 s, libriscv 0.52 s, qemu 0.72 s, native 0.17 s.
Targets: trace >= 0.8x AOT; AOT >= 2x qemu and >= 1.3x libriscv's best; interpreter >= libriscv's
interpreter; replay digest >= 1 G and witness >= 300 M steps/s per thread, 2-thread scaling >= 1.8x."""


def main():
    ap = argparse.ArgumentParser(description="Whole-process benchmark suite (issue #19); see bench/README.md")
    ap.add_argument("--build", default="build")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement, best taken (default 3)")
    ap.add_argument("--guests", default=None, help="comma-separated subset of bench_common.hpp's guests")
    ap.add_argument("--replay-chunks", type=int, default=64,
                    help="replay the first N chunks of each trace (0: all; default 64 = 16.8 M steps)")
    ap.add_argument("--quick", action="store_true", help="--repeat 1 --replay-chunks 8: a smoke run")
    a = ap.parse_args()
    if a.quick:
        a.repeat, a.replay_chunks = 1, 8
    guests = bench_guests()
    if a.guests:
        want = a.guests.split(",")
        unknown = set(want) - {g for g, _ in guests}
        if unknown:
            raise SystemExit("whole_process: not in bench_common.hpp's guests: " + ", ".join(sorted(unknown)))
        guests = [g for g in guests if g[0] in want]
    rvtrace = os.path.join(a.build, "bin", "rvtrace")
    if not os.access(rvtrace, os.X_OK):
        raise SystemExit("whole_process: %s not found (cmake --build %s --target rvtrace_cli guests)" % (rvtrace, a.build))
    tools = (rvtrace, shutil.which("qemu-riscv64"), os.path.join(a.build, "guests"))
    load0, t0 = os.getloadavg()[0], time.time()
    tmp = tempfile.mkdtemp(prefix="rvtrace-bench-")
    rows = []
    try:
        for name, args in guests:
            rows.append((name, measure(name, args, a, tools, tmp)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(table(rows))
    replayed = "the whole trace" if not a.replay_chunks else "the first %d chunks (of 2^18 steps) or the whole trace if shorter" % a.replay_chunks
    print(LEGEND.format(repeat=a.repeat, replayed=replayed))
    print("Arguments (bench_common.hpp): " + "; ".join("%s %s" % (n, " ".join(g)) for n, g in guests))
    for name, m in rows:
        tr = m["translated"]
        print("%s: %d steps, trace %d bytes (%.4f bytes/step, %d chunks); rvtrace run translated %s blocks, %s bytes of x86 in %s s of its %.3f s"
              % (name, m["steps"], m["trace_bytes"], m["trace_bytes"] / max(m["steps"], 1), m["chunks"],
                 tr.get("blocks", "?"), tr.get("code_bytes", "?"), "%.3f" % tr["seconds"] if "seconds" in tr else "?", m["run_s"]))
    print("Machine: %d cores, load average %.1f at the start, %.1f at the end; suite took %.0f s"
          % (os.cpu_count(), load0, os.getloadavg()[0], time.time() - t0))
    print()
    print(ANCHOR)


if __name__ == "__main__":
    sys.exit(main())
