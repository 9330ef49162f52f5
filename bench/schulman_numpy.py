#!/usr/bin/env python3
"""The NumPy baseline for examples/schulman_tables.cpp: the same work (q = N(0,1), p = N(mu,1),
10^7 samples per table for mu = 0.1 and 1, log-ratios, mean and std of k1, k2, k3) in float64,
single-threaded. Usage: OMP_NUM_THREADS=1 python3 bench/schulman_numpy.py  (Debian: python3-numpy)"""
import time

import numpy as np


def table(mu, n, rng):
    x = rng.standard_normal(n)
    log_q = -0.5 * x * x - 0.5 * np.log(2 * np.pi)
    log_p = -0.5 * (x - mu) ** 2 - 0.5 * np.log(2 * np.pi)
    lr = log_p - log_q
    kl = mu * mu / 2
    rows = {"k1": -lr, "k2": 0.5 * lr * lr, "k3": np.exp(lr) - 1 - lr}
    return {name: ((v.mean() - kl) / kl, v.std() / kl) for name, v in rows.items()}


def main():
    rng = np.random.default_rng(2020)
    n = 10_000_000
    start = time.perf_counter()
    results = [table(0.1, n, rng), table(1.0, n, rng)]
    seconds = time.perf_counter() - start
    for mu, result in zip((0.1, 1.0), results):
        print(f"mu = {mu}: " + ", ".join(f"{k}: bias {b:.4f} std {s:.4f}" for k, (b, s) in result.items()))
    print(f"NumPy {np.__version__}: {2 * n} samples in {seconds:.3f} s ({2 * n / seconds:.3g} samples/s)")


if __name__ == "__main__":
    main()
