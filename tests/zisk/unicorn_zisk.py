"""Whole-program oracle for rvtrace's zisk platform: runs a ZisK-ABI ELF in unicorn (Debian's
python3-unicorn, an independent emulator) with ZisK's memory map, boot registers, UART, public
outputs and exit, its CSR file, and the precompiles, DMA forms and fcalls from zisk_oracle.py
(ABI.md). Prints what `rvtrace run --platform zisk --outputs` prints: the UART bytes, then the 64
public outputs as `ziskemu -c` does; `--steps` adds "zisk steps: N" (ABI.md section 11) on stderr.
Usage: unicorn_zisk.py ELF [--input FILE] [--outputs] [--steps] [--max-steps N]"""
import argparse
import struct
import sys

from unicorn import Uc, UcError, UC_ARCH_RISCV, UC_MODE_RISCV64, UC_HOOK_BLOCK, UC_HOOK_CODE, UC_HOOK_MEM_WRITE
from unicorn import UC_PROT_READ, UC_PROT_WRITE, UC_PROT_EXEC, UC_PROT_ALL
from unicorn import riscv_const as R

import zisk_oracle as O

INPUT_ADDR, RAM, RAM_SIZE, OUTPUT, UART = 0x40000000, 0xA0000000, 0x20000000, 0xA0010000, 0xA0000200
CSR_FILE, EXTRA_PARAMS = 0xA0008000, 0xA0000F00
MARCHID = 0x0FFFEEEE
PAGE = 0x1000
REGS = [getattr(R, "UC_RISCV_REG_X%d" % i) for i in range(32)]
PUSH_WIDTHS = [1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 48, 64, 80, 96, 128, 256]


class Fault(Exception):
    pass


def sections(elf):
    """(addr, size, flags, type, offset) of the ALLOC sections: ZisK loads sections, not segments."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or struct.unpack_from("<H", elf, 18)[0] != 243:
        raise Fault("not a RISC-V ELF64 file")
    entry, = struct.unpack_from("<Q", elf, 24)
    shoff, = struct.unpack_from("<Q", elf, 40)
    shentsize, shnum = struct.unpack_from("<HH", elf, 58)
    out = []
    for i in range(shnum):
        _, typ, flags, addr, off, size = struct.unpack_from("<IIQQQQ", elf, shoff + i * shentsize)
        if flags & 2 and size:
            out.append((addr, size, flags, typ, off))
    return entry, out


def signed12(v):
    return v - (1 << 12) if v & 0x800 else v


class Zisk:
    def __init__(self, elf_bytes, input_bytes, count_steps):
        self.uc = uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV64)
        entry, secs = sections(elf_bytes)
        self.input_len = len(input_bytes)
        # input window: 8 zero bytes, the file, zeros (read-only)
        size = (8 + len(input_bytes) + (1 << 20) + PAGE - 1) & ~(PAGE - 1)
        uc.mem_map(INPUT_ADDR, size, UC_PROT_READ)
        uc.mem_write(INPUT_ADDR + 8, bytes(input_bytes))
        uc.mem_map(RAM, RAM_SIZE, UC_PROT_READ | UC_PROT_WRITE)
        self.code = {}
        rom = [s for s in secs if s[0] < RAM]
        lo = min(s[0] for s in rom) & ~(PAGE - 1)
        hi = (max(s[0] + s[1] for s in rom) + PAGE - 1) & ~(PAGE - 1)
        uc.mem_map(lo, hi - lo, UC_PROT_READ | UC_PROT_EXEC)
        for addr, sz, flags, typ, off in secs:
            data = bytes(sz) if typ == 8 else elf_bytes[off:off + sz]  # NOBITS: zero
            uc.mem_write(addr, data)
            if flags & 4:
                for a in range(addr, addr + sz - 3, 4):
                    self.code[a] = struct.unpack_from("<I", data, a - addr)[0]
        uc.mem_write(CSR_FILE + 8 * 0xF12, struct.pack("<Q", MARCHID))
        uc.mem_write(CSR_FILE + 8 * 0x305, struct.pack("<Q", 0x105C))
        uc.reg_write(R.UC_RISCV_REG_PC, entry)
        uc.reg_write(REGS[1], 0x101C)
        uc.reg_write(REGS[10], INPUT_ADDR)
        uc.reg_write(REGS[11], OUTPUT)
        self.entry = entry
        self.params, self.results, self.cursor = [], [], 0
        self.steps = 6  # BIOS steps before the entry
        self.exited = False
        self.fault = None
        self.mem = O.Mem(self.load, self.store)
        self.out = sys.stdout.buffer
        for a, w in self.code.items():
            if w & 0x7F == 0x73:
                uc.hook_add(UC_HOOK_CODE, self.system, begin=a, end=a)
        uc.hook_add(UC_HOOK_MEM_WRITE, self.uart, begin=UART, end=UART)
        if count_steps:
            # per translated block: its instructions plus their static extra steps (prefix sums);
            # a SYSTEM hook that redirects the pc takes back the block's instructions it skipped
            self.delta = self.static_deltas()
            self.code_lo = min(self.code)
            n = (max(self.code) - self.code_lo) // 4 + 2
            weights = [1] * n
            for a, d in self.delta.items():
                weights[(a - self.code_lo) // 4] += d
            for a in self.code:
                if self.code[a] & 0x7F == 0x73:
                    weights[(a - self.code_lo) // 4] = 0  # counted by the SYSTEM hook itself
            self.prefix = [0]
            for w in weights:
                self.prefix.append(self.prefix[-1] + w)
            self.block_end = None
            uc.hook_add(UC_HOOK_BLOCK, self.count_block)

    # --- memory as precompiles see it (RAM, input, ROM readable; writes only to RAM) ---
    def load(self, a, w):
        try:
            return int.from_bytes(self.uc.mem_read(a, w), "little")
        except UcError:
            raise O.Panic("load from unmapped address %#x" % a)

    def store(self, a, v, w):
        if not (RAM <= a and a + w <= RAM + RAM_SIZE):
            raise O.Panic("store outside RAM at %#x" % a)
        self.uc.mem_write(a, (v & ((1 << (8 * w)) - 1)).to_bytes(w, "little"))

    # bulk forms for the DMA ops (same semantics as zisk_oracle.memmove/memcmp, at unicorn speed)
    def read_bytes(self, a, n):
        try:
            return bytes(self.uc.mem_read(a, n)) if n else b""
        except UcError:
            raise O.Panic("DMA read from unmapped address %#x" % a)

    def write_bytes(self, a, data):
        if data and not (RAM <= a and a + len(data) <= RAM + RAM_SIZE):
            raise O.Panic("DMA write outside RAM at %#x" % a)
        if data:
            self.uc.mem_write(a, data)

    def memmove(self, dst, src, n):
        self.write_bytes(dst, self.read_bytes(src, n))

    def memcmp(self, a, b, n):
        x, y = self.read_bytes(a, n), self.read_bytes(b, n)
        for i in range(n):
            if x[i] != y[i]:
                return (x[i] - y[i]) & O.M64
        return 0

    def x(self, r):
        return self.uc.reg_read(REGS[r]) if r else 0

    def set_x(self, r, v):
        if r:
            self.uc.reg_write(REGS[r], v & O.M64)

    # --- ZisK step accounting (ABI.md section 11): the static per-instruction extra steps ---
    def static_deltas(self):
        d = {}
        for a, w in self.code.items():
            op, rd, f3, rs1, rs2 = w & 0x7F, (w >> 7) & 31, (w >> 12) & 7, (w >> 15) & 31, (w >> 20) & 31
            if op == 0x2F and f3 in (2, 3):  # AMO
                f5 = w >> 27
                overlap = rd in (rs1, rs2)
                if f5 == 2:  # lr
                    continue
                if f5 == 3:  # sc
                    d[a] = 1 if rd else 0
                elif f5 == 1:  # amoswap
                    d[a] = 2 if overlap else 1
                else:
                    d[a] = 3 if overlap else 2
            elif op == 0x67 and signed12(w >> 20) % 4:
                d[a] = 1
        return d

    def weight(self, lo, hi):
        return self.prefix[(hi - self.code_lo) // 4] - self.prefix[(lo - self.code_lo) // 4]

    def count_block(self, uc, addr, size, _):
        self.steps += self.weight(addr, addr + size)
        self.block_end = addr + size

    def uart(self, uc, access, addr, size, value, _):
        if size == 1:
            self.out.write(bytes([value & 0xFF]))

    # --- SYSTEM instructions: everything ZisK gives meaning to ---
    def system(self, uc, pc, size, _):
        try:
            nxt, steps = self.do_system(pc, self.code[pc])
        except O.Panic as e:
            self.fault = "%s at pc %#x" % (e, pc)
            uc.emu_stop()
            return
        if hasattr(self, "delta"):
            self.steps += steps
            if self.block_end is not None and self.block_end > pc + 4:
                self.steps -= self.weight(pc + 4, self.block_end)  # the rest of this block did not run
            self.block_end = None
        if nxt is None:
            uc.emu_stop()
        else:
            uc.reg_write(R.UC_RISCV_REG_PC, nxt)

    def companion(self, pc):
        w = self.code.get(pc + 4, 0)
        return w & 0x7F, (w >> 7) & 31, (w >> 12) & 7, (w >> 15) & 31, (w >> 20) & 31, w >> 25, signed12(w >> 20)

    def do_system(self, pc, w):
        rd, f3, rs1, csr = (w >> 7) & 31, (w >> 12) & 7, (w >> 15) & 31, w >> 20
        if w == 0x00000073:  # ecall
            if self.x(17) == 93:
                self.exited = True
                self.steps += 174
                return None, 1
            self.set_x(1, pc + 4)
            return pc + 4, 3
        if w == 0x00100073:  # ebreak: a no-op in ZisK
            return pc + 4, 1
        if f3 == 0:
            raise O.Panic("reserved SYSTEM instruction %#010x" % w)
        v = self.x(rs1)
        if f3 == 2 and rd == 0 and 0x800 <= csr <= 0x81B and csr != 0x811:
            return self.csr_op(pc, csr, v)
        if f3 == 2 and csr == 0x811 and rd and rd != rs1:
            self.set_x(rd, O.precompile(0x811, v, self.mem))
            return pc + 4, 1
        if f3 == 6 and rd == 0 and csr == 0x816 and rs1 == 2:  # constant memset
            _, _, _, d1, _, _, n = self.companion(pc)
            _, _, _, _, _, _, byte = self.companion(pc + 4)
            for i in range(n):
                self.store(self.x(d1) + i, byte, 1)
            return pc + 12, 1
        if f3 == 2 and rd == 0 and 0x8F0 <= csr <= 0x8FF:
            k = csr - 0x8F0
            add = [v] if k == 0 else [self.load(v + 8 * i, 8) for i in range(PUSH_WIDTHS[k])]
            if len(self.params) + len(add) > 386:
                raise O.Panic("too many fcall parameters")
            self.params += add
            return pc + 4, 1
        if f3 == 5 and rd == 0 and 0x8C0 <= csr <= 0x8DF:
            fid = ((csr - 0x8C0) << 5) + rs1
            self.results = O.fcall(fid, self.params, self.input_len)
            self.params, self.cursor = [], 0
            return pc + 4, 1
        if f3 == 2 and csr == 0xFFE and rs1 == 0:
            if self.cursor >= len(self.results):
                raise O.Panic("fcall result read past the end")
            self.set_x(rd, self.results[self.cursor])
            self.cursor += 1
            return pc + 4, 1
        return self.plain_csr(pc, w, rd, f3, rs1, csr)

    def plain_csr(self, pc, w, rd, f3, rs1, csr):
        cell = CSR_FILE + 8 * csr
        old = self.load(cell, 8)
        src = rs1 if f3 >= 5 else self.x(rs1)  # immediate forms use the uimm field
        kind = f3 & 3
        new = src if kind == 1 else old | src if kind == 2 else old & ~src & O.M64
        if kind == 1 or rs1 != 0:
            self.store(cell, new, 8)
        self.set_x(rd, old)
        extra = 0
        if kind == 1 and f3 == 1 and rd:
            extra = 2 if rd == rs1 else 1
        elif kind == 2 and f3 == 2 and rd and rs1:
            extra = 2 if rd == rs1 else 1
        elif kind == 3 and f3 == 3 and rs1:
            extra = 1 if rd == 0 else 3 if rd == rs1 else 2
        elif f3 >= 5 and rd and (f3 == 5 or rs1):
            extra = 1
        return pc + 4, 1 + extra

    def csr_op(self, pc, csr, v):
        if csr in (0x813, 0x814, 0x815, 0x816):
            op, rd, f3, crs1, crs2, f7, imm = self.companion(pc)
            is_add = op == 0x33 and f3 == 0 and f7 == 0
            is_addi = op == 0x13 and f3 == 0
            if csr == 0x813 and is_add and rd == 0:
                n = self.x(crs2)
                self.store(EXTRA_PARAMS, n, 8)
                self.memmove(self.x(crs1), v, n)
                return pc + 8, 2
            if csr == 0x814 and is_add:
                n = self.x(crs2)
                self.store(EXTRA_PARAMS, n, 8)
                self.set_x(rd, self.memcmp(self.x(crs1), v, n))
                return pc + 8, 2
            if csr in (0x813, 0x814) and is_addi:
                dst = self.x(crs1)
                if csr == 0x813:
                    self.memmove(dst, v, imm)
                    self.set_x(rd, dst)
                else:
                    self.set_x(rd, self.memcmp(dst, v, imm))
                return pc + 8, 1
            if csr == 0x815 and (is_add or is_addi):
                dst = self.x(crs1)
                n = self.x(crs2) if is_add else imm
                if n % 8 or not self.results or self.cursor + n // 8 > len(self.results):
                    raise O.Panic("inputcpy of %d bytes with %d results left" % (n, len(self.results) - self.cursor))
                for i in range(n // 8):
                    self.store(dst + 8 * i, self.results[self.cursor + i], 8)
                self.cursor += n // 8
                self.set_x(rd, dst)
                return pc + 8, 1
            if csr == 0x816 and is_addi and rd == 0:
                self.write_bytes(v, bytes([imm & 0xFF]) * self.x(crs1))
                return pc + 8, 1
            raise O.Panic("DMA CSR %#x without its companion instruction" % csr)
        O.precompile(csr, v, self.mem)
        return pc + 4, 1

    def run(self, max_steps):
        try:
            self.uc.emu_start(self.entry, 0xFFFFFFFFFFFFFFFF, count=max_steps)
        except UcError as e:
            pc = self.uc.reg_read(R.UC_RISCV_REG_PC)
            self.fault = "unicorn: %s at pc %#x" % (e, pc)

    def outputs(self):
        return [struct.unpack("<I", self.uc.mem_read(OUTPUT + 4 * i, 4))[0] for i in range(64)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("elf")
    ap.add_argument("--input")
    ap.add_argument("--outputs", action="store_true")
    ap.add_argument("--steps", action="store_true")
    ap.add_argument("--max-steps", type=int, default=0)
    a = ap.parse_args()
    data = open(a.input, "rb").read() if a.input else b""
    if len(data) % 8:
        print("unicorn_zisk: input size must be a multiple of 8", file=sys.stderr)
        sys.exit(120)
    z = Zisk(open(a.elf, "rb").read(), data, a.steps)
    z.run(a.max_steps)
    sys.stdout.flush()
    if a.outputs:
        for v in z.outputs():
            sys.stdout.buffer.write(b"%08x\n" % v)
    sys.stdout.flush()
    if a.steps:
        print("zisk steps: %d" % z.steps, file=sys.stderr)
    if z.fault or not z.exited:
        print("unicorn_zisk: %s" % (z.fault or "did not exit"), file=sys.stderr)
        sys.exit(121)


if __name__ == "__main__":
    main()
