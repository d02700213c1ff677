#!/usr/bin/env python3
"""Whole-process timings, translation included: `rvtrace run` (AOT, translated lazily as the CLI does),
`rvtrace run --engine interp`, `rvtrace trace` (to a file in a temporary directory), qemu-riscv64 and
the native build, on the benchmark guests (bench_common.hpp's arguments); best of --repeat wall times,
and each engine's time as a ratio to qemu's (> 1: faster than qemu). `rvtrace run --stats` adds what
the run translated (regions, x86 bytes, seconds): printed below the table.
Usage: python3 bench/whole_process.py [--build build] [--repeat 5] [--guests keccak,sha256,bytecode]"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

GUEST_ARGS = {"keccak": ["1500000"], "sha256": ["1500000"], "bytecode": ["20000"]}


def best_wall(cmd, repeat):
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t = time.perf_counter() - t0
        if r.returncode != 0:
            raise SystemExit("whole_process: %s exited %d" % (" ".join(cmd), r.returncode))
        best = t if best is None else min(best, t)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--guests", default=",".join(GUEST_ARGS))
    a = ap.parse_args()
    rvtrace = os.path.join(a.build, "bin", "rvtrace")
    guests = os.path.join(a.build, "guests")
    qemu = shutil.which("qemu-riscv64")
    if not os.access(rvtrace, os.X_OK):
        raise SystemExit("whole_process: %s not found (cmake --build %s --target rvtrace guests)" % (rvtrace, a.build))
    tmp = tempfile.mkdtemp()
    rows, notes = [], []
    try:
        for name in a.guests.split(","):
            elf = os.path.join(guests, name + "-rv64imac.elf")
            native = os.path.join(guests, name + "-native")
            args = GUEST_ARGS.get(name, [])
            trace = os.path.join(tmp, name + ".rvmt")
            cmds = {
                "aot": [rvtrace, "run", elf] + args,
                "trace": [rvtrace, "trace", "--force", "-o", trace, elf] + args,
                "interp": [rvtrace, "run", "--engine", "interp", elf] + args,
            }
            if qemu:
                cmds["qemu"] = [qemu, elf] + args
            if os.access(native, os.X_OK):
                cmds["native"] = [native] + args
            t = {k: best_wall(c, a.repeat) for k, c in cmds.items()}
            rows.append((name, t))
            st = subprocess.run([rvtrace, "run", "--stats", elf] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            notes += ["%s: %s" % (name, l) for l in st.stderr.splitlines() if "translated" in l]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    engines = ["native", "aot", "trace", "qemu", "interp"]
    print("%-10s" % "guest" + "".join("%12s" % (e + " s") for e in engines) + "".join("%14s" % (e + "/qemu") for e in ("aot", "trace", "interp")))
    for name, t in rows:
        line = "%-10s" % name + "".join("%12s" % ("%.3f" % t[e] if e in t else "-") for e in engines)
        for e in ("aot", "trace", "interp"):
            line += "%14s" % ("%.2fx" % (t["qemu"] / t[e]) if "qemu" in t else "-")
        print(line)
    print("(x: qemu's wall time / the engine's, > 1 is faster than qemu; best of %d)" % a.repeat)
    for n in notes:
        print(n)


if __name__ == "__main__":
    sys.exit(main())
