#!/usr/bin/env python3
"""Reads and checks .rvmt minimal-trace files, written from docs/trace-format.md alone.

  tools/rvmt.py info  T.rvmt          header fields and how the run stopped (--json: as JSON)
  tools/rvmt.py check T.rvmt          every checksum (header, index, each chunk) and the layout

As a module: `Trace(path)` gives .header (dict), .checkpoints (list of dicts), .log (list of int)
and .check() (raises ValueError naming the first bad part). Pure Python: slow for big logs
(~1 M words/s), meant for tools and tests, not for replaying.
"""
import json
import struct
import sys

M64 = (1 << 64) - 1
P1, P2, P3, P4, P5 = (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                      0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5)
HEADER_SEED = 0x52564D5448445231  # "RVMTHDR1"
INDEX_SEED = 0x52564D5449445831   # "RVMTIDX1"
CHUNK_SEED = 0x52564D5443484B31   # "RVMTCHK1"
HEADER_FIELDS = ["magic_version", "sizes", "chunk_steps", "total_steps", "num_chunks", "log_words",
                 "stop", "fault_pc", "fault_addr", "program_hash", "log_offset", "index_offset",
                 "file_size", "index_checksum", "args_hash", "input_hash", "input_bytes",
                 "platform_0", "platform_1", "isa_0", "isa_1"] + [f"reserved_{i}" for i in range(21, 31)] + [
                 "header_checksum"]
HEADER_WORDS = 32  # format version 3: a 256-byte header
CHECKPOINT_WORDS = 37
STOPS = {0: "exited", 1: "ebreak", 2: "fault", 3: "step limit"}


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M64


def round_(w):
    return (rotl((w * P2) & M64, 31) * P1) & M64


class WordHash:
    """The trace checksum (docs/trace-format.md, "Checksums"): XXH64's round and avalanche
    over whole 64-bit words, with a one-word step (add_word) and a four-lane step (add_words)."""

    def __init__(self, seed):
        self.acc = (seed + P5) & M64
        self.n = 0

    def add_word(self, w):
        self.acc ^= round_(w)
        self.acc = (rotl(self.acc, 27) * P1 + P4) & M64
        self.n += 1

    def add_words(self, ws):
        a = self.acc
        b = self.acc ^ P3
        c = (self.acc + P2) & M64
        d = (self.acc - P1) & M64
        full = len(ws) // 4 * 4
        for i in range(0, full, 4):
            a = (rotl(a ^ round_(ws[i]), 27) * P1 + P4) & M64
            b = (rotl(b ^ round_(ws[i + 1]), 27) * P1 + P4) & M64
            c = (rotl(c ^ round_(ws[i + 2]), 27) * P1 + P4) & M64
            d = (rotl(d ^ round_(ws[i + 3]), 27) * P1 + P4) & M64
        self.acc = (a ^ ((rotl(b, 31) * P2) & M64) ^ ((rotl(c, 17) * P3) & M64) ^ ((rotl(d, 41) * P5) & M64))
        self.n += full
        for w in ws[full:]:
            self.add_word(w)

    def digest(self):
        h = (self.acc + self.n * 8) & M64
        h ^= h >> 33
        h = (h * P2) & M64
        h ^= h >> 29
        h = (h * P3) & M64
        h ^= h >> 32
        return h


def words_hash(seed, words):
    h = WordHash(seed)
    for w in words:
        h.add_word(w)
    return h.digest()


def chunk_checksum(cp_words, log):
    """cp_words: the checkpoint's 37 words (the last, the checksum itself, is not hashed)."""
    h = WordHash(CHUNK_SEED)
    for w in cp_words[:36]:
        h.add_word(w)
    h.add_words(log)
    return h.digest()


class Trace:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            data = f.read()
        if len(data) < HEADER_WORDS * 8:
            raise ValueError(f"{path}: {len(data)} bytes, shorter than the {HEADER_WORDS * 8}-byte header")
        self.raw = data
        hw = struct.unpack_from(f"<{HEADER_WORDS}Q", data, 0)
        self.header_words = hw
        self.header = dict(zip(HEADER_FIELDS, hw))
        h = self.header
        h["magic"] = hw[0] & 0xFFFFFFFF
        h["version"] = hw[0] >> 32
        h["stop_reason"] = STOPS.get(hw[6] & 0xFF, "unknown")
        h["fault_kind"] = (hw[6] >> 8) & 0xFF
        code = hw[6] >> 32
        h["exit_code"] = code - (1 << 32) if code >= 1 << 31 else code
        name = lambda lo, hi: struct.pack("<2Q", lo, hi).rstrip(b"\0").decode("ascii", "replace")
        h["platform"] = name(hw[17], hw[18])
        h["isa"] = name(hw[19], hw[20])
        if h["magic"] != 0x544D5652:
            raise ValueError(f"{path}: not an .rvmt file (magic {h['magic']:#x})")
        end = h["index_offset"] + (h["num_chunks"] + 1) * CHECKPOINT_WORDS * 8
        if len(data) != h["file_size"] or end != len(data):
            raise ValueError(f"{path}: size {len(data)}, header says {h['file_size']}, index ends at {end}")
        self.log = list(struct.unpack_from(f"<{h['log_words']}Q", data, h["log_offset"]))
        index = struct.unpack_from(f"<{(h['num_chunks'] + 1) * CHECKPOINT_WORDS}Q", data, h["index_offset"])
        self.index_words = index
        self.checkpoints = []
        for i in range(h["num_chunks"] + 1):
            w = index[i * CHECKPOINT_WORDS:(i + 1) * CHECKPOINT_WORDS]
            self.checkpoints.append({"step": w[0], "pc": w[1], "x": [0] + list(w[2:33]), "reservation": w[33],
                                     "log_offset": w[34], "log_words": w[35], "checksum": w[36], "words": w})

    def check(self):
        h, p = self.header, self.path
        if h["version"] != 3:
            raise ValueError(f"{p}: unsupported version {h['version']}")
        if words_hash(HEADER_SEED, self.header_words[:HEADER_WORDS - 1]) != h["header_checksum"]:
            raise ValueError(f"{p}: header checksum mismatch")
        if words_hash(INDEX_SEED, self.index_words) != h["index_checksum"]:
            raise ValueError(f"{p}: index checksum mismatch")
        n = h["chunk_steps"]
        for i, cp in enumerate(self.checkpoints):
            want_step = min(i * n, h["total_steps"]) if i < h["num_chunks"] else h["total_steps"]
            if cp["step"] != want_step:
                raise ValueError(f"{p}: checkpoint {i} is at step {cp['step']}, expected {want_step}")
            log = self.log[cp["log_offset"]:cp["log_offset"] + cp["log_words"]]
            if len(log) != cp["log_words"]:
                raise ValueError(f"{p}: chunk {i}: log range out of bounds")
            if chunk_checksum(cp["words"], log) != cp["checksum"]:
                raise ValueError(f"{p}: chunk {i}: checksum mismatch")
        return True


def main(argv):
    if len(argv) < 3 or argv[1] not in ("info", "check"):
        print(__doc__.strip(), file=sys.stderr)
        return 120
    try:
        t = Trace(argv[2])
        if argv[1] == "check":
            t.check()
            print(f"OK: {argv[2]}: header, index and {t.header['num_chunks']} chunk checksums")
            return 0
        h = {k: v for k, v in t.header.items() if k not in ("magic_version", "sizes", "stop")}
        if "--json" in argv:
            print(json.dumps(h, indent=1))
        else:
            for k, v in h.items():
                print(f"{k:16} {v}")
        return 0
    except (OSError, ValueError, struct.error) as e:
        print(f"rvmt.py: {e}", file=sys.stderr)
        return 120


if __name__ == "__main__":
    sys.exit(main(sys.argv))
