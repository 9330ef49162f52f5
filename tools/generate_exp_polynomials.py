#!/usr/bin/env python3
"""Near-minimax polynomials for the exponentials of include/kldiv/simd/ and core/detail/branch_free.hpp.

On |t| <= ln2/2 (the reduced argument of e^x = 2^k e^t):
  exp6: e^t ~ sum c_n t^n, n = 0..6 (relative error ~2e-9)
  g5:   g(t) = (e^t - 1 - t)/t^2 ~ sum c_n t^n, n = 0..5, so phi(t) = t^2 g(t) and
        e^t = 1 + t + t^2 g(t) (relative error of phi ~3e-9)
  g8:   the same to degree 8 (~1.5e-14), for simd/detail/constants.hpp (kl_estimates on float input)
and on |l| <= 1, without a reduction (kl_estimates when every |l| of a group is below 1):
  g11:  g(l) = (e^l - 1 - l)/l^2, degree 11 (~1.4e-14), for simd/detail/constants.hpp (float input)
  r12:  r(l) = (h(l) - 1/6)/l with h(l) = (e^l - 1 - l - l^2/2)/l^3, degree 12 (~1e-16), for
        core/detail/branch_free.hpp (the 2-ulp tier)
  c12:  h(l) itself, degree 12 (~1.4e-16), split into even and odd parts in l^2, for
        simd/detail/constants.hpp (the 3-ulp tier of kl_estimates on double input)
  float: g and (1 + (l - 1)e^l)/l^2 with float coefficients, degrees 7 and 8, for the float lanes
        (checked by emulating their float evaluation: <= 2.2 and <= 2.6 float ulp of phi and rho)
Chebyshev fits (mpmath.chebyfit, 40 digits), coefficients rounded to double, then the rounded
polynomials checked on a dense grid against mpmath. Run: python3 tools/generate_exp_polynomials.py
(needs Debian's python3-mpmath); paste the printed arrays into simd/detail/constants.hpp (exp6, g5, g8, c12, g11) and
core/detail/branch_free.hpp (r12).
"""
import mpmath as mp

mp.mp.dps = 40
half_ln2 = mp.log(2) / 2


def g(t):
    if abs(t) < mp.mpf("1e-10"):
        return mp.mpf(1) / 2 + t / 6 + t * t / 24
    return (mp.exp(t) - 1 - t) / t**2


def fit(f, degree, half_width=half_ln2):
    coefficients, _ = mp.chebyfit(f, [-half_width, half_width], degree + 1, error=True)
    # chebyfit returns the highest power first.
    return [float(c) for c in reversed(coefficients)]


def evaluate(coefficients, t):
    result = mp.mpf(0)
    for c in reversed(coefficients):
        result = result * t + mp.mpf(c)
    return result


def worst_relative(coefficients, f, transform=lambda t, v: v, half_width=half_ln2):
    worst = mp.mpf(0)
    for i in range(-2000, 2001):
        t = half_width * i / 2000
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


# kl_estimates on double input (include/kldiv/core/detail/branch_free.hpp, residuals_within_2ulp_near_zero):
# on |l| < 1, phi(l) = l^2/2 + l^3 h(l) with h(l) = 1/6 + l r(l); r is fitted on [-1, 1] to
# degree 12 (the 1/6 is added in double-word by the caller, so r's error is scaled by |l r / h| <= 0.26).
def r(t):
    if abs(t) < mp.mpf("1e-6"):
        return mp.mpf(1) / 24 + t / 120 + t * t / 720
    return ((mp.exp(t) - 1 - t - t * t / 2) / t**3 - mp.mpf(1) / 6) / t


r12 = fit(r, 12, half_width=mp.mpf(1))
worst_r = worst_relative(r12, r, half_width=mp.mpf(1))
print("// r12: max relative error of r on [-1, 1]: %.3g" % float(worst_r))
print("inline constexpr double small_residual_r[13] = {%s};" % ", ".join(c.hex() for c in r12))


# kl_estimates on double input (include/kldiv/simd/detail/exp_residuals.hpp, residuals_within_3ulp_near_zero):
# h(l) = (e^l - 1 - l - l^2/2)/l^3 on [-1, 1] to degree 12, written E(l^2) + l*O(l^2) so that h(-l) is one FMA more.
def cubic(t):
    if abs(t) < mp.mpf("1e-6"):
        return mp.mpf(1) / 6 + t / 24 + t * t / 120 + t**3 / 720
    return (mp.exp(t) - 1 - t - t * t / 2) / t**3


c12 = fit(cubic, 12, half_width=mp.mpf(1))
print("// c12: max relative error of h on [-1, 1]: %.3g" % float(worst_relative(c12, cubic, half_width=mp.mpf(1))))
print("inline constexpr double cubic_residual_unit_even[7] = {%s};" % ", ".join(c.hex() for c in c12[0::2]))
print("inline constexpr double cubic_residual_unit_odd[6] = {%s};" % ", ".join(c.hex() for c in c12[1::2]))


# kl_estimates on float input (include/kldiv/simd/detail/exp_residuals.hpp, residuals_within_float_near_zero_lanes): g on
# [-1, 1] to degree 11, phi = l^2 g(l) directly.
g11 = fit(g, 11, half_width=mp.mpf(1))
worst_g = worst_relative(g11, g, half_width=mp.mpf(1))
print("// g11: max relative error of g on [-1, 1]: %.3g" % float(worst_g))
print("inline constexpr double phi_over_l2_unit_degree11[12] = {%s};" % ", ".join(c.hex() for c in g11))


# kl_estimates on float input in float lanes (include/kldiv/simd/detail/exp_residuals.hpp,
# residuals_in_float_lanes): g and h(l) = (1 + (l - 1)e^l)/l^2 on [-1, 1] to degrees 7 and 8 with
# coefficients rounded to float; phi = (l*l)*g(l) and rho = (l*l)*h(l) evaluated in float as the
# lanes do: c0 + l*q(l) with q by Estrin's scheme, every FMA rounded once. The check emulates that
# float evaluation and reports the worst error in float ulps of phi and rho at float l.
import struct


def to_float(x):
    return struct.unpack("f", struct.pack("f", float(x)))[0]


def float_fma(a, b, c):
    return to_float(mp.mpf(a) * mp.mpf(b) + mp.mpf(c))


def float_ulp(x):
    e = int(mp.floor(mp.log(abs(x), 2)))
    return mp.mpf(2) ** (max(e, -126) - 23)


def h(t):
    if abs(t) < mp.mpf("1e-10"):
        return mp.mpf(1) / 2 + t / 3 + t * t / 8
    return ((t - 1) * mp.exp(t) + 1) / t**2


def fit_float(f, degree):
    coefficients, _ = mp.chebyfit(f, [-1, 1], degree + 1, error=True)
    return [to_float(c) for c in reversed(coefficients)]


def q_in_float(c, l, l2, l4):
    """q of c0 + l*q(l) by Estrin's scheme, as the lanes evaluate it."""
    q01, q23, q45 = float_fma(c[2], l, c[1]), float_fma(c[4], l, c[3]), float_fma(c[6], l, c[5])
    q6 = c[7] if len(c) == 8 else float_fma(c[8], l, c[7])
    return float_fma(float_fma(q6, l2, q45), l4, float_fma(q23, l2, q01))


def evaluate_in_float(c, l):
    """phi or rho with rho wanted: l^2 * (c0 + l*q)."""
    l2 = to_float(mp.mpf(l) * l)
    l4 = to_float(mp.mpf(l2) * l2)
    return to_float(mp.mpf(l2) * float_fma(q_in_float(c, l, l2, l4), l, c[0]))


def phi_alone_in_float(c, l):
    """phi without rho: l^2 carried as l2 + e2 (e2 exact), phi = l2/2 + (e2/2 + l2*(l*q))."""
    l2 = to_float(mp.mpf(l) * l)
    l4 = to_float(mp.mpf(l2) * l2)
    e2 = float_fma(l, l, -l2)
    lq = to_float(mp.mpf(l) * q_in_float(c, l, l2, l4))
    return float_fma(l2, c[0], float_fma(l2, lq, to_float(mp.mpf(e2) * c[0])))


def worst_float_ulps(evaluate, c, f):
    worst = 0.0
    for i in range(-20000, 20001):
        l = to_float(mp.mpf(i) / 20000 * mp.mpf("0.99999994"))
        if l == 0:
            continue
        exact = mp.mpf(l) ** 2 * f(mp.mpf(l))
        worst = max(worst, float(abs(evaluate(c, l) - exact) / float_ulp(exact)))
    return worst


for name, f, degree in (("phi_over_l2_unit_float_degree7", g, 7), ("rho_over_l2_unit_float_degree8", h, 8)):
    c = fit_float(f, degree)
    print("// %s evaluated in float: max error %.3g ulp" % (name, worst_float_ulps(evaluate_in_float, c, f)))
    if f is g:
        print("// phi alone (l^2 in two parts): max error %.3g ulp" % worst_float_ulps(phi_alone_in_float, c, g))
    print("inline constexpr float %s[%d] = {%s};" % (name, degree + 1, ", ".join(float.hex(x) + "f" for x in c)))
