#!/usr/bin/env python3
"""Makes malformed inputs for the CLI's negative tests from a good RISC-V ELF:
text file, truncated ELF, ELF whose first PT_LOAD lies outside guest memory."""
import struct, sys
good, outdir = sys.argv[1], sys.argv[2]
data = bytearray(open(good, 'rb').read())
open(f'{outdir}/text.elf', 'w').write('this is not an ELF file\n')
open(f'{outdir}/truncated.elf', 'wb').write(data[:200])
phoff, = struct.unpack_from('<Q', data, 32)
phentsize, phnum = struct.unpack_from('<HH', data, 54)
for i in range(phnum):
    off = phoff + i * phentsize
    if struct.unpack_from('<I', data, off)[0] == 1:  # PT_LOAD: move it far above 4 GiB
        struct.pack_into('<QQ', data, off + 16, 0x7fff00000000, 0x7fff00000000)
        break
open(f'{outdir}/outside.elf', 'wb').write(data)
