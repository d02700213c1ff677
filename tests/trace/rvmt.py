"""Reader/writer of .rvmt minimal-trace files, written from docs/trace-format.md (not from the C++):
WordHash, the header, the chunk index and the checksums. Used to forge traces for verify's tests."""
import struct

M64 = (1 << 64) - 1
P1, P2, P3, P4, P5 = (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                      0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5)


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M64


def _round(w):
    return (_rotl((w * P2) & M64, 31) * P1) & M64


class WordHash:
    """XXH64's round and avalanche on whole words, one lane per word (the definition in the doc)."""

    def __init__(self, seed=0):
        self.acc = (seed + P5) & M64
        self.n = 0

    def add(self, w):
        self.acc ^= _round(w & M64)
        self.acc = (_rotl(self.acc, 27) * P1 + P4) & M64
        self.n += 1

    def add_span(self, ws):
        """A run of words at once (the chunk checksum's log words): four lanes, words i mod 4, folded
        into the accumulator (even for fewer than 4 words), then the remaining words one by one."""
        acc = self.acc
        a, b, c, d = acc, acc ^ P3, (acc + P2) & M64, (acc - P1) & M64
        full = len(ws) // 4 * 4
        for i in range(0, full, 4):
            a = (_rotl(a ^ _round(ws[i]), 27) * P1 + P4) & M64
            b = (_rotl(b ^ _round(ws[i + 1]), 27) * P1 + P4) & M64
            c = (_rotl(c ^ _round(ws[i + 2]), 27) * P1 + P4) & M64
            d = (_rotl(d ^ _round(ws[i + 3]), 27) * P1 + P4) & M64
        self.acc = a ^ ((_rotl(b, 31) * P2) & M64) ^ ((_rotl(c, 17) * P3) & M64) ^ ((_rotl(d, 41) * P5) & M64)
        self.n += full
        for w in ws[full:]:
            self.add(w)

    def digest(self):
        h = (self.acc + self.n * 8) & M64
        h ^= h >> 33
        h = (h * P2) & M64
        h ^= h >> 29
        h = (h * P3) & M64
        h ^= h >> 32
        return h


def word_hash(words, seed):
    h = WordHash(seed)
    for w in words:
        h.add(w)
    return h.digest()


def byte_stream_hash(data, seed):
    """Bytes as little-endian words, the last zero-padded, then the byte count."""
    h = WordHash(seed)
    padded = data + b'\0' * (-len(data) % 8)
    for i in range(0, len(padded), 8):
        h.add(struct.unpack_from('<Q', padded, i)[0])
    h.add(len(data))
    return h.digest()


HEADER_SEED = 0x52564d5448445231   # "RVMTHDR1"
INDEX_SEED = 0x52564d5449445831    # "RVMTIDX1"
CHUNK_SEED = 0x52564d5443484b31    # "RVMTCHK1"
INPUT_SEED = 0x52564d54494e5031    # "RVMTINP1"
HEADER_WORDS, CHECKPOINT_WORDS = 32, 37
# Header word numbers.
(MAGIC_VERSION, SIZES, CHUNK_STEPS, TOTAL_STEPS, NUM_CHUNKS, LOG_WORDS, STOP, FAULT_PC, FAULT_ADDR,
 PROGRAM_HASH, LOG_OFFSET, INDEX_OFFSET, FILE_SIZE, INDEX_CHECKSUM, ARGS_HASH, INPUT_HASH, INPUT_BYTES,
 PLATFORM, _, ISA) = range(20)
HEADER_CHECKSUM = 31
# Checkpoint word numbers: 0 step, 1 pc, 2..32 x1..x31, 33 reservation, 34 log offset, 35 log words, 36 checksum.
CP_STEP, CP_PC, CP_RES, CP_LOG_OFFSET, CP_LOG_WORDS, CP_CHECKSUM = 0, 1, 33, 34, 35, 36
STOP_EXITED, STOP_EBREAK, STOP_FAULT, STOP_LIMIT = 0, 1, 2, 3
FAULT_ILLEGAL = 0


def cp_reg(r):
    """Checkpoint word of register x<r> (r >= 1)."""
    return 1 + r


class Trace:
    def __init__(self, header, log, checkpoints):
        self.h, self.log, self.cps = header, log, checkpoints

    @staticmethod
    def read(path):
        data = open(path, 'rb').read()
        h = list(struct.unpack_from('<%dQ' % HEADER_WORDS, data, 0))
        n_log, n_chunks = h[LOG_WORDS], h[NUM_CHUNKS]
        log = list(struct.unpack_from('<%dQ' % n_log, data, h[LOG_OFFSET]))
        cps = [list(struct.unpack_from('<%dQ' % CHECKPOINT_WORDS, data, h[INDEX_OFFSET] + 8 * CHECKPOINT_WORDS * i))
               for i in range(n_chunks + 1)]
        return Trace(h, log, cps)

    def chunk_log(self, i):
        c = self.cps[i]
        return self.log[c[CP_LOG_OFFSET]:c[CP_LOG_OFFSET] + c[CP_LOG_WORDS]]

    def write(self, path):
        """Writes the trace with every size, offset and checksum recomputed (a valid file)."""
        h = list(self.h)
        h[NUM_CHUNKS] = len(self.cps) - 1
        h[LOG_WORDS] = len(self.log)
        h[LOG_OFFSET] = 8 * HEADER_WORDS
        h[INDEX_OFFSET] = 8 * HEADER_WORDS + 8 * len(self.log)
        h[FILE_SIZE] = h[INDEX_OFFSET] + 8 * CHECKPOINT_WORDS * len(self.cps)
        offset = 0
        for i, c in enumerate(self.cps):
            c[CP_LOG_OFFSET] = offset
            if i + 1 == len(self.cps):
                c[CP_LOG_WORDS] = 0
            offset += c[CP_LOG_WORDS]
            h_chunk = WordHash(CHUNK_SEED)
            for w in c[:CP_CHECKSUM]:
                h_chunk.add(w)
            h_chunk.add_span(self.log[c[CP_LOG_OFFSET]:offset])
            c[CP_CHECKSUM] = h_chunk.digest()
        index = [w for c in self.cps for w in c]
        h[INDEX_CHECKSUM] = word_hash(index, INDEX_SEED)
        h[HEADER_CHECKSUM] = word_hash(h[:HEADER_CHECKSUM], HEADER_SEED)
        with open(path, 'wb') as f:
            f.write(struct.pack('<%dQ' % HEADER_WORDS, *h))
            f.write(struct.pack('<%dQ' % len(self.log), *self.log))
            f.write(struct.pack('<%dQ' % len(index), *index))


def set_identifier(h, word, text):
    b = text.encode().ljust(16, b'\0')
    h[word], h[word + 1] = struct.unpack('<QQ', b)


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & M64
    return h
