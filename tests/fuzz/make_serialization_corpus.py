#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_serialization (tests/fuzz/corpus/serialization/): valid
running_stats and kl_estimate_set byte strings in kldiv's format (an encoder independent of
the C++ one), plus one with an unsupported version. Usage: make_serialization_corpus.py [dir]"""
import math
import os
import struct
import sys


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) % (1 << 64)
    return h


def encode(kind: bytes, payload: bytes, version: int = 1) -> bytes:
    body = b"KLDV" + kind + bytes([version, 0, 0]) + payload
    return body + struct.pack("<Q", fnv1a64(body))


def stats(count: int, mean: float, m2: float) -> bytes:
    return struct.pack("<Qdd", count, mean if count else 0.0, m2 if count else 0.0)


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "serialization")
    os.makedirs(out, exist_ok=True)
    seeds = {
        "running_stats_empty": encode(b"R", stats(0, 0.0, 0.0)),
        "running_stats_3": encode(b"R", stats(3, 1.5, 2.0)),
        "running_stats_inf_nan": encode(b"R", stats(2, math.inf, math.nan)),
        "kl_estimate_set_empty": encode(b"E", stats(0, 0, 0) * 4 + struct.pack("<Q", 0)),
        "kl_estimate_set_100": encode(
            b"E",
            stats(100, -0.1, 3.3) + stats(100, 0.02, 0.01) + stats(100, 0.019, 0.008) + stats(100, 0.021, 0.009)
            + struct.pack("<Q", 1),
        ),
        "wrong_version": encode(b"R", stats(0, 0.0, 0.0), version=2),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
