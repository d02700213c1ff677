#!/usr/bin/env python3
"""Recording cost on the memory-heavy guests: whole-process `rvtrace run` (untraced AOT) against
`rvtrace trace -o /dev/shm/...` (AOT trace mode, the file sink), alternated run by run so both see
the same machine load; best of --repeat wall times, the ratio untraced/traced (1.0 = recording is
free; issue 19 asks >= 0.8) and the trace's bytes per step (`rvtrace info`). With --baseline OTHER
(another rvtrace binary, e.g. a build of main) it times that one too, in the same loop.
Usage: python3 bench/record_ratio.py [--build build] [--repeat 5] [--guests sort,malloc,...]
                                     [--rvtrace PATH] [--baseline PATH]"""
import argparse
import os
import re
import subprocess
import time

GUEST_ARGS = {  # ~0.3-0.6 s untraced each: long enough that process start-up is noise
    "sort": ["300000", "1"],
    "malloc": ["6400"],
    "bignum": ["40", "1024"],
    "sha256": ["6000000"],
    "keccak": ["6000000"],
}


def wall(cmd):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        raise SystemExit("record_ratio: %s exited %d" % (" ".join(cmd), r.returncode))
    return time.perf_counter() - t0


def bytes_per_step(rvtrace, trace):
    info = subprocess.run([rvtrace, "info", trace], capture_output=True, text=True).stdout
    m = re.search(r"bytes/step\s+([0-9.]+)", info)
    return m.group(1) if m else "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--rvtrace", default=None, help="the rvtrace binary (default BUILD/bin/rvtrace)")
    ap.add_argument("--baseline", default=None, help="a second rvtrace binary timed in the same loop")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--guests", default=",".join(GUEST_ARGS))
    a = ap.parse_args()
    bins = [("", a.rvtrace or os.path.join(a.build, "bin", "rvtrace"))]
    if a.baseline:
        bins.append(("baseline", a.baseline))
    out = "/dev/shm/record_ratio.%d.rvmt" % os.getpid()
    print("%-8s %-8s %9s %9s %8s %10s" % ("guest", "binary", "run s", "trace s", "ratio", "bytes/step"))
    try:
        for name in a.guests.split(","):
            elf = os.path.join(a.build, "guests", name + "-rv64imac.elf")
            args = GUEST_ARGS.get(name, [])
            best = {(b, k): float("inf") for b, _ in bins for k in ("run", "trace")}
            for _ in range(a.repeat):
                for b, exe in bins:
                    best[b, "run"] = min(best[b, "run"], wall([exe, "run", elf] + args))
                    best[b, "trace"] = min(best[b, "trace"], wall([exe, "trace", "--force", "-o", out, elf] + args))
            for b, exe in bins:
                wall([exe, "trace", "--force", "-o", out, elf] + args)
                print("%-8s %-8s %9.3f %9.3f %8.3f %10s" % (name, b or "this", best[b, "run"], best[b, "trace"],
                                                          best[b, "run"] / best[b, "trace"], bytes_per_step(exe, out)),
                      flush=True)
    finally:
        if os.path.exists(out):
            os.unlink(out)


if __name__ == "__main__":
    main()
