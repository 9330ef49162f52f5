#!/usr/bin/env python3
"""Oracle values for the families added by issue 17 (chi_squared, chi, weibull, transformed,
independent), by mpmath at 80 digits: textbook closed forms (not the library's residual forms)
and, where a textbook form is itself being trusted, a quadrature cross-check asserted here.
Parameters are Python floats, converted to mpf exactly. Writes new_families.inc beside this script.
Run: python3 tests/data/gen_new_families.py
"""
import os
from mpmath import mp, mpf, log, exp, loggamma as lgamma, digamma, gamma as G, quad, inf, euler, sqrt, pi, nstr, ln2

mp.dps = 80


def gamma_kl(a1, b1, a2, b2):  # textbook KL(Gamma(a1, rate b1) || Gamma(a2, rate b2))
    a1, b1, a2, b2 = map(mpf, (a1, b1, a2, b2))
    return (a1 - a2) * digamma(a1) - lgamma(a1) + lgamma(a2) + a2 * (log(b1) - log(b2)) + a1 * (b2 - b1) / b1


def weibull_kl(l1, k1, l2, k2):  # Bauckhage (2013)
    l1, k1, l2, k2 = map(mpf, (l1, k1, l2, k2))
    return (log(k1 / l1**k1) - log(k2 / l2**k2) + (k1 - k2) * (log(l1) - euler / k1)
            + (l1 / l2)**k2 * G(k2 / k1 + 1) - 1)


def weibull_logpdf(l, k, x):
    l, k = mpf(l), mpf(k)
    return log(k / l) + (k - 1) * log(x / l) - (x / l)**k


def gamma_logpdf(a, b, x):
    a, b = mpf(a), mpf(b)
    return a * log(b) + (a - 1) * log(x) - b * x - lgamma(a)


def chi_logpdf(k, x):
    k = mpf(k)
    return (k - 1) * log(x) - x * x / 2 - (k / 2 - 1) * ln2 - lgamma(k / 2)


def kl_quad(logp, logq):
    return quad(lambda x: exp(logp(x)) * (logp(x) - logq(x)), [0, 1, 10, inf])


def entropy_quad(logp):
    return quad(lambda x: -exp(logp(x)) * logp(x), [0, 1, 10, inf])


def close(a, b, tol=mpf(10)**-30):
    assert abs(a - b) <= tol * max(1, abs(b)), (a, b)


rows = {}
# weibull -> weibull
rows["weibull_kl"] = []
for l1, k1, l2, k2 in [(1.5, 2.0, 1.0, 1.5), (2.0, 0.7, 3.0, 1.2), (1.0, 1.0, 1.0, 1.0000000001),
                       (1.0, 3.0, 1.0000000001, 3.0), (0.3, 5.0, 0.4, 4.0), (1.7, 3.0, 1.7, 3.0000000003), (10.0, 0.5, 1.0, 2.0)]:
    v = weibull_kl(l1, k1, l2, k2)
    if v > 1e-6:
        close(v, kl_quad(lambda x: weibull_logpdf(l1, k1, x), lambda x: weibull_logpdf(l2, k2, x)), mpf(10)**-12)
    rows["weibull_kl"].append((l1, k1, l2, k2, v))
# weibull -> gamma (E log X = log l - euler/k, E X = l Gamma(1 + 1/k), H = euler(1 - 1/k) + log(l/k) + 1)
rows["weibull_gamma_kl"] = []
for l, k, a, b in [(1.5, 2.0, 2.0, 1.0), (2.0, 1.0, 1.0, 0.5), (2.0, 1.0, 1.0000000001, 0.5), (0.5, 3.0, 4.0, 6.0)]:
    l_, k_ = mpf(l), mpf(k)
    h = euler * (1 - 1 / k_) + log(l_ / k_) + 1
    v = -h - (a * log(mpf(b)) - lgamma(mpf(a)) + (mpf(a) - 1) * (log(l_) - euler / k_) - mpf(b) * l_ * G(1 + 1 / k_))
    if v > 1e-6:
        close(v, kl_quad(lambda x: weibull_logpdf(l, k, x), lambda x: gamma_logpdf(a, b, x)), mpf(10)**-12)
    rows["weibull_gamma_kl"].append((l, k, a, b, v))
# weibull entropy, mean, variance
rows["weibull_moments"] = []
for l, k in [(1.5, 2.0), (2.0, 0.7), (1.0, 50.0), (3.0, 1e4)]:
    l_, k_ = mpf(l), mpf(k)
    h = euler * (1 - 1 / k_) + log(l_ / k_) + 1
    if k < 100:
        close(h, entropy_quad(lambda x: weibull_logpdf(l, k, x)), mpf(10)**-12)
    m = l_ * G(1 + 1 / k_)
    var = l_**2 * (G(1 + 2 / k_) - G(1 + 1 / k_)**2)
    rows["weibull_moments"].append((l, k, h, m, var))
# chi-squared pairs (through the textbook gamma KL)
rows["chi2_kl"] = [(k1, k2, gamma_kl(k1 / 2, 0.5, k2 / 2, 0.5))
                   for k1, k2 in [(3.0, 5.0), (0.5, 2.0), (10.0, 10.0000001), (100.0, 90.0), (1.0, 1.0000000000001)]]
rows["chi2_gamma_kl"] = [(k, a, b, gamma_kl(k / 2, 0.5, a, b)) for k, a, b in [(3.0, 2.0, 1.0), (4.0, 2.0, 0.5000000001)]]
rows["gamma_chi2_kl"] = [(a, b, k, gamma_kl(a, b, k / 2, 0.5)) for a, b, k in [(2.0, 1.0, 3.0), (1.5, 0.5, 3.0000000001)]]
# chi -> chi by quadrature of the chi densities (an independent check of the invariance under x -> x^2)
rows["chi_kl"] = []
for k1, k2 in [(3.0, 5.0), (0.8, 2.5), (2.0, 2.0000000001)]:
    v = gamma_kl(k1 / 2, 0.5, k2 / 2, 0.5)
    if v > 1e-6:
        close(v, kl_quad(lambda x: chi_logpdf(k1, x), lambda x: chi_logpdf(k2, x)), mpf(10)**-12)
    rows["chi_kl"].append((k1, k2, v))
# chi entropy (quadrature), mean, variance
rows["chi_moments"] = []
for k in [1.0, 3.0, 0.4, 50.0, 1e6]:
    k_ = mpf(k)
    h = lgamma(k_ / 2) + (k_ - ln2 - (k_ - 1) * digamma(k_ / 2)) / 2
    if k < 100:
        close(h, entropy_quad(lambda x: chi_logpdf(k, x)), mpf(10)**-12)
    m = sqrt(2) * exp(lgamma((k_ + 1) / 2) - lgamma(k_ / 2))
    rows["chi_moments"].append((k, h, m, k_ - m * m))
# chi-squared entropy
rows["chi2_entropy"] = []
for k in [1.0, 3.0, 0.4, 50.0]:
    k_ = mpf(k)
    a = k_ / 2
    h = a + log(2) + lgamma(a) + (1 - a) * digamma(a)
    close(h, entropy_quad(lambda x: gamma_logpdf(a, 0.5, x)), mpf(10)**-12)
    rows["chi2_entropy"].append((k, h))
# transformed(gamma(2, 1.5), affine{1, -2}): entropy = H(gamma) + log 2, by quadrature of the image density
a, b, loc, scale = 2.0, 1.5, 1.0, -2.0
h_image = quad(lambda y: (lambda lp: -exp(lp) * lp)(gamma_logpdf(a, b, (y - loc) / scale) - log(abs(mpf(scale)))),
               [-inf, -19, loc])
rows["transformed_gamma_entropy"] = [(a, b, loc, scale, h_image)]
# independent: KL of products of gammas = sum of the gamma KLs
comps_p = [(2.0, 1.0), (0.5, 3.0), (7.0, 2.0)]
comps_q = [(2.5, 1.2), (0.5, 3.0000001), (6.0, 2.5)]
rows["independent_gamma_kl"] = [(sum(gamma_kl(ap, bp, aq, bq) for (ap, bp), (aq, bq) in zip(comps_p, comps_q)),)]
rows["independent_gamma_entropy"] = [(sum(a + log(1 / mpf(b)) + lgamma(a) + (1 - a) * digamma(a) for a, b in comps_p),)]
# log densities at a point: weibull(1.5, 2) at 0.7, chi(3) at 1.2, chi_squared(3) at 2.5,
# transformed(gamma(2, 1.5), affine{1, -2}) at -1.5 (the gamma density at 1.25, over |scale| = 2)
rows["log_pdf_values"] = [(weibull_logpdf(1.5, 2.0, mpf(0.7)), chi_logpdf(3.0, mpf(1.2)), gamma_logpdf(1.5, 0.5, mpf(2.5)),
                    gamma_logpdf(2.0, 1.5, (mpf(-1.5) - 1) / -2) - log(2))]


# inverse gamma: KL (textbook gamma KL, checked by quadrature on the inverse gamma densities), moments
def inverse_gamma_logpdf(a, b, x):
    a, b = mpf(a), mpf(b)
    return a * log(b) - lgamma(a) - (a + 1) * log(x) - b / x


rows["inverse_gamma_kl"] = []
for a1, b1, a2, b2 in [(3.0, 2.0, 2.5, 1.5), (0.7, 1.0, 1.2, 0.8), (4.0, 2.0, 4.0, 2.0000000002), (2.0, 1.0, 2.0000000001, 1.0)]:
    v = gamma_kl(a1, b1, a2, b2)
    if v > 1e-6:
        close(v, kl_quad(lambda x: inverse_gamma_logpdf(a1, b1, x), lambda x: inverse_gamma_logpdf(a2, b2, x)), mpf(10)**-12)
    rows["inverse_gamma_kl"].append((a1, b1, a2, b2, v))
rows["inverse_gamma_moments"] = []
for a, b in [(3.0, 2.0), (0.7, 1.0), (50.0, 3.0)]:
    a_, b_ = mpf(a), mpf(b)
    h = a_ + log(b_ * G(a_)) - (1 + a_) * digamma(a_)
    close(h, entropy_quad(lambda x: inverse_gamma_logpdf(a, b, x)), mpf(10)**-12)
    m = b_ / (a_ - 1) if a > 1 else mp.inf
    var = b_**2 / ((a_ - 1)**2 * (a_ - 2)) if a > 2 else mp.inf
    rows["inverse_gamma_moments"].append((a, b, h, m, var))


# logistic: log density and entropy by quadrature
def logistic_logpdf(m, s, x):
    z = (x - mpf(m)) / mpf(s)
    return -z - 2 * log(1 + exp(-z)) - log(mpf(s))


rows["logistic_values"] = [(0.5, 2.0, logistic_logpdf(0.5, 2.0, mpf(3.0)), logistic_logpdf(0.5, 2.0, mpf(-80.0)),
                            quad(lambda x: -exp(logistic_logpdf(0.5, 2.0, x)) * logistic_logpdf(0.5, 2.0, x), [-inf, 0.5, inf]))]


# Student t: log density, entropy (textbook form at 80 digits; quadrature check for moderate dof),
# and the dof-dof Fisher entry E[(d/dnu log p)^2] by quadrature (the formula is not trusted).
def t_logpdf(nu, m, s, x):
    nu, m, s = mpf(nu), mpf(m), mpf(s)
    z = (x - m) / s
    return lgamma((nu + 1) / 2) - lgamma(nu / 2) - log(nu * pi) / 2 - log(s) - (nu + 1) / 2 * log(1 + z * z / nu)


def t_entropy(nu, s):
    nu, s = mpf(nu), mpf(s)
    return ((nu + 1) / 2 * (digamma((nu + 1) / 2) - digamma(nu / 2)) + log(sqrt(nu) * G(nu / 2) * G(mpf(1) / 2) / G((nu + 1) / 2))
            + log(s))


rows["student_t_values"] = []
for nu, m, s_ in [(3.0, 0.5, 2.0), (0.5, -1.0, 0.3), (30.0, 0.0, 1.0), (1e6, 0.0, 1.0), (1e8, 1.0, 3.0)]:
    h = t_entropy(nu, s_)
    if nu < 100:
        close(h, quad(lambda x: -exp(t_logpdf(nu, m, s_, x)) * t_logpdf(nu, m, s_, x), [-inf, m, inf]), mpf(10)**-12)
    rows["student_t_values"].append((nu, m, s_, t_logpdf(nu, m, s_, mpf(m) + 2 * mpf(s_)), h))
mp.dps = 30
nu0 = mpf(4)
d_nu = lambda x: (digamma((nu0 + 1) / 2) - digamma(nu0 / 2) - 1 / nu0 - log(1 + x * x / nu0) + (nu0 + 1) * x * x / (nu0 * (nu0 + x * x))) / 2
i_nunu = quad(lambda x: exp(t_logpdf(nu0, 0, 1, x)) * d_nu(x)**2, [-inf, 0, inf])
close(i_nunu, (mp.psi(1, nu0 / 2) - mp.psi(1, (nu0 + 1) / 2)) / 4 - (nu0 + 5) / (2 * nu0 * (nu0 + 1) * (nu0 + 3)), mpf(10)**-20)
rows["student_t_fisher_dof"] = [(4.0, i_nunu)]
mp.dps = 80


# continuous Bernoulli: textbook normaliser C = 2 atanh(1 - 2l)/(1 - 2l), mean, variance; KL and
# entropy by quadrature on [0, 1] of the textbook density (at 80 digits: tiny KLs included).
def cb_logpdf(l, x):
    l = mpf(l)
    c = 2 if l == mpf(1) / 2 else 2 * mp.atanh(1 - 2 * l) / (1 - 2 * l)
    return log(c) + x * log(l) + (1 - x) * log(1 - l)


def cb_mean(l):
    l = mpf(l)
    return mpf(1) / 2 if l == mpf(1) / 2 else l / (2 * l - 1) + 1 / (2 * mp.atanh(1 - 2 * l))


def cb_var(l):
    l = mpf(l)
    return mpf(1) / 12 if l == mpf(1) / 2 else l * (l - 1) / (1 - 2 * l)**2 + 1 / (2 * mp.atanh(1 - 2 * l))**2


def quad01(f):
    return quad(f, [0, mpf(1) / 2, 1])


rows["cb_values"] = []  # lambda, log_pdf(0.3), mean, variance, entropy
for l in [0.5, 0.3, 0.5000000001, 0.99, 1e-5, 0.999999]:
    h = quad01(lambda x: -exp(cb_logpdf(l, x)) * cb_logpdf(l, x))
    rows["cb_values"].append((l, cb_logpdf(l, mpf(0.3)), cb_mean(l), cb_var(l), h))
rows["cb_kl"] = []
for l1, l2 in [(0.3, 0.6), (0.5, 0.5000000001), (0.2, 0.2000000001), (1e-5, 2e-5), (0.99, 0.01), (0.999999, 0.5)]:
    rows["cb_kl"].append((l1, l2, quad01(lambda x: exp(cb_logpdf(l1, x)) * (cb_logpdf(l1, x) - cb_logpdf(l2, x)))))
# cross pairs: CB -> exponential(r), normal(m, s), uniform(a, b); beta(a, b) -> CB; uniform(a, b) -> CB
rows["cb_exponential_kl"] = [(l, r, quad01(lambda x: exp(cb_logpdf(l, x)) * (cb_logpdf(l, x) - (log(mpf(r)) - mpf(r) * x))))
                             for l, r in [(0.3, 1.5), (0.8, 0.2)]]
rows["cb_normal_kl"] = [(l, m, sd, quad01(lambda x: exp(cb_logpdf(l, x)) * (cb_logpdf(l, x) - (-(x - mpf(m))**2 / (2 * mpf(sd)**2) - log(mpf(sd)) - log(2 * pi) / 2))))
                        for l, m, sd in [(0.3, 0.4, 0.5), (0.9, -1.0, 2.0)]]
rows["cb_uniform_kl"] = [(l, a, b, quad01(lambda x: exp(cb_logpdf(l, x)) * (cb_logpdf(l, x) + log(mpf(b) - mpf(a)))))
                         for l, a, b in [(0.3, 0.0, 1.0), (0.5000000001, 0.0, 1.0), (0.7, -1.0, 2.0)]]


def beta_logpdf(a, b, x):
    a, b = mpf(a), mpf(b)
    return (a - 1) * log(x) + (b - 1) * log(1 - x) - (lgamma(a) + lgamma(b) - lgamma(a + b))


rows["beta_cb_kl"] = [(a, b, l, quad01(lambda x: exp(beta_logpdf(a, b, x)) * (beta_logpdf(a, b, x) - cb_logpdf(l, x))))
                      for a, b, l in [(2.0, 3.0, 0.4), (0.5, 0.5, 0.7), (1.0, 1.0, 0.5000001)]]
rows["uniform_cb_kl"] = [(a, b, l, quad(lambda x: (-log(mpf(b) - mpf(a)) - cb_logpdf(l, x)) / (mpf(b) - mpf(a)), [a, b]))
                         for a, b, l in [(0.0, 1.0, 0.3), (0.0, 1.0, 0.5000000001), (0.2, 0.7, 0.8)]]


def fmt(x):
    if isinstance(x, float):
        return repr(x)
    if x == mp.inf:
        return "std::numeric_limits<double>::infinity()"
    return nstr(x, 25, min_fixed=1, max_fixed=0) if x != 0 else "0.0"


out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "new_families.inc")
with open(out, "w") as f:
    f.write("// Generated by tests/data/gen_new_families.py (mpmath, 80 digits). Do not edit.\n")
    for name, rs in rows.items():
        width = len(rs[0])
        f.write(f"inline constexpr double {name}[][{width}] = {{\n")
        for r in rs:
            f.write("    {" + ", ".join(fmt(v) for v in r) + "},\n")
        f.write("};\n")
print("wrote", out)
