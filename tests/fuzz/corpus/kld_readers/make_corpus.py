#!/usr/bin/env python3
"""Seed inputs for tests/fuzz/fuzz_kld_readers.cpp: small valid files of each kind the readers
accept, so the fuzzer starts from the interesting structure.

Usage: make_corpus.py OUTPUT_DIR   (writes llama_*.kld and *.npy; needs python3-numpy)

The llama.cpp files are written here with struct, independently of kld-report's writer:
"_logits_", int32 n_ctx, n_vocab, n_chunk, int32 tokens[n_ctx*n_chunk], then
n_chunk*(n_ctx - 1 - n_ctx//2) records of float32 scale, float32 min_log_prob and
2*ceil(n_vocab/2) uint16 codes.
"""
import os
import struct
import sys

import numpy as np


def llama_file(n_ctx, n_vocab, n_chunk, clamped):
    out = bytearray(b"_logits_")
    out += struct.pack("<iii", n_ctx, n_vocab, n_chunk)
    out += struct.pack("<%di" % (n_ctx * n_chunk), *[(7 * i) % n_vocab for i in range(n_ctx * n_chunk)])
    records = n_chunk * (n_ctx - 1 - n_ctx // 2)
    padded = 2 * ((n_vocab + 1) // 2)
    for r in range(records):
        scale = 16.0 / 65535 if clamped else 3.0 / 65535
        out += struct.pack("<ff", scale, -17.0 - r)
        codes = [(97 * (i + r)) % 65536 for i in range(n_vocab)] + [0] * (padded - n_vocab)
        out += struct.pack("<%dH" % padded, *codes)
    return bytes(out)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "llama_clamped.kld"), "wb") as f:
        f.write(llama_file(4, 5, 2, True))
    with open(os.path.join(out, "llama_narrow.kld"), "wb") as f:
        f.write(llama_file(5, 4, 1, False))
    x = (np.arange(12, dtype=np.float64).reshape(3, 4) - 6) / 4
    np.save(os.path.join(out, "logits_f32.npy"), x.astype("<f4"))
    np.save(os.path.join(out, "logits_f16.npy"), x.astype("<f2"))
    with open(os.path.join(out, "logits_v2.npy"), "wb") as f:
        np.lib.format.write_array(f, x.astype("<f4"), version=(2, 0))
    np.save(os.path.join(out, "tokens.npy"), np.array([0, 3, 1], dtype="<i4"))


if __name__ == "__main__":
    main()
