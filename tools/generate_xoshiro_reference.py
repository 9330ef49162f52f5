#!/usr/bin/env python3
"""Reference outputs of xoshiro256++ (Blackman & Vigna), written from the published algorithm
independently of kldiv's C++, for tests/random/test_engine.cpp.
Usage: python3 tools/generate_xoshiro_reference.py"""
MASK = (1 << 64) - 1


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


def xoshiro256pp(s):
    while True:
        result = (rotl((s[0] + s[3]) & MASK, 23) + s[0]) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        yield result


gen = xoshiro256pp([1, 2, 3, 4])
print("state {1, 2, 3, 4}, first 8 outputs:")
print(", ".join(f"{next(gen)}ULL" for _ in range(8)))
