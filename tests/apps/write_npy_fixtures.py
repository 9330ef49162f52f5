#!/usr/bin/env python3
"""Writes the .npy files the kld-report reader test compares against (NumPy's own writer).

Usage: write_npy_fixtures.py OUTPUT_DIR

The values are exact in float16 and float32 (multiples of 1/8 below 8 in magnitude), so the
test recomputes them from the same formula: x[i, j] = ((31 i + 17 j) mod 97 - 48) / 8, and
tokens[i] = 5 i mod 33. The committed copies in tests/apps/data/ were made by this script with
Debian 12's python3-numpy 1.24.
"""
import os
import sys

import numpy as np


def main() -> None:
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rows, vocabulary = 7, 33
    i = np.arange(rows)[:, None]
    j = np.arange(vocabulary)[None, :]
    x = (((31 * i + 17 * j) % 97) - 48) / 8.0
    np.save(os.path.join(out, "logits_f32_v1.npy"), x.astype("<f4"))
    np.save(os.path.join(out, "logits_f16_v1.npy"), x.astype("<f2"))
    with open(os.path.join(out, "logits_f32_v2.npy"), "wb") as f:
        np.lib.format.write_array(f, x.astype("<f4"), version=(2, 0))
    np.save(os.path.join(out, "tokens_i32.npy"), ((5 * np.arange(rows)) % vocabulary).astype("<i4"))
    np.save(os.path.join(out, "logits_f8_v1.npy"), x.astype("<f8"))  # unsupported dtype
    np.save(os.path.join(out, "logits_fortran.npy"), np.asfortranarray(x.astype("<f4")))


if __name__ == "__main__":
    main()
