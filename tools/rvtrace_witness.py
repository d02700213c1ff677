#!/usr/bin/env python3
"""Reads rvtrace's binary witness (`rvtrace replay --policy witness -o W.bin`) into numpy arrays;
format: docs/witness.md. Needs numpy (Debian: python3-numpy, for /usr/bin/python3).

  import rvtrace_witness as rw
  w = rw.read("W.bin")       # dict: column name -> numpy.uint64 array (one row per step), "step"
  w["pc"][0], w["insn"], ...

  tools/rvtrace_witness.py W.bin [--head N]      prints rows as text (STEP then the 12 columns)
  tools/rvtrace_witness.py W.bin --check-text T  checks it against a text witness (`rvtrace witness`)
"""
import sys

import numpy as np

MAGIC = 0x54575652  # "RVWT"
VERSION = 1
COLUMNS = ["pc", "insn", "rs1_value", "rs2_value", "rd", "rd_value", "imm", "mem_addr", "mem_flags",
           "load_value", "store_value", "next_pc"]
GROUP_ROWS = 65536


def read(path):
    """Returns {"step": uint64 array, column: uint64 array, ...}; raises ValueError on a bad file."""
    raw = np.fromfile(path, dtype="<u8")
    if raw.size < 2 or (int(raw[0]) & 0xFFFFFFFF) != MAGIC:
        raise ValueError(f"{path}: not an rvtrace binary witness")
    if int(raw[0]) >> 32 != VERSION or int(raw[1]) != len(COLUMNS):
        raise ValueError(f"{path}: version {int(raw[0]) >> 32} with {int(raw[1])} columns (expected {VERSION}, {len(COLUMNS)})")
    at, groups, steps = 2, {c: [] for c in COLUMNS}, []
    next_step = None
    while at < raw.size:
        if at + 2 > raw.size:
            raise ValueError(f"{path}: truncated group header at word {at}")
        first, rows = int(raw[at]), int(raw[at + 1])
        at += 2
        if rows == 0 or rows > GROUP_ROWS or at + rows * len(COLUMNS) > raw.size:
            raise ValueError(f"{path}: bad or truncated group of {rows} rows at step {first}")
        if next_step is not None and first != next_step:
            raise ValueError(f"{path}: group starts at step {first}, expected {next_step}")
        for c in COLUMNS:
            groups[c].append(raw[at:at + rows])
            at += rows
        steps.append(np.arange(first, first + rows, dtype=np.uint64))
        next_step = first + rows
    out = {c: (np.concatenate(v) if v else np.zeros(0, np.uint64)) for c, v in groups.items()}
    out["step"] = np.concatenate(steps) if steps else np.zeros(0, np.uint64)
    return out


def read_text(path):
    """The text witness (`rvtrace witness`): STEP PC INSN [xRD=VALUE] -> dict of numpy arrays
    (step, pc, insn, rd, rd_value; rd = 0 and rd_value = 0 when the line has no register)."""
    step, pc, insn, rd, val = [], [], [], [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            step.append(int(parts[0]))
            pc.append(int(parts[1], 16))
            insn.append(int(parts[2], 16))
            if len(parts) > 3:
                r, v = parts[3][1:].split("=")
                rd.append(int(r))
                val.append(int(v, 16))
            else:
                rd.append(0)
                val.append(0)
    return {k: np.array(v, dtype=np.uint64) for k, v in
            (("step", step), ("pc", pc), ("insn", insn), ("rd", rd), ("rd_value", val))}


def check_text(w, t):
    """Compares a binary witness with a text witness of the same run; returns a list of problems."""
    problems = []
    if w["step"].size != t["step"].size:
        return [f"{w['step'].size} binary rows, {t['step'].size} text lines"]
    for c in ("step", "pc", "insn", "rd", "rd_value"):
        bad = np.nonzero(w[c] != t[c])[0]
        if bad.size:
            i = int(bad[0])
            problems.append(f"{c} differs in {bad.size} rows, first at step {int(t['step'][i])}: "
                            f"binary {int(w[c][i]):#x}, text {int(t[c][i]):#x}")
    # next_pc of each row is the next row's pc.
    bad = np.nonzero(w["next_pc"][:-1] != w["pc"][1:])[0]
    if bad.size:
        problems.append(f"next_pc is not the next row's pc at step {int(w['step'][int(bad[0])])}")
    return problems


def main(argv):
    if len(argv) < 2 or argv[1].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 120
    try:
        w = read(argv[1])
        if "--check-text" in argv:
            problems = check_text(w, read_text(argv[argv.index("--check-text") + 1]))
            for p in problems:
                print(f"rvtrace_witness.py: {p}", file=sys.stderr)
            if not problems:
                print(f"OK: {w['step'].size} rows match the text witness")
            return 1 if problems else 0
        n = int(argv[argv.index("--head") + 1]) if "--head" in argv else w["step"].size
        print("step " + " ".join(COLUMNS))
        for i in range(min(n, w["step"].size)):
            print(int(w["step"][i]), " ".join(f"{int(w[c][i]):x}" for c in COLUMNS))
        return 0
    except (OSError, ValueError, IndexError) as e:
        print(f"rvtrace_witness.py: {e}", file=sys.stderr)
        return 120


if __name__ == "__main__":
    sys.exit(main(sys.argv))
