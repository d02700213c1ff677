#!/usr/bin/env python3
"""RVTRACE_PERF_MAP=1 (aot/perf_map.hpp): `rvtrace trace` and `rvtrace run` write /tmp/perf-PID.map,
one "START SIZE name" line per piece of translated code. Checks the format, that pieces do not
overlap, that the guest's `main` (its address from riscv64-unknown-elf-nm, not from rvtrace) is
named as a block, that trace mode names its first-touch routines, and that without the variable no
map is written. Usage: test_perf_map.py RVTRACE GUEST_DIR WORKDIR"""
import os
import re
import shutil
import subprocess
import sys

cli, guests, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
elf = os.path.join(guests, "sort-rv64imac.elf")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(env_on, *args):
    env = dict(os.environ)
    env.pop("RVTRACE_PERF_MAP", None)
    if env_on:
        env["RVTRACE_PERF_MAP"] = "1"
    p = subprocess.Popen([cli, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    p.wait()
    path = "/tmp/perf-%d.map" % p.pid
    lines = None
    if os.path.exists(path):
        with open(path) as f:
            lines = f.read().splitlines()
        os.unlink(path)
    return p.returncode, lines


nm = shutil.which("riscv64-unknown-elf-nm")
if not nm:
    print("riscv64-unknown-elf-nm not found: skipped")
    sys.exit(77)
main_pc = None
for line in subprocess.run([nm, elf], capture_output=True, text=True, check=True).stdout.splitlines():
    f = line.split()
    if len(f) == 3 and f[2] == "main":
        main_pc = int(f[0], 16)
check(main_pc is not None, "nm finds main in " + elf)

trace = os.path.join(work, "sort.rvmt")
for mode, args in (("trace", ["trace", "--force", "-o", trace, elf, "80"]), ("run", ["run", elf, "80"])):
    rc, lines = run(True, *args)
    check(rc == 0 and lines, mode + ": exits 0 and writes /tmp/perf-PID.map")
    if not lines:
        continue
    pieces = []
    good = True
    for line in lines:
        m = re.fullmatch(r"([0-9a-f]+) ([0-9a-f]+) (rv:.+)", line)
        good = good and m is not None
        if m:
            pieces.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3)))
    check(good, mode + ": every line is 'START SIZE rv:name' (hex)")
    pieces.sort()
    check(all(s > 0 for _, s, _ in pieces) and all(a + s <= b for (a, s, _), (b, _, _) in zip(pieces, pieces[1:])),
          mode + ": pieces have a size and do not overlap")
    names = {n for _, _, n in pieces}
    check(main_pc is not None and "rv:0x%x" % main_pc in names, mode + ": main's block is named rv:0x%x" % (main_pc or 0))
    check(("rv:first touch" in names) == (mode == "trace"), mode + ": first-touch routines named in trace mode only")
    check("rv:glue" in names, mode + ": the runtime glue is named")

rc, lines = run(False, "run", elf, "80")
check(rc == 0 and lines is None, "without RVTRACE_PERF_MAP no map is written")
sys.exit(1 if failures else 0)
