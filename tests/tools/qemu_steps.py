#!/usr/bin/env python3
"""Per-step differential comparison of an rvtrace witness against qemu-riscv64.

qemu log (qemu 7.2; the option is -singlestep, newer qemu calls it -one-insn-per-tb):
    qemu-riscv64 -singlestep -d cpu,nochain -D LOG ELF ARGS...
Every record is the CPU state *before* one instruction executes:
     pc       0000000000010000
     x0/zero  0000000000000000 x1/ra    ... (8 lines, 4 registers each)
The ecall of the final exit appears as the last record (it is a retired step for rvtrace too).
A faulting instruction also appears as the last record but is not retired: use --fault.

Witness (one line per retired instruction, produced by the engine):
    STEP PC INSN[ xRD=VALUE]
    12 0000000000010074 00a585b3 x11=0000000000000007
STEP decimal from 0, PC 16 hex digits, INSN 8 hex digits (4 for a compressed instruction),
the register write present when rd != x0.

Checks: same number of steps, identical pc at every step, INSN equal to the ELF bytes at PC,
and from the first step whose pc is the symbol `main` (--sync-symbol) on, every register the
witness has written so far equals qemu's dump at that step (registers the witness never wrote
are unknown and skipped).  First mismatch -> message, exit 1.  Success -> "N steps compared".

Usage:
    qemu_steps.py ELF QEMU_LOG WITNESS [--fault] [--sync-symbol main] [--no-insn-check]
    qemu_steps.py --witness-from-qemu ELF QEMU_LOG -o WITNESS    (derive a witness from qemu)
    qemu_steps.py --selftest-from-qemu ELF QEMU_LOG [OTHER_QEMU_LOG]
        derives a witness from QEMU_LOG, checks that it passes against OTHER_QEMU_LOG (default:
        the same log), then that a corrupted register value, a corrupted pc and a dropped step
        are each detected.
"""
import argparse
import re
import struct
import sys

ABI = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
       "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
       "t5", "t6"]


def rname(r):
    return "x%d/%s" % (r, ABI[r])


# ----------------------------------------------------------------------------- ELF
class Elf:
    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = data = f.read()
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit("%s: not a little-endian ELF64 file" % path)
        (e_phoff, e_shoff) = struct.unpack_from("<QQ", data, 0x20)
        (e_phentsize, e_phnum, e_shentsize, e_shnum) = struct.unpack_from("<HHHH", data, 0x36)
        self.segments = []  # (vaddr, filesz, offset)
        for i in range(e_phnum):
            p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz, _memsz, _align = struct.unpack_from(
                "<IIQQQQQQ", data, e_phoff + i * e_phentsize)
            if p_type == 1:
                self.segments.append((p_vaddr, p_filesz, p_offset))
        self.symbols = {}
        secs = [struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
        for s in secs:
            if s[1] == 2:  # SHT_SYMTAB
                strtab = secs[s[6]]
                stroff = strtab[4]
                for k in range(s[5] // 24):
                    st_name, st_info, _other, st_shndx, st_value, _size = struct.unpack_from(
                        "<IBBHQQ", data, s[4] + k * 24)
                    if st_name and st_shndx != 0:
                        end = data.index(b"\0", stroff + st_name)
                        name = data[stroff + st_name:end].decode()
                        if (st_info >> 4) == 1 or name not in self.symbols:  # prefer GLOBAL
                            self.symbols[name] = st_value

    def read(self, addr, n):
        for vaddr, filesz, off in self.segments:
            if vaddr <= addr and addr + n <= vaddr + filesz:
                return self.data[off + addr - vaddr: off + addr - vaddr + n]
        return None

    def insn_text(self, pc):
        """Instruction at pc as the witness spells it: 8 hex digits, or 4 if compressed."""
        b = self.read(pc, 2)
        if b is None:
            return None
        lo = b[0] | b[1] << 8
        if lo & 3 != 3:
            return "%04x" % lo
        b = self.read(pc, 4)
        if b is None:
            return None
        return "%08x" % struct.unpack("<I", b)[0]


# ----------------------------------------------------------------------------- qemu log
_REC = re.compile(r"^ pc\s+([0-9a-fA-F]+)[ \t]*$", re.M)
_REG = re.compile(r"x(\d+)/\w+\s+([0-9a-fA-F]+)")


def parse_qemu(path):
    """Returns (pcs, regs): pcs[i] int, regs[i] list of 32 ints (state before step i)."""
    with open(path, "r", errors="replace") as f:
        text = f.read()
    marks = [(m.start(), int(m.group(1), 16)) for m in _REC.finditer(text)]
    pcs, regs = [], []
    for i, (start, pc) in enumerate(marks):
        end = marks[i + 1][0] if i + 1 < len(marks) else len(text)
        vals = [None] * 32
        for m in _REG.finditer(text, start, end):
            r = int(m.group(1))
            if r < 32 and vals[r] is None:
                vals[r] = int(m.group(2), 16)
        if any(v is None for v in vals):
            raise SystemExit("%s: record %d (pc %016x) has an incomplete register dump" % (path, i, pc))
        pcs.append(pc)
        regs.append(vals)
    if not pcs:
        raise SystemExit("%s: no ' pc' records (was it made with -d cpu,nochain -singlestep?)" % path)
    return pcs, regs


# ----------------------------------------------------------------------------- witness
_WLINE = re.compile(r"^(\d+) ([0-9a-fA-F]{1,16}) ([0-9a-fA-F]{4}|[0-9a-fA-F]{8})(?: x(\d+)=([0-9a-fA-F]{1,16}))?\s*$")


def parse_witness_lines(lines, name="witness"):
    """Returns list of (step, pc, insn_text, rd or None, value or None)."""
    out = []
    for ln, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = _WLINE.match(line)
        if not m:
            raise SystemExit("%s:%d: malformed witness line: %r" % (name, ln, line.rstrip()))
        rd = int(m.group(4)) if m.group(4) is not None else None
        if rd is not None and not 0 < rd < 32:
            raise SystemExit("%s:%d: bad register x%d" % (name, ln, rd))
        out.append((int(m.group(1)), int(m.group(2), 16), m.group(3).lower(), rd,
                    int(m.group(5), 16) if rd is not None else None))
    return out


def witness_from_qemu(elf, pcs, regs):
    lines = []
    for i, pc in enumerate(pcs):
        insn = elf.insn_text(pc) or "00000000"
        w = ""
        if i + 1 < len(pcs):
            changed = [r for r in range(1, 32) if regs[i][r] != regs[i + 1][r]]
            if len(changed) > 1:
                raise SystemExit("step %d pc %016x: qemu shows %d registers changing (%s)" % (
                    i, pc, len(changed), ", ".join(rname(r) for r in changed)))
            if changed:
                w = " x%d=%016x" % (changed[0], regs[i + 1][changed[0]])
        lines.append("%d %016x %s%s" % (i, pc, insn, w))
    return lines


# ----------------------------------------------------------------------------- compare
def compare(elf, pcs, regs, wit, sync_symbol="main", fault=False, insn_check=True, out=sys.stdout):
    """Returns (ok, message)."""
    n_q = len(pcs) - (1 if fault else 0)
    if fault and len(pcs) < 1:
        return False, "qemu log is empty"
    sync_pc = elf.symbols.get(sync_symbol)
    if sync_pc is None:
        return False, "symbol %r not found in the ELF" % sync_symbol
    known = [None] * 32
    known[0] = 0
    syncing = False
    compared = 0
    n = min(n_q, len(wit))
    for i in range(n):
        step, wpc, insn, rd, val = wit[i]
        if step != i:
            return False, "witness line %d has step number %d (expected %d)" % (i + 1, step, i)
        qpc = pcs[i]
        if wpc != qpc:
            prev = "" if i == 0 else " (previous pc %016x)" % pcs[i - 1]
            return False, "step %d: pc mismatch: witness %016x, qemu %016x%s" % (i, wpc, qpc, prev)
        if insn_check:
            e = elf.insn_text(wpc)
            if e is not None and e != insn:
                return False, "step %d pc %016x: witness insn %s, ELF has %s" % (i, wpc, insn, e)
        if not syncing and qpc == sync_pc:
            syncing = True
        if syncing:
            q = regs[i]
            for r in range(1, 32):
                k = known[r]
                if k is not None and k != q[r]:
                    return False, ("step %d pc %016x: register %s mismatch: witness %016x, qemu %016x"
                                   % (i, qpc, rname(r), k, q[r]))
            compared += 1
        if rd is not None:
            known[rd] = val
    if len(wit) != n_q:
        return False, ("step count mismatch: witness %d steps, qemu %d%s (pcs equal up to step %d)"
                       % (len(wit), n_q, " retired (fault record dropped)" if fault else "", n))
    if not syncing:
        return False, "the pc never reached %s (%016x)" % (sync_symbol, sync_pc)
    return True, "%d steps compared (%d pcs, registers from %s on)" % (compared, n, sync_symbol)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--witness-from-qemu", action="store_true")
    ap.add_argument("--selftest-from-qemu", action="store_true")
    ap.add_argument("-o", "--output")
    ap.add_argument("--fault", action="store_true",
                    help="the qemu log ends with a faulting (not retired) instruction")
    ap.add_argument("--sync-symbol", default="main")
    ap.add_argument("--no-insn-check", action="store_true")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    def qemu_witness():
        """The ELF, qemu's records and the witness lines derived from them (fault record dropped)."""
        elf = Elf(a.files[0])
        pcs, regs = parse_qemu(a.files[1])
        lines = witness_from_qemu(elf, pcs, regs)
        return elf, pcs, regs, (lines[:-1] if a.fault else lines)

    if a.witness_from_qemu:
        if len(a.files) != 2:
            ap.error("--witness-from-qemu ELF QEMU_LOG -o WITNESS")
        _, _, _, lines = qemu_witness()
        f = open(a.output, "w") if a.output else sys.stdout
        f.write("\n".join(lines) + "\n")
        return 0

    if a.selftest_from_qemu:
        if len(a.files) not in (2, 3):
            ap.error("--selftest-from-qemu ELF QEMU_LOG [OTHER_QEMU_LOG]")
        elf, pcs, regs, lines = qemu_witness()
        wit = parse_witness_lines(lines)
        if len(a.files) == 3:
            pcs2, regs2 = parse_qemu(a.files[2])
        else:
            pcs2, regs2 = pcs, regs
        kw = dict(sync_symbol=a.sync_symbol, fault=a.fault, insn_check=not a.no_insn_check)
        ok, msg = compare(elf, pcs2, regs2, wit, **kw)
        print("derived witness vs %s: %s" % (a.files[-1], msg))
        if not ok:
            return 1
        bad = 0
        sync_pc = elf.symbols[a.sync_symbol]
        first = pcs.index(sync_pc)
        # 1) corrupt one register value written after main
        cands = [i for i in range(first, len(wit) - 1) if wit[i][3] is not None]
        idx = cands[len(cands) // 2] if cands else None
        if idx is not None:
            w2 = list(wit)
            s, p, ins, rd, v = w2[idx]
            w2[idx] = (s, p, ins, rd, v ^ 0x10)
            ok2, msg2 = compare(elf, pcs2, regs2, w2, **kw)
            print("corrupted x%d at step %d: %s -> %s" % (rd, idx, "detected" if not ok2 else "MISSED", msg2))
            bad += ok2
        # 2) corrupt one pc
        j = len(wit) // 2
        w2 = list(wit)
        s, p, ins, rd, v = w2[j]
        w2[j] = (s, p + 4, ins, rd, v)
        ok2, msg2 = compare(elf, pcs2, regs2, w2, **kw)
        print("corrupted pc at step %d: %s -> %s" % (j, "detected" if not ok2 else "MISSED", msg2))
        bad += ok2
        # 3) drop the last step
        ok2, msg2 = compare(elf, pcs2, regs2, wit[:-1], **kw)
        print("dropped last step: %s -> %s" % ("detected" if not ok2 else "MISSED", msg2))
        bad += ok2
        print("selftest %s" % ("FAILED" if bad else "passed"))
        return 1 if bad else 0

    if len(a.files) != 3:
        ap.error("ELF QEMU_LOG WITNESS")
    elf = Elf(a.files[0])
    pcs, regs = parse_qemu(a.files[1])
    with open(a.files[2]) as f:
        wit = parse_witness_lines(f, a.files[2])
    ok, msg = compare(elf, pcs, regs, wit, sync_symbol=a.sync_symbol, fault=a.fault,
                      insn_check=not a.no_insn_check)
    print(msg if ok else "MISMATCH: " + msg)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
