"""Minimal static RISC-V ELF64 executables for tests (ELF layout from the ELF-64 spec)."""
import struct


def make_elf(segments, entry):
    """segments: list of (vaddr, flags 'rx'/'rw'/'r', bytes, memsz). Returns the file bytes."""
    phoff, ehsize, phentsize = 64, 64, 56
    data_at = phoff + phentsize * len(segments)
    data_at = (data_at + 15) & ~15
    body, phdrs, offset = b'', b'', data_at
    for vaddr, flags, code, memsz in segments:
        pf = (4 if 'r' in flags else 0) | (2 if 'w' in flags else 0) | (1 if 'x' in flags else 0)
        phdrs += struct.pack('<IIQQQQQQ', 1, pf, offset, vaddr, vaddr, len(code), max(memsz, len(code)), 16)
        body += code
        offset += len(code)
    ident = b'\x7fELF' + bytes([2, 1, 1, 0]) + b'\0' * 8
    ehdr = ident + struct.pack('<HHIQQQIHHHHHH', 2, 243, 1, entry, phoff, 0, 0, ehsize, phentsize,
                               len(segments), 64, 0, 0)
    out = ehdr + phdrs
    return out + b'\0' * (data_at - len(out)) + body


JAL_SELF = struct.pack('<I', 0x0000006f)   # j . (loops forever, 1 step per iteration)


def loop_forever(path):
    open(path, 'wb').write(make_elf([(0x10000, 'rx', JAL_SELF, 4)], 0x10000))


def huge_exec_span(path, span=1 << 30):
    """8 KiB file, executable segment of `span` bytes (its memsz)."""
    code = JAL_SELF + b'\0' * (8192 - 512)
    open(path, 'wb').write(make_elf([(0x10000, 'rx', code, span)], 0x10000))


def far_apart_exec(path, gap=64 << 20):
    """Two tiny executable segments `gap` bytes apart."""
    open(path, 'wb').write(make_elf([(0x10000, 'rx', JAL_SELF, 4), (0x10000 + gap, 'rx', JAL_SELF, 4)], 0x10000))
