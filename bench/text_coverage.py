"""How much of a ZisK guest's text a run executes, per lazy-translation region size: runs the ELF in
the unicorn model of tests/zisk (an independent emulator) with a block hook and prints, for each region
size, the regions a run enters (what `TranslateOptions{lazy, region_bytes}` translates) out of all.
--pcs FILE writes the start address of every 256-byte piece of text the run entered, one per line
(hex), for bench_translate's RVTRACE_TRANSLATE_PCS (the translation that run needs).
Usage: /usr/bin/python3 bench/text_coverage.py ELF [--input FILE] [--pcs FILE]   (minutes: a Python hook per block)"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "zisk"))
import unicorn_zisk as Z  # noqa: E402

GRAIN = 256  # bytes: the smallest region size reported


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("elf")
    ap.add_argument("--input")
    ap.add_argument("--pcs")
    a = ap.parse_args()
    z = Z.Zisk(open(a.elf, "rb").read(), open(a.input, "rb").read() if a.input else b"", False)
    seen = set()
    z.uc.hook_add(Z.UC_HOOK_BLOCK, lambda uc, addr, size, _: seen.update(range(addr // GRAIN, (addr + size - 1) // GRAIN + 1)))
    z.run(0)
    text = [s for s in Z.sections(open(a.elf, "rb").read())[1] if s[2] & 4]  # SHF_EXECINSTR
    t_lo = min(s[0] for s in text)
    t_hi = max(s[0] + s[1] for s in text)
    print("text: %d bytes at %#x; run %s" % (t_hi - t_lo, t_lo, "exited" if z.exited else "stopped: %s" % z.fault))
    if a.pcs:
        with open(a.pcs, "w") as f:
            for g in sorted(seen):
                if t_lo <= g * GRAIN < t_hi:
                    f.write("%#x\n" % (g * GRAIN))
    for r in (GRAIN, 1024, 4096, 16384, 65536):
        total = (t_hi - t_lo + r - 1) // r
        entered = {((g * GRAIN) - t_lo) // r for g in seen if t_lo <= g * GRAIN < t_hi}
        print("region %6d bytes: %5d of %5d regions entered (%.1f%% of the text)" % (r, len(entered), total, 100.0 * len(entered) / total))


if __name__ == "__main__":
    main()
