#!/usr/bin/env python3
"""Near-minimax polynomials for the float-grade exponentials of include/kldiv/simd/logits_kernel.hpp.

On |t| <= ln2/2 (the reduced argument of e^x = 2^k e^t):
  exp6: e^t ~ sum c_n t^n, n = 0..6 (relative error ~2e-9)
  g5:   g(t) = (e^t - 1 - t)/t^2 ~ sum c_n t^n, n = 0..5, so phi(t) = t^2 g(t) and
        e^t = 1 + t + t^2 g(t) (relative error of phi ~3e-9)
  g8:   the same to degree 8 (~1.5e-14), for float_lanes.hpp (kl_estimates on float input)
Chebyshev fits (mpmath.chebyfit, 40 digits), coefficients rounded to double, then the rounded
polynomials checked on a dense grid against mpmath. Run: python3 tools/generate_exp_polynomials.py
(needs Debian's python3-mpmath); paste the printed arrays into logits_kernel.hpp and float_lanes.hpp.
"""
import mpmath as mp

mp.mp.dps = 40
half_ln2 = mp.log(2) / 2


def g(t):
    if abs(t) < mp.mpf("1e-10"):
        return mp.mpf(1) / 2 + t / 6 + t * t / 24
    return (mp.exp(t) - 1 - t) / t**2


def fit(f, degree):
    coefficients, _ = mp.chebyfit(f, [-half_ln2, half_ln2], degree + 1, error=True)
    # chebyfit returns the highest power first.
    return [float(c) for c in reversed(coefficients)]


def evaluate(coefficients, t):
    result = mp.mpf(0)
    for c in reversed(coefficients):
        result = result * t + mp.mpf(c)
    return result


def worst_relative(coefficients, f, transform=lambda t, v: v):
    worst = mp.mpf(0)
    for i in range(-2000, 2001):
        t = half_ln2 * i / 2000
        exact = transform(t, f(t))
        if exact == 0:
            continue
        worst = max(worst, abs((transform(t, evaluate(coefficients, t)) - exact) / exact))
    return worst


exp6 = fit(mp.exp, 6)
g5 = fit(g, 5)
print("// exp6: max relative error %.3g" % float(worst_relative(exp6, mp.exp)))
print("static constexpr double exp_degree6[7] = {%s};" % ", ".join(c.hex() for c in exp6))
phi_error = worst_relative(g5, g, lambda t, v: t * t * v)
print("// g5: max relative error of phi(t) = t^2 g(t): %.3g" % float(phi_error))
print("static constexpr double phi_over_t2_degree5[6] = {%s};" % ", ".join(c.hex() for c in g5))
g8 = fit(g, 8)
print("// g8: max relative error of phi(t) = t^2 g(t): %.3g" % float(worst_relative(g8, g, lambda t, v: t * t * v)))
print("static constexpr double phi_over_t2_degree8[9] = {%s};" % ", ".join(c.hex() for c in g8))
