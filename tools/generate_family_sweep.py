#!/usr/bin/env python3
"""Generates tests/data/family_sweep.csv: 50-digit references for every family of kldiv over its
whole parameter range (issue 16), read by tests/distributions/test_family_sweep.cpp.

Every parameter is drawn as a double first (log-uniform to the edges of validity, plus the edges
themselves); the reference is then evaluated in mpmath from those exact binary values, so the
library and the reference see the same inputs.  Closed forms are evaluated with 50 significant
digits at least (working precision raised to 100 digits where a formula cancels, e.g. KL ~ 1e-30
between nearly equal parameters).  Cross-family KLs are 50-digit quadratures of p·(log p − log q).

Before anything is written, each family's formulas are checked (asserted) on moderate cases
against independent evaluations: entropy, mean, variance and same-family KL against mpmath
quadrature (continuous) or exact summation (discrete); the Fisher information against the
Hessian of the KL closed form; the large-size discrete entropies against exact summation where
both apply.

Columns: family, q_family (empty unless a divergence), function, params, q_params (space-separated
shortest round-trip doubles; categorical and dirichlet: the vector; mv_normal: k, mean, covariance
row by row), reference (20 significant digits, or inf / -inf / 0), cond (Σ|∂log f/∂log x| over the
real inputs, 2 digits; the test's bound is max(1e-13, cond·4e-16)).

Usage: python3 tools/generate_family_sweep.py > tests/data/family_sweep.csv   (Debian: python3-mpmath)
"""
import math
import random
import struct
import sys

import mpmath
from mpmath import mp, mpf

mp.dps = 50
HI = 100  # working digits for formulas that cancel
rng = random.Random(16)
INF = mpmath.inf


def d(x):
    """The exact value of a double as an mpf."""
    return mpf(float(x))


def lu(lo, hi):
    """A double drawn log-uniformly from [lo, hi]."""
    return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def sweep(lo, hi, n, edges=True):
    xs = [lu(lo, hi) for _ in range(n)]
    if edges:
        xs = [lo, hi] + xs
    return xs


def prob_sweep(n):
    """Probabilities from 1e-300 to 1 − 1e-16 (both tails log-uniform)."""
    xs = [1e-300, 1 - 1e-16, 0.5, 1e-16, 1 - 1e-8]
    for _ in range(n):
        if rng.random() < 0.6:
            xs.append(lu(1e-300, 0.5))
        else:
            xs.append(1 - lu(1e-16, 0.5))
    return xs


def signed(lo, hi):
    return lu(lo, hi) * rng.choice([-1.0, 1.0])


# ---- families: mpmath closed forms, log densities and quadrature ranges ----------------------
psi, lgam, trig = mpmath.digamma, mpmath.loggamma, lambda x: mpmath.psi(1, x)
EG = mpmath.euler


def xlogx(x):
    return mpf(0) if x == 0 else x * mpmath.log(x)


def kl_bern(p, q):
    r = mpf(0)
    if p > 0:
        r += p * mpmath.log(p / q)
    if p < 1:
        r += (1 - p) * mpmath.log((1 - p) / (1 - q))
    return r


class Family:
    discrete = False
    moments = True

    def fisher(self, t):
        return None


class Normal(Family):
    name = "normal"
    def entropy(self, t): m, s = t; return mpmath.log(2 * mpmath.pi * mpmath.e * s * s) / 2
    def mean(self, t): return t[0]
    def variance(self, t): return t[1] ** 2
    def logpdf(self, t, x): m, s = t; return -((x - m) / s) ** 2 / 2 - mpmath.log(s) - mpmath.log(2 * mpmath.pi) / 2
    def points(self, t): m, s = t; return [m + s * k for k in (-40, -20, -10, -5, -2, 0, 2, 5, 10, 20, 40)]
    def kl(self, p, q):
        (mp_, sp), (mq, sq) = p, q
        return mpmath.log(sq / sp) + (sp ** 2 + (mp_ - mq) ** 2) / (2 * sq ** 2) - mpf(1) / 2
    def fisher(self, t): s = t[1]; return [[1 / s ** 2, 0], [0, 2 / s ** 2]]
    def sample(self):
        return (signed(1e-300, 1e300) if rng.random() < 0.8 else 0.0, lu(1e-300, 1e300))
    def moderate(self): return (rng.uniform(-3, 3), lu(0.1, 10))


class Exponential(Family):
    name = "exponential"
    def entropy(self, t): return 1 - mpmath.log(t[0])
    def mean(self, t): return 1 / t[0]
    def variance(self, t): return 1 / t[0] ** 2
    def logpdf(self, t, x): return mpmath.log(t[0]) - t[0] * x
    def support(self, t): return (0, INF)
    def points(self, t): s = 1 / t[0]; return [0] + [s * k for k in (1e-3, 0.1, 0.5, 1, 2, 5, 10, 20, 40, 80, 160)]
    def kl(self, p, q): r = q[0] / p[0]; return r - 1 - mpmath.log(r)
    def fisher(self, t): return [[1 / t[0] ** 2]]
    def sample(self): return (lu(1e-300, 1e300),)
    def moderate(self): return (lu(0.1, 10),)


class Laplace(Family):
    name = "laplace"
    def entropy(self, t): return 1 + mpmath.log(2 * t[1])
    def mean(self, t): return t[0]
    def variance(self, t): return 2 * t[1] ** 2
    def logpdf(self, t, x): m, b = t; return -abs(x - m) / b - mpmath.log(2 * b)
    def points(self, t): m, b = t; return [m + b * k for k in (-80, -40, -20, -10, -5, -2, 0, 2, 5, 10, 20, 40, 80)]
    def kl(self, p, q):
        (mp_, bp), (mq, bq) = p, q
        delta = abs(mp_ - mq)
        return mpmath.log(bq / bp) + delta / bq + bp / bq * mpmath.exp(-delta / bp) - 1
    def fisher(self, t): b = t[1]; return [[1 / b ** 2, 0], [0, 1 / b ** 2]]
    def sample(self): return (signed(1e-300, 1e300) if rng.random() < 0.8 else 0.0, lu(1e-300, 1e300))
    def moderate(self): return (rng.uniform(-3, 3), lu(0.1, 10))


class Uniform(Family):
    name = "uniform"
    def entropy(self, t): return mpmath.log(t[1] - t[0])
    def mean(self, t): return (t[0] + t[1]) / 2
    def variance(self, t): return (t[1] - t[0]) ** 2 / 12
    def logpdf(self, t, x): return -mpmath.log(t[1] - t[0]) if t[0] <= x <= t[1] else -INF
    def support(self, t): return (t[0], t[1])
    def points(self, t): a, b = t; return [a + (b - a) * k / 8 for k in range(9)]
    def kl(self, p, q):
        if p[0] < q[0] or p[1] > q[1]:
            return INF
        return mpmath.log((q[1] - q[0]) / (p[1] - p[0]))
    def sample(self):
        a = signed(1e-300, 1e300) if rng.random() < 0.7 else 0.0
        w = lu(1e-300, 1e300)
        b = a + w
        if b == a or not math.isfinite(b):
            return (-1.5e308, 1.5e308) if rng.random() < 0.2 else (0.0, w)
        return (a, b)
    def moderate(self): a = rng.uniform(-3, 3); return (a, a + lu(0.1, 10))


class Bernoulli(Family):
    name = "bernoulli"
    discrete = True
    def entropy(self, t): p = t[0]; return -xlogx(p) - xlogx(1 - p)
    def mean(self, t): return t[0]
    def variance(self, t): return t[0] * (1 - t[0])
    def pmf_terms(self, t): p = t[0]; return [(0, 1 - p), (1, p)]
    def kl(self, p, q):
        if (q[0] == 0 and p[0] > 0) or (q[0] == 1 and p[0] < 1):
            return INF
        return kl_bern(p[0], q[0])
    def fisher(self, t): p = t[0]; return [[1 / (p * (1 - p))]]
    def sample(self): return (rng.choice(prob_sweep(3)),)
    def moderate(self): return (rng.uniform(0.05, 0.95),)


class Geometric(Family):
    name = "geometric"
    discrete = True
    def entropy(self, t): p = t[0]; return (-xlogx(p) - xlogx(1 - p)) / p
    def mean(self, t): return (1 - t[0]) / t[0]
    def variance(self, t): return (1 - t[0]) / t[0] ** 2
    def pmf(self, t, k): return t[0] * (1 - t[0]) ** k
    def pmf_terms(self, t):
        p = t[0]
        return [(k, p * (1 - p) ** k) for k in range(int(400 / p) + 50)]
    def kl(self, p, q):
        a, b = p[0], q[0]
        r = mpmath.log(a / b)
        if a < 1:
            r += (1 - a) / a * mpmath.log((1 - a) / (1 - b))
        return r
    def fisher(self, t): p = t[0]; return [[1 / (p * p * (1 - p))]]
    def sample(self):
        p = rng.choice(prob_sweep(3))
        return (p if p > 0 else 0.5,)
    def moderate(self): return (rng.uniform(0.2, 0.9),)


def discrete_entropy_by_integral(logpmf, mu, sigma):
    """−Σ_k p(k) log p(k) for a pmf that is smooth in k (log-gamma continuation) with σ ≥ 30: the
    sum equals the integral up to terms of order exp(−2π²σ²) (Poisson summation)."""
    pts = [mu + sigma * k for k in range(-40, 41, 2)]
    g = lambda x: -mpmath.exp(logpmf(x)) * logpmf(x)
    return mpmath.quad(g, pts)


def discrete_entropy_by_sum(logpmf, mu, sigma, lo=0, hi=None):
    a = max(lo, int(mu - 45 * sigma - 50))
    b = int(mu + 45 * sigma + 50)
    if hi is not None:
        b = min(b, hi)
    s = mpf(0)
    for k in range(a, b + 1):
        lp = logpmf(mpf(k))
        s -= mpmath.exp(lp) * lp
    return s


class Poisson(Family):
    name = "poisson"
    discrete = True
    def logpmf(self, t, k): lam = t[0]; return k * mpmath.log(lam) - lam - lgam(k + 1)
    def pmf(self, t, k): return mpmath.exp(self.logpmf(t, k))
    def entropy(self, t):
        lam = t[0]
        if lam == 0:
            return mpf(0)
        if lam >= 900:
            return discrete_entropy_by_integral(lambda k: self.logpmf(t, k), lam, mpmath.sqrt(lam))
        return discrete_entropy_by_sum(lambda k: self.logpmf(t, k), lam, mpmath.sqrt(lam))
    def mean(self, t): return t[0]
    def variance(self, t): return t[0]
    def pmf_terms(self, t): return [(k, mpmath.exp(self.logpmf(t, k))) for k in range(int(t[0] + 60 * math.sqrt(t[0]) + 60))]
    def kl(self, p, q):
        a, b = p[0], q[0]
        if a == 0:
            return b
        return a * mpmath.log(a / b) - a + b
    def fisher(self, t): return [[1 / t[0]]]
    def sample(self): return (lu(1e-300, 1e12),)
    def moderate(self): return (lu(0.5, 30),)


class Binomial(Family):
    name = "binomial"
    discrete = True
    integer_params = (0,)
    def logpmf(self, t, k):
        n, p = t
        return lgam(n + 1) - lgam(k + 1) - lgam(n - k + 1) + k * mpmath.log(p) + (n - k) * mpmath.log1p(-p)
    def entropy(self, t):
        n, p = t
        if p == 0 or p == 1:
            return mpf(0)
        sigma = mpmath.sqrt(n * p * (1 - p))
        if sigma >= 30:
            return discrete_entropy_by_integral(lambda k: self.logpmf(t, k), n * p, sigma)
        return discrete_entropy_by_sum(lambda k: self.logpmf(t, k), n * p, sigma, 0, int(n))
    def mean(self, t): return t[0] * t[1]
    def variance(self, t): return t[0] * t[1] * (1 - t[1])
    def pmf_terms(self, t): return [(k, mpmath.exp(self.logpmf(t, k))) for k in range(int(t[0]) + 1)]
    def kl(self, p, q):
        if p[0] == q[0]:
            return p[0] * kl_bern(p[1], q[1])
        if p[0] > q[0]:
            return INF
        s = mpf(0)
        for k in range(int(p[0]) + 1):
            lp = self.logpmf(p, k)
            s += mpmath.exp(lp) * (lp - self.logpmf(q, k))
        return s
    def fisher(self, t): n, p = t; return [[n / (p * (1 - p))]]
    def sample(self):
        n = float(round(lu(1, 1e9)))
        return (n, rng.choice(prob_sweep(2)))
    def moderate(self): return (float(rng.randint(1, 40)), rng.uniform(0.1, 0.9))


class LogNormal(Family):
    name = "log_normal"
    def entropy(self, t): mu, s = t; return mu + mpf(1) / 2 + mpmath.log(s * mpmath.sqrt(2 * mpmath.pi))
    def mean(self, t): mu, s = t; return mpmath.exp(mu + s * s / 2)
    def variance(self, t): mu, s = t; return mpmath.expm1(s * s) * mpmath.exp(2 * mu + s * s)
    def logpdf(self, t, x):
        mu, s = t
        lx = mpmath.log(x)
        return -((lx - mu) / s) ** 2 / 2 - lx - mpmath.log(s) - mpmath.log(2 * mpmath.pi) / 2
    def support(self, t): return (0, INF)
    def points(self, t): mu, s = t; return [mpmath.exp(mu + s * k) for k in (-40, -20, -10, -5, -2, 0, 2, 5, 10, 20, 40)]
    def kl(self, p, q): return NORMAL.kl(p, q)
    def fisher(self, t): return NORMAL.fisher(t)
    def sample(self):
        s = lu(1e-300, 1e300) if rng.random() < 0.5 else lu(1e-5, 30)
        return (rng.choice([signed(1e-300, 1e300), rng.uniform(-700, 700), 355.0]), s)
    def moderate(self): return (rng.uniform(-1, 1), lu(0.2, 1.5))


class HalfNormal(Family):
    name = "half_normal"
    def entropy(self, t): s = t[0]; return mpmath.log(mpmath.pi * mpmath.e * s * s / 2) / 2
    def mean(self, t): return t[0] * mpmath.sqrt(2 / mpmath.pi)
    def variance(self, t): return t[0] ** 2 * (1 - 2 / mpmath.pi)
    def logpdf(self, t, x): s = t[0]; return -(x / s) ** 2 / 2 - mpmath.log(s) + mpmath.log(2 / mpmath.pi) / 2
    def support(self, t): return (0, INF)
    def points(self, t): s = t[0]; return [s * k for k in (0, 1, 2, 5, 10, 20, 40)]
    def kl(self, p, q): r = p[0] / q[0]; return -mpmath.log(r) + (r * r - 1) / 2
    def fisher(self, t): return [[2 / t[0] ** 2]]
    def sample(self): return (lu(1e-300, 1e300),)
    def moderate(self): return (lu(0.1, 10),)


class Cauchy(Family):
    name = "cauchy"
    moments = False
    def entropy(self, t): return mpmath.log(4 * mpmath.pi * t[1])
    def logpdf(self, t, x): m, g = t; return -mpmath.log(mpmath.pi * g * (1 + ((x - m) / g) ** 2))
    def points(self, t): m, g = t; return [-INF] + [m + g * k for k in (-1e4, -100, -10, -1, 0, 1, 10, 100, 1e4)] + [INF]
    def kl(self, p, q):
        (mp_, gp), (mq, gq) = p, q
        return mpmath.log(((gp + gq) ** 2 + (mp_ - mq) ** 2) / (4 * gp * gq))
    def fisher(self, t): g = t[1]; return [[1 / (2 * g * g), 0], [0, 1 / (2 * g * g)]]
    def sample(self): return (signed(1e-300, 1e300) if rng.random() < 0.8 else 0.0, lu(1e-300, 1e300))
    def moderate(self): return (rng.uniform(-3, 3), lu(0.1, 10))


class Pareto(Family):
    name = "pareto"
    def entropy(self, t): s, a = t; return mpmath.log(s / a) + 1 / a + 1
    def mean(self, t): s, a = t; return a * s / (a - 1) if a > 1 else INF
    def variance(self, t): s, a = t; return s * s * a / ((a - 1) ** 2 * (a - 2)) if a > 2 else INF
    def logpdf(self, t, x): s, a = t; return mpmath.log(a) + a * mpmath.log(s) - (a + 1) * mpmath.log(x)
    def support(self, t): return (t[0], INF)
    def points(self, t): s, a = t; return [s * mpmath.exp(k / a) for k in (0, 0.01, 0.1, 0.5, 1, 2, 5, 10, 20, 40, 80, 160)] + [INF]
    def kl(self, p, q):
        (sp, ap), (sq, aq) = p, q
        if sp < sq:
            return INF
        r = aq / ap
        return -mpmath.log(r) + r - 1 + aq * mpmath.log(sp / sq)
    def fisher(self, t): return [[1 / t[1] ** 2]]
    def sample(self): return (lu(1e-300, 1e300), lu(1e-8, 1e8))
    def moderate(self): return (lu(0.5, 2), lu(2.5, 6))


class Gumbel(Family):
    name = "gumbel"
    def entropy(self, t): return mpmath.log(t[1]) + EG + 1
    def mean(self, t): return t[0] + EG * t[1]
    def variance(self, t): return mpmath.pi ** 2 * t[1] ** 2 / 6
    def logpdf(self, t, x): m, b = t; z = (x - m) / b; return -(z + mpmath.exp(-z)) - mpmath.log(b)
    def support(self, t): return (t[0] - 8 * t[1], INF)  # the mass below is exp(−e⁸) ≈ 1e-1294
    def points(self, t): m, b = t; return [m + b * k for k in (-8, -6, -4, -3, -2, -1, 0, 1, 2, 5, 10, 20, 40, 80)]
    def kl(self, p, q):
        (mp_, bp), (mq, bq) = p, q
        return (mpmath.log(bq / bp) + (mp_ - mq) / bq + EG * (bp / bq - 1)
                + mpmath.exp((mq - mp_) / bq) * mpmath.gamma(1 + bp / bq) - 1)
    def fisher(self, t):
        b2 = t[1] ** 2
        return [[1 / b2, (EG - 1) / b2], [(EG - 1) / b2, (mpmath.pi ** 2 / 6 + (1 - EG) ** 2) / b2]]
    def sample(self): return (signed(1e-300, 1e300) if rng.random() < 0.8 else 0.0, lu(1e-300, 1e300))
    def moderate(self): return (rng.uniform(-3, 3), lu(0.3, 3))


class Gamma(Family):
    name = "gamma"
    def entropy(self, t): a, r = t; return a - mpmath.log(r) + lgam(a) + (1 - a) * psi(a)
    def mean(self, t): return t[0] / t[1]
    def variance(self, t): return t[0] / t[1] ** 2
    def logpdf(self, t, x): a, r = t; return a * mpmath.log(r) + (a - 1) * mpmath.log(x) - r * x - lgam(a)
    def support(self, t): return (0, INF)
    def points(self, t):
        a, r = t
        m, s = a / r, mpmath.sqrt(a) / r
        if a >= 50:
            return [max(0, m + s * k) for k in (-40, -20, -10, -5, -2, 0, 2, 5, 10, 20, 40, 80)]
        return [0] + [k / r for k in (1e-30, 1e-10, 1e-4, 1e-2, 0.1, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 400)] + [(a + 400) / r]
    def kl(self, p, q):
        (ap, rp), (aq, rq) = p, q
        return ((ap - aq) * psi(ap) - lgam(ap) + lgam(aq) + aq * mpmath.log(rp / rq) + ap * (rq - rp) / rp)
    def fisher(self, t): a, r = t; return [[trig(a), -1 / r], [-1 / r, a / r ** 2]]
    def sample(self): return (lu(1e-8, 1e8), lu(1e-300, 1e300) if rng.random() < 0.5 else lu(1e-3, 1e3))
    def moderate(self): return (lu(0.5, 10), lu(0.2, 5))


def lbeta(a, b):
    return lgam(a) + lgam(b) - lgam(a + b)


class Beta(Family):
    name = "beta"
    def entropy(self, t):
        a, b = t
        return lbeta(a, b) - (a - 1) * psi(a) - (b - 1) * psi(b) + (a + b - 2) * psi(a + b)
    def mean(self, t): a, b = t; return a / (a + b)
    def variance(self, t): a, b = t; return a * b / ((a + b) ** 2 * (a + b + 1))
    def logpdf(self, t, x):
        a, b = t
        return (a - 1) * mpmath.log(x) + (b - 1) * mpmath.log1p(-x) - lbeta(a, b)
    def support(self, t): return (0, 1)
    def points(self, t): return [0, mpf(1) / 4, mpf(1) / 2, mpf(3) / 4, 1]
    def kl(self, p, q):
        (ap, bp), (aq, bq) = p, q
        return (lbeta(aq, bq) - lbeta(ap, bp) + (ap - aq) * psi(ap) + (bp - bq) * psi(bp)
                + (aq - ap + bq - bp) * psi(ap + bp))
    def fisher(self, t):
        a, b = t
        c = trig(a + b)
        return [[trig(a) - c, -c], [-c, trig(b) - c]]
    def sample(self): return (lu(1e-8, 1e8), lu(1e-8, 1e8))
    def moderate(self): return (lu(0.7, 8), lu(0.7, 8))


NORMAL = Normal()
SCALAR = [NORMAL, Exponential(), Laplace(), Uniform(), Bernoulli(), Geometric(), Poisson(), Binomial(),
          LogNormal(), HalfNormal(), Cauchy(), Pareto(), Gumbel(), Gamma(), Beta()]
BY_NAME = {f.name: f for f in SCALAR}


# ---- multivariate families --------------------------------------------------------------------
def normalised(v):
    """The distribution a categorical vector stands for: v/Σv (its sum is 1 within rounding)."""
    s = mpmath.fsum(v)
    return [x / s for x in v]


def cat_entropy(v): return -mpmath.fsum(xlogx(x) for x in normalised(v))
def cat_mean(v): return mpmath.fsum(i * x for i, x in enumerate(normalised(v)))
def cat_variance(v):
    m = cat_mean(v)
    v = normalised(v)
    return mpmath.fsum((i - m) ** 2 * x for i, x in enumerate(v))
def cat_kl(p, q):
    p, q = normalised(p), normalised(q)
    s = mpf(0)
    for a, b in zip(p, q):
        if a > 0:
            if b == 0:
                return INF
            s += a * mpmath.log(a / b)
    return s


def dir_entropy(a):
    a0 = mpmath.fsum(a)
    return (mpmath.fsum(lgam(x) for x in a) - lgam(a0) + (a0 - len(a)) * psi(a0)
            - mpmath.fsum((x - 1) * psi(x) for x in a))
def dir_kl(a, b):
    a0, b0 = mpmath.fsum(a), mpmath.fsum(b)
    return (lgam(a0) - mpmath.fsum(lgam(x) for x in a) - lgam(b0) + mpmath.fsum(lgam(y) for y in b)
            + mpmath.fsum((x - y) * (psi(x) - psi(a0)) for x, y in zip(a, b)))
def dir_fisher(a):
    c = trig(mpmath.fsum(a))
    return [[(trig(a[i]) if i == j else 0) - c for j in range(len(a))] for i in range(len(a))]


def mvn_entropy(m, c):
    k = len(m)
    return (k * mpmath.log(2 * mpmath.pi * mpmath.e) + mpmath.log(mpmath.det(mpmath.matrix(c)))) / 2
def mvn_kl(mp_, cp, mq, cq):
    k = len(mp_)
    cp, cq = mpmath.matrix(cp), mpmath.matrix(cq)
    iq = cq ** -1
    dm = mpmath.matrix([mq[i] - mp_[i] for i in range(k)])
    quad = (dm.T * iq * dm)[0]
    tr = sum((iq * cp)[i, i] for i in range(k))
    return (tr + quad - k + mpmath.log(mpmath.det(cq)) - mpmath.log(mpmath.det(cp))) / 2


# ---- checks against independent evaluations ---------------------------------------------------
def close(a, b, tol=mpf(10) ** -30, what=""):
    if a == b:
        return
    err = abs(a - b) / max(abs(b), mpf(10) ** -300)
    assert err < tol, f"check failed: {what}: {a} vs {b} (rel {mpmath.nstr(err, 3)})"


def quad_expect(f, t, g):
    lo, hi = f.support(t) if hasattr(f, "support") else (-INF, INF)
    pts = [x for x in f.points(t) if lo <= x <= hi]
    pts = sorted(set([mpf(lo)] + pts + [mpf(hi)]))
    return mpmath.quad(lambda x: mpmath.exp(f.logpdf(t, x)) * g(x), pts)


def quad_kl(f, p, g, q):
    lo, hi = f.support(p) if hasattr(f, "support") else (-INF, INF)
    pts = [x for x in f.points(p) if lo <= x <= hi]
    if hasattr(g, "points"):
        pts += [x for x in g.points(q) if lo <= x <= hi]
    if hasattr(g, "support"):
        pts += [x for x in g.support(q) if lo <= x <= hi and abs(x) != INF]
    pts = sorted(set([mpf(lo)] + [mpf(x) for x in pts] + [mpf(hi)]))

    def integrand(x):
        lp = f.logpdf(p, x)
        if lp == -INF:
            return mpf(0)
        lq = g.logpdf(q, x)
        return mpmath.exp(lp) * (lp - lq)
    return mpmath.quad(integrand, pts)


def check_scalar(f):
    for _ in range(2):
        t = tuple(d(x) for x in f.moderate())
        u = tuple(d(x) for x in f.moderate())
        if f.name == "pareto":
            u = (min(u[0], t[0]), u[1])
        if f.name == "uniform":
            u = (t[0] - abs(u[0]) - mpf(1) / 8, t[1] + abs(u[1]))
        if f.name == "binomial":
            u = (t[0], u[1])
        if f.discrete:
            terms = f.pmf_terms(t)
            total = mpmath.fsum(w for _, w in terms)
            close(total, mpf(1), mpf(10) ** -25, f.name + " mass")
            close(f.entropy(t), -mpmath.fsum(w * mpmath.log(w) for _, w in terms if w > 0), mpf(10) ** -25, f.name + " entropy")
            close(f.mean(t), mpmath.fsum(k * w for k, w in terms), mpf(10) ** -25, f.name + " mean")
            m = f.mean(t)
            close(f.variance(t), mpmath.fsum((k - m) ** 2 * w for k, w in terms), mpf(10) ** -25, f.name + " variance")
            qterms = dict(f.pmf_terms(u))
            qw = lambda k: qterms[k] if k in qterms else f.pmf(u, k)
            ref = mpmath.fsum(w * mpmath.log(w / qw(k)) for k, w in terms if w > 0)
            close(f.kl(t, u), ref, mpf(10) ** -25, f.name + " kl")
        else:
            close(f.entropy(t), -quad_expect(f, t, lambda x: f.logpdf(t, x)), mpf(10) ** -25, f.name + " entropy")
            if f.moments and f.mean(t) != INF:
                close(f.mean(t), quad_expect(f, t, lambda x: x), mpf(10) ** -25, f.name + " mean")
                m = f.mean(t)
                if f.variance(t) != INF:
                    close(f.variance(t), quad_expect(f, t, lambda x: (x - m) ** 2), mpf(10) ** -20, f.name + " variance")
            close(f.kl(t, u), quad_kl(f, t, f, u), mpf(10) ** -25, f.name + " kl")
        # Fisher = the Hessian in q of KL(p_t ‖ q) at q = t.
        fi = f.fisher(t)
        if fi is not None:
            idx = [1] if f.name in ("pareto", "binomial") else list(range(len(t)))
            for a, i in enumerate(idx):
                for b, j in enumerate(idx):
                    def klq(x, y):
                        q = list(t)
                        q[i] += x
                        q[j] += y
                        return f.kl(t, tuple(q))
                    if i == j:
                        h = mpmath.diff(lambda x: f.kl(t, tuple(t[k] + (x if k == i else 0) for k in range(len(t)))), 0, 2)
                    else:
                        h = mpmath.diff(klq, (0, 0), (1, 1))
                    close(fi[a][b], h, mpf(10) ** -20, f.name + f" fisher[{a},{b}]")
    if f.name == "poisson":
        for lam in (mpf(1000), mpf(3000)):  # the integral against exact summation
            t = (lam,)
            close(discrete_entropy_by_integral(lambda k: f.logpmf(t, k), lam, mpmath.sqrt(lam)),
                  discrete_entropy_by_sum(lambda k: f.logpmf(t, k), lam, mpmath.sqrt(lam)), mpf(10) ** -30, "poisson integral")
    if f.name == "binomial":
        t = (mpf(5000), mpf(0.375))
        sg = mpmath.sqrt(t[0] * t[1] * (1 - t[1]))
        close(discrete_entropy_by_integral(lambda k: f.logpmf(t, k), t[0] * t[1], sg),
              discrete_entropy_by_sum(lambda k: f.logpmf(t, k), t[0] * t[1], sg, 0, 5000), mpf(10) ** -30, "binomial integral")


def check_multivariate():
    a = [d(1.5), d(2.25)]
    b = [d(0.75), d(3.5)]
    close(dir_entropy(a), BY_NAME["beta"].entropy(a), mpf(10) ** -40, "dirichlet K=2 entropy vs beta")
    close(dir_kl(a, b), BY_NAME["beta"].kl(a, b), mpf(10) ** -40, "dirichlet K=2 kl vs beta")
    close(dir_fisher(a)[0][1], BY_NAME["beta"].fisher(a)[0][1], mpf(10) ** -40, "dirichlet fisher vs beta")
    close(mvn_entropy([d(0.5)], [[d(2.25)]]), NORMAL.entropy((d(0.5), d(1.5))), mpf(10) ** -40, "mv_normal k=1 entropy")
    close(mvn_kl([d(0.5)], [[d(2.25)]], [d(-1)], [[d(0.25)]]), NORMAL.kl((d(0.5), d(1.5)), (d(-1), d(0.5))), mpf(10) ** -40, "mv_normal k=1 kl")
    # Block-diagonal covariances: the KL is the sum of the blocks' KLs.
    cp = [[d(2), d(0.5), 0], [d(0.5), d(1), 0], [0, 0, d(3)]]
    cq = [[d(1), d(-0.25), 0], [d(-0.25), d(2), 0], [0, 0, d(0.5)]]
    mp_, mq = [d(1), d(2), d(-1)], [d(0), d(0.5), d(1)]
    two = mvn_kl(mp_[:2], [r[:2] for r in cp[:2]], mq[:2], [r[:2] for r in cq[:2]])
    one = NORMAL.kl((mp_[2], mpmath.sqrt(cp[2][2])), (mq[2], mpmath.sqrt(cq[2][2])))
    close(mvn_kl(mp_, cp, mq, cq), two + one, mpf(10) ** -40, "mv_normal block kl")
    # categorical KL against bernoulli
    close(cat_kl([d(0.25), d(0.75)], [d(0.5), d(0.5)]), kl_bern(d(0.75), d(0.5)), mpf(10) ** -40, "categorical vs bernoulli")


# ---- output ------------------------------------------------------------------------------------
rows = []


def fmt_params(t):
    return " ".join(repr(float(x)) for x in t)


def fmt_ref(v):
    if v == INF:
        return "inf"
    if v == -INF:
        return "-inf"
    if v == 0:
        return "0"
    return mpmath.nstr(v, 20, min_fixed=1, max_fixed=0)


def agree(a, b):
    if a == b:
        return True
    if not (mpmath.isfinite(a) and mpmath.isfinite(b)):
        return False
    return abs(a - b) <= mpf(10) ** -30 * max(abs(a), abs(b))


def evaluate(fn, args, dps):
    """fn at increasing working precision until two successive values agree to 30 digits.

    Parameters reach 1e±300 and formulas such as (1 − p)·log(1 − p) at p = 1e-300, or
    σp²/(2σq²) − ½ for nearly equal scales, cancel far beyond 50 digits: a fixed precision
    would write the cancellation's noise (or 0) as the reference. Returns (value, digits)."""
    # Two levels can agree and both be wrong when both round 1 − p to 1: the first level already
    # carries as many extra digits as the largest decimal exponent among the arguments.
    spread = max([abs(math.frexp(float(x))[1]) * 0.30103 for x in args if x != 0 and math.isfinite(float(x))] + [0])
    base = dps + int(spread) + 10
    prev = None
    for digits in (base, 2 * base + 50, 2500, 5000):
        if digits < base:
            continue
        with mpmath.workdps(digits):
            v = fn([d(x) for x in args])
        if isinstance(v, mpmath.mpc):
            return v, digits
        if prev is not None and agree(prev, v):
            return v, digits
        prev = v
    return v, digits  # no two levels agreed: the value is 0 in truth (noise at 2500 digits) or nearly


def condition(fn, t, real_index, digits, many=False):
    """Σ_i |∂ log f / ∂ log x_i| by central differences (2 digits are enough), at 20 digits more
    than the value needed."""
    with mpmath.workdps(digits + 60):
        f0 = fn([d(x) for x in t])
        if f0 == 0 or not mpmath.isfinite(f0):
            return 0.0
        total = mpf(0)
        # A small step: a covariance of condition 1e12 stops being positive definite when one
        # entry moves by 1e-7 of itself.
        h = mpf(10) ** -7 if digits == 0 else mpf(10) ** -30
        # Vectors of more than 12 entries: the first 12 only (K = 1000 would take 2000 extra
        # evaluations per case); cond is then a lower bound, used by the test for single-
        # distribution functions only.
        # mv_normal (k ≤ 5): every entry, the q covariance's included (its condition number is
        # what limits a KL against an ill-conditioned Σq).
        for i in (list(real_index) if len(t) <= 80 and many else list(real_index)[:12]):
            if t[i] == 0:
                continue
            up = [d(x) for x in t]
            dn = [d(x) for x in t]
            up[i] *= 1 + h
            dn[i] *= 1 - h
            try:
                fu, fd = fn(up), fn(dn)
            except (ValueError, ZeroDivisionError, TypeError):
                continue
            if isinstance(fu, mpmath.mpc) or isinstance(fd, mpmath.mpc):
                continue
            if not (mpmath.isfinite(fu) and mpmath.isfinite(fd)):
                continue
            total += abs((fu - fd) / (2 * h * f0))
        return float(total)


def emit(family, qfamily, function, t, u, fn, real_index=None, dps=50, adaptive=True):
    """fn(list of mpf) -> value; t and u are the p and q parameter tuples of doubles.
    The condition number is written for single-distribution functions only (the test widens
    only their bound); quadratures (adaptive=False) are evaluated once at dps."""
    allp = list(t) + list(u)
    if real_index is None:
        real_index = range(len(allp))
    if adaptive:
        v, digits = evaluate(fn, allp, dps)
    else:
        with mpmath.workdps(dps):
            v, digits = fn([d(x) for x in allp]), dps
    if isinstance(v, mpmath.mpc) or (v != INF and v != -INF and not mpmath.isfinite(v)):
        return
    if mpmath.isfinite(v) and v != 0 and abs(v) > mpf(1.7e308):
        v = INF if v > 0 else -INF  # the true value does not fit in a double
    # Sums and quadratures (adaptive=False) do not cancel: their condition number at 20 digits.
    # mv_normal KLs too: their conditioning in the covariance entries is intrinsic (cond(Σ)).
    c = (condition(fn, allp, real_index, digits if adaptive else 0, many=family == "mv_normal")
         if (not qfamily or family == "mv_normal") and mpmath.isfinite(v) and v != 0 else 0.0)
    rows.append((family, qfamily, function, fmt_params(t), fmt_params(u), fmt_ref(v), f"{c:.2g}"))


def maybe_float(t):
    """A quarter of the moderate cases get float-exact parameters, for the float instantiation."""
    if rng.random() < 0.25 and all(1e-30 < abs(x) < 1e30 or x == 0 for x in t):
        return tuple(float(f32(x)) for x in t)
    return t


def perturb(t, rel, which):
    out = list(t)
    for i in which:
        if out[i] != 0:
            out[i] = out[i] * (1 + rel)
    return tuple(out)


def scalar_rows(f, n_single, n_kl):
    np_ = len(f.sample())
    real_idx = [i for i in range(np_) if i not in getattr(f, "integer_params", ())]
    singles = [f.sample() for _ in range(n_single)] + [maybe_float(f.moderate()) for _ in range(n_single // 3)]
    for t in singles:
        # Poisson and binomial entropies are sums of positive terms (or their quadrature): no
        # cancellation, and a quadrature at 2500 digits would take hours.
        emit(f.name, "", "entropy", t, (), lambda v: f.entropy(tuple(v)), real_idx,
             adaptive=f.name not in ("poisson", "binomial"))
        if f.moments:
            emit(f.name, "", "mean", t, (), lambda v: f.mean(tuple(v)), real_idx)
            emit(f.name, "", "variance", t, (), lambda v: f.variance(tuple(v)), real_idx)
    fisher_cases = [f.sample() for _ in range(n_single // 3)] + [maybe_float(f.moderate()) for _ in range(3)]
    fi0 = f.fisher(tuple(d(x) for x in f.moderate()))
    if fi0 is not None:
        for t in fisher_cases:
            if f.name == "geometric" and t[0] < 1e-100:
                continue
            k = len(fi0)
            for i in range(k):
                for j in range(i, k):
                    emit(f.name, "", f"fisher[{i}][{j}]", t, (), lambda v, i=i, j=j: mpf(f.fisher(tuple(v))[i][j]), real_idx)
    # Same-family KL: nearly equal (one or all parameters moved by 1e-3 … 1e-15) and far apart.
    for _ in range(n_kl):
        t = f.sample() if rng.random() < 0.7 else maybe_float(f.moderate())
        rel = lu(1e-15, 1e-3) * rng.choice([-1, 1])
        which = rng.choice([[i] for i in real_idx] + [real_idx])
        u = perturb(t, rel, which)
        if f.name == "uniform" and not (u[0] <= t[0] and u[1] >= t[1]):
            u = (min(u[0], t[0]), max(u[1], t[1]))
        if f.name == "pareto" and u[0] > t[0]:
            u = (t[0], u[1])
        if u == t or any(not math.isfinite(x) for x in u):
            continue
        if f.name in ("bernoulli", "geometric") and not (0 < u[0] <= 1):
            continue
        if f.name == "binomial" and not (0 < u[1] < 1):
            continue
        if f.name == "binomial" and rng.random() < 0.15:  # fewer trials: the exact finite sum
            t = (float(rng.randint(1, 30)), t[1] if t[1] > 1e-5 else 0.3)
            u = (float(rng.randint(int(t[0]), 60)), rng.uniform(0.05, 0.95))
        emit(f.name, f.name, "kl", t, u, lambda v: f.kl(tuple(v[:np_]), tuple(v[np_:])),
             [i for i in range(2 * np_) if i % np_ in real_idx], dps=HI)
    for _ in range(n_kl // 2):
        t, u = f.sample(), f.sample()
        if f.name == "binomial":
            u = (t[0], u[1])
        if f.name == "uniform" and rng.random() < 0.5:
            u = (t[0] - abs(u[0]), t[1] + abs(u[1]))
        if f.name == "pareto" and rng.random() < 0.7:
            u = (t[0] * lu(1e-20, 1), u[1])
        if any(not math.isfinite(x) for x in u):
            continue
        emit(f.name, f.name, "kl", t, u, lambda v: f.kl(tuple(v[:np_]), tuple(v[np_:])),
             [i for i in range(2 * np_) if i % np_ in real_idx], dps=HI)
        if f.name != "binomial":  # Poisson's entropy is a sum or quadrature: one evaluation at 100 digits
            emit(f.name, f.name, "cross_entropy", t, u,
                 lambda v: f.entropy(tuple(v[:np_])) + f.kl(tuple(v[:np_]), tuple(v[np_:])),
                 [i for i in range(2 * np_) if i % np_ in real_idx], dps=HI, adaptive=f.name != "poisson")


# Cross-family pairs of kldiv (include/kldiv/divergence/*.hpp) with parameter samplers that keep
# the quadrature meaningful; pairs whose supports do not nest are +inf by construction.
def loc_scale(lo=1e-6, hi=1e6, loc=1e3):
    return (rng.uniform(-loc, loc), lu(lo, hi))


CROSS = {
    ("normal", "laplace"): lambda: (loc_scale(), loc_scale()),
    ("exponential", "normal"): lambda: ((lu(1e-6, 1e6),), loc_scale()),
    ("exponential", "laplace"): lambda: ((lu(1e-6, 1e6),), loc_scale()),
    ("laplace", "normal"): lambda: (loc_scale(), loc_scale()),
    ("uniform", "normal"): lambda: (BY_NAME["uniform"].moderate(), loc_scale()),
    ("uniform", "exponential"): lambda: ((lambda a: (a, a + lu(1e-3, 1e3)))(lu(1e-3, 10)), (lu(1e-3, 1e3),)),
    ("uniform", "laplace"): lambda: (BY_NAME["uniform"].moderate(), loc_scale()),
    ("normal", "gumbel"): lambda: (loc_scale(1e-3, 1e3), (rng.uniform(-10, 10), lu(0.05, 50))),
    ("exponential", "gumbel"): lambda: ((lu(1e-2, 1e2),), (rng.uniform(-10, 10), lu(0.05, 50))),
    ("gamma", "gumbel"): lambda: ((lu(0.1, 1e3), lu(0.1, 10)), (rng.uniform(-10, 10), lu(0.1, 50))),
    ("uniform", "gumbel"): lambda: (BY_NAME["uniform"].moderate(), (rng.uniform(-10, 10), lu(0.1, 50))),
    ("gumbel", "normal"): lambda: ((rng.uniform(-10, 10), lu(0.05, 50)), loc_scale(1e-2, 1e3, 10)),
    ("uniform", "pareto"): lambda: ((lambda a: (a, a + lu(1e-3, 1e3)))(lu(1, 10)), (lu(0.01, 1), lu(0.01, 100))),
    ("pareto", "exponential"): lambda: ((lu(1e-3, 1e3), lu(1.1, 100)), (lu(1e-3, 1e3),)),
    ("pareto", "gamma"): lambda: ((lu(1e-3, 1e3), lu(1.1, 100)), (lu(0.1, 100), lu(1e-3, 1e3))),
    ("pareto", "normal"): lambda: ((lu(1e-3, 1e3), lu(2.1, 100)), loc_scale(1e-2, 1e3, 10)),
    ("beta", "gamma"): lambda: ((lu(0.2, 1e3), lu(0.2, 1e3)), (lu(0.1, 100), lu(1e-3, 1e3))),
    ("gamma", "exponential"): lambda: ((lu(0.1, 1e8), lu(1e-3, 1e8)), (lu(1e-3, 1e3),)),
    ("exponential", "gamma"): lambda: ((lu(1e-3, 1e3),), (lu(0.1, 1e3), lu(1e-3, 1e3))),
    ("gamma", "normal"): lambda: ((lu(0.2, 1e8), lu(1e-3, 1e3)), None),
    ("beta", "normal"): lambda: ((lu(0.2, 1e4), lu(0.2, 1e4)), (rng.uniform(-1, 2), lu(1e-2, 10))),
    ("beta", "exponential"): lambda: ((lu(0.2, 1e4), lu(0.2, 1e4)), (lu(1e-3, 1e3),)),
    ("beta", "uniform"): lambda: ((lu(0.2, 1e4), lu(0.2, 1e4)), (-lu(1e-3, 10), 1 + lu(1e-3, 10))),
    ("uniform", "beta"): lambda: ((lambda a: (a, a + rng.uniform(0, 1 - a)))(rng.uniform(0, 0.9)), (lu(0.2, 100), lu(0.2, 100))),
    ("uniform", "gamma"): lambda: ((lambda a: (a, a + lu(1e-3, 1e3)))(lu(1e-3, 10)), (lu(0.2, 100), lu(1e-2, 1e2))),
}
INFINITE = [("normal", "exponential", (0.0, 1.0), (1.0,)), ("normal", "uniform", (0.0, 1.0), (-1.0, 1.0)),
            ("laplace", "exponential", (0.0, 1.0), (1.0,)), ("laplace", "uniform", (0.0, 1.0), (-1.0, 1.0)),
            ("exponential", "uniform", (1.0,), (0.0, 1e300)), ("gumbel", "exponential", (0.0, 1.0), (1.0,)),
            ("gumbel", "gamma", (0.0, 1.0), (2.0, 1.0)), ("exponential", "pareto", (1.0,), (1.0, 2.0)),
            ("gamma", "pareto", (2.0, 1.0), (1.0, 2.0)), ("beta", "pareto", (2.0, 2.0), (1.0, 2.0)),
            ("normal", "pareto", (0.0, 1.0), (1.0, 2.0)), ("normal", "gamma", (0.0, 1.0), (2.0, 1.0)),
            ("normal", "beta", (0.0, 1.0), (2.0, 2.0)), ("gamma", "beta", (2.0, 1.0), (2.0, 2.0)),
            ("exponential", "beta", (1.0,), (2.0, 2.0)), ("uniform", "exponential", (-1.0, 1.0), (1.0,)),
            ("uniform", "beta", (-0.5, 0.5), (2.0, 2.0)), ("uniform", "pareto", (0.5, 2.0), (1.0, 2.0)),
            ("poisson", "bernoulli", (0.5,), (0.5,))]


def cross_rows(n):
    for (pf, qf), gen in CROSS.items():
        f, g = BY_NAME[pf], BY_NAME[qf]
        npf = len(f.moderate())
        for i in range(n):
            t, u = gen()
            if pf == "gamma" and qf == "normal":  # near the normal approximation, and far from it
                a, r = t
                u = (a / r * (1 + rng.uniform(-0.1, 0.1)), math.sqrt(a) / r * lu(0.5, 2))
            if i == 0 and pf in ("exponential",) and qf == "normal":
                t, u = (1e-200,), (0.0, 1e200)  # the overflow example: 0.919
            if i == 0 and pf == "gamma" and qf == "normal":
                t, u = (1e8, 1.0), (1e8, 1e4)
            if i == 0 and pf == "gamma" and qf == "exponential":
                t, u = (1e8, 1e8), (1.0,)
            if i == 0 and pf == "uniform" and qf == "beta":
                t, u = (0.0, 1e-300), (0.5, 0.5)
            if i == 0 and pf == "normal" and qf == "laplace":
                t, u = (0.0, 1e-300), (0.0, 1e-300)
            t, u = tuple(float(x) for x in t), tuple(float(x) for x in u)
            if qf == "uniform":  # −H(p) + log(h − l): the density's end-point singularities (beta
                # with a < 1) cost the quadrature digits, the closed form none
                fn = lambda v: -f.entropy(tuple(v[:npf])) + mpmath.log(v[npf + 1] - v[npf])
                emit(pf, qf, "kl", t, u, fn, dps=HI)
                continue
            fn = lambda v: quad_kl(f, tuple(v[:npf]), g, tuple(v[npf:]))
            emit(pf, qf, "kl", t, u, fn, adaptive=False)
    # bernoulli → poisson in closed form (checked against the exact sum below)
    for i in range(12):
        p = rng.choice(prob_sweep(2)) if i else 1e-300
        lam = 2e-300 if i == 0 else lu(1e-300, 1e3)
        fn = lambda v: (xlogx(1 - v[0]) + xlogx(v[0]) + v[1] - (v[0] * mpmath.log(v[1]) if v[0] > 0 else 0))
        emit("bernoulli", "poisson", "kl", (p,), (lam,), fn, dps=HI)
    t, lam = d(0.3), d(2.5)
    ref = (1 - t) * (mpmath.log(1 - t) + lam) + t * (mpmath.log(t) - mpmath.log(lam) + lam)
    close(xlogx(1 - t) + xlogx(t) + lam - t * mpmath.log(lam), ref, mpf(10) ** -40, "bernoulli→poisson")
    for pf, qf, t, u in INFINITE:
        rows.append((pf, qf, "kl", fmt_params(t), fmt_params(u), "inf", "0"))


def vector_rows():
    # categorical: entries down to 1e-300, K up to 1000 (a few large cases)
    def cat_vec(k, tiny):
        w = [lu(1e-300, 1) if (tiny and rng.random() < 0.5) else rng.uniform(0.1, 1) for _ in range(k)]
        s = math.fsum(w)
        v = [x / s for x in w]
        v[-1] = max(0.0, 1 - math.fsum(v[:-1]))
        return v
    for k, tiny in [(2, False), (3, True), (5, True), (10, False), (10, True), (50, True), (1000, False), (1000, True)]:
        for _ in range(3 if k < 1000 else 1):
            v = cat_vec(k, tiny)
            emit("categorical", "", "entropy", v, (), lambda x: cat_entropy(x))
            emit("categorical", "", "mean", v, (), lambda x: cat_mean(x))
            emit("categorical", "", "variance", v, (), lambda x: cat_variance(x))
            for rel, which in [(lu(1e-15, 1e-3), "one"), (lu(1e-15, 1e-3), "all"), (lu(1e-15, 1e-3), "smallest"),
                               (1.48e-8, "scaled"), (None, "far")]:
                if which == "far":
                    w = cat_vec(k, tiny)
                elif which == "scaled":  # q = p·(1 + δ) inside the normalisation tolerance: KL all rounding
                    w = [x * (1 + rel) for x in v]
                    emit("categorical", "categorical", "kl", v, w, lambda x, k=k: cat_kl(x[:k], x[k:]), dps=HI)
                    continue
                else:
                    w = list(v)
                    smallest = sorted(range(k), key=lambda i: v[i])[:max(1, k // 10)]
                    idx = [rng.randrange(k)] if which == "one" else (smallest if which == "smallest" else range(k))
                    for i in idx:
                        w[i] = w[i] * (1 + rel * rng.choice([-1, 1]))
                    s = math.fsum(w)
                    w = [x / s for x in w]
                    if abs(math.fsum(w) - 1) > 1e-12 * k:
                        continue
                emit("categorical", "categorical", "kl", v, w, lambda x, k=k: cat_kl(x[:k], x[k:]), dps=HI)
    # logits: KL(softmax(a) ‖ softmax(b)) of nearly equal rows (the discrete layer's tiny KLs)
    def softmax_kl(x, k):
        a, b = x[:k], x[k:]
        la = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in a))
        lb = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in b))
        return mpmath.fsum(mpmath.exp(u - la) * ((u - la) - (v - lb)) for u, v in zip(a, b))
    for k in (2, 10, 1000, 4882):
        for _ in range(3 if k < 1000 else 1):
            a = [rng.uniform(-83, 83) for _ in range(k)]
            smallest = sorted(range(k), key=lambda i: a[i])[:max(1, k // 10)]
            for rel, which in [(lu(1e-15, 1e-3), "one"), (lu(1e-15, 1e-3), "all"), (lu(1e-15, 1e-3), "smallest"),
                               (22.0, "one_far"), (None, "far")]:
                if which == "far":
                    b = [rng.uniform(-83, 83) for _ in range(k)]
                else:
                    b = list(a)
                    if which == "one_far":  # one low-probability entry off by 22, the rest by 1e-13
                        b = [x + rng.uniform(-1e-13, 1e-13) for x in a]
                        b[smallest[0]] = a[smallest[0]] + 22.0
                    else:
                        idx = [rng.randrange(k)] if which == "one" else (smallest if which == "smallest" else range(k))
                        for i in idx:
                            b[i] = a[i] + rel * rng.choice([-1, 1]) * max(1.0, abs(a[i]))
                emit("logits", "logits", "kl", a, b, lambda x, k=k: softmax_kl(x, k), dps=HI)
    # dirichlet: concentrations 1e-8 … 1e8, K up to 1000
    for k, lo, hi in [(2, 1e-8, 1e8), (3, 1e-8, 1e8), (5, 1e-3, 1e3), (10, 1e-8, 1e8), (100, 1e6, 1e6), (100, 0.1, 10), (1000, 0.5, 5)]:
        for _ in range(4 if k <= 10 else 1):
            a = [lu(lo, hi) if lo < hi else lo for _ in range(k)]
            emit("dirichlet", "", "entropy", a, (), lambda x: dir_entropy(x))
            emit("dirichlet", "", "mean[0]", a, (), lambda x: x[0] / mpmath.fsum(x))
            emit("dirichlet", "", "variance[0]", a, (), lambda x: x[0] * (mpmath.fsum(x) - x[0]) / (mpmath.fsum(x) ** 2 * (mpmath.fsum(x) + 1)))
            if k <= 3:
                for i in range(k):
                    for j in range(i, k):
                        emit("dirichlet", "", f"fisher[{i}][{j}]", a, (), lambda x, i=i, j=j: dir_fisher(x)[i][j])
            for rel, which in [(lu(1e-15, 1e-3), "one"), (lu(1e-15, 1e-3), "all"), (None, "far")]:
                if which == "far":
                    b = [lu(lo, hi) if lo < hi else lo * lu(0.5, 2) for _ in range(k)]
                else:
                    b = list(a)
                    for i in ([rng.randrange(k)] if which == "one" else range(k)):
                        b[i] *= 1 + rel * rng.choice([-1, 1])
                emit("dirichlet", "dirichlet", "kl", a, b, lambda x, k=k: dir_kl(x[:k], x[k:]), dps=HI)
    emit("dirichlet", "", "fisher[0][1]", (1e8, 1e-8), (), lambda x: dir_fisher(x)[0][1])
    emit("dirichlet", "", "fisher[1][1]", (1e8, 1e-8), (), lambda x: dir_fisher(x)[1][1])
    # mv_normal: k = 2 … 5, condition numbers 1 … 1e12 on either side, nearly equal and far apart
    import numpy as np
    nrng = np.random.default_rng(16)

    def cov(k, cond, scale):
        qm, _ = np.linalg.qr(nrng.standard_normal((k, k)))
        ev = np.geomspace(1.0, 1.0 / cond, k) * scale
        c = (qm * ev) @ qm.T
        c = np.tril(c) + np.tril(c, -1).T
        np.linalg.cholesky(c)
        return c

    def flat(m, c):
        return [float(len(m))] + [float(x) for x in m] + [float(x) for x in c.reshape(-1)]

    def unflat(v):
        k = int(v[0])
        return [v[1 + i] for i in range(k)], [[v[1 + k + i * k + j] for j in range(k)] for i in range(k)]

    for k in (2, 3, 5):
        for cond in (1.0, 1e4, 1e8, 1e12):
            for _ in range(2):
                scale = lu(1e-6, 1e6)
                m = nrng.standard_normal(k) * math.sqrt(scale)
                c = cov(k, cond, scale)
                p = flat(m, c)
                emit("mv_normal", "", "entropy", p, (), lambda x: mvn_entropy(*unflat(x)), range(1, len(p)))
                for mode in ("near", "far_q", "far_p"):
                    if mode == "near":
                        c2 = c * (1 + lu(1e-15, 1e-3))
                        c2 = np.tril(c2) + np.tril(c2, -1).T
                        m2 = m + nrng.standard_normal(k) * math.sqrt(scale) * 1e-9
                    elif mode == "far_q":
                        c2, m2 = cov(k, cond, scale * lu(0.1, 10)), nrng.standard_normal(k) * math.sqrt(scale)
                    else:
                        c2, m2 = cov(k, 10.0, scale * lu(0.1, 10)), nrng.standard_normal(k) * math.sqrt(scale)
                    q = flat(m2, c2)
                    n = len(p)
                    emit("mv_normal", "mv_normal", "kl", p, q, lambda x, n=n: mvn_kl(*unflat(x[:n]), *unflat(x[n:])),
                         [i for i in range(2 * n) if i % n != 0], dps=HI)


def main():
    import time
    for f in SCALAR:
        t0 = time.time()
        check_scalar(f)
        print("checked", f.name, round(time.time() - t0, 1), "s", file=sys.stderr)
    check_multivariate()
    print("generator checks passed", file=sys.stderr)
    for f in SCALAR:
        heavy = f.name in ("poisson", "binomial")
        scalar_rows(f, 30 if heavy else 45, 50)
        print(f.name, len(rows), file=sys.stderr)
    # the named examples, exactly
    emit("bernoulli", "", "entropy", (1e-12,), (), lambda v: BY_NAME["bernoulli"].entropy(v))
    emit("bernoulli", "", "entropy", (1e-20,), (), lambda v: BY_NAME["bernoulli"].entropy(v))
    emit("geometric", "", "entropy", (1e-300,), (), lambda v: BY_NAME["geometric"].entropy(v))
    emit("poisson", "", "entropy", (1e6,), (), lambda v: BY_NAME["poisson"].entropy(v), adaptive=False)
    emit("poisson", "", "entropy", (1e11,), (), lambda v: BY_NAME["poisson"].entropy(v), adaptive=False)
    emit("binomial", "", "entropy", (1e6, 0.5), (), lambda v: BY_NAME["binomial"].entropy(v), [1], adaptive=False)
    emit("binomial", "", "entropy", (1e9, 0.5), (), lambda v: BY_NAME["binomial"].entropy(v), [1], adaptive=False)
    emit("gamma", "", "entropy", (1e7, 1.0), (), lambda v: BY_NAME["gamma"].entropy(v))
    emit("beta", "", "entropy", (1e8, 1e8), (), lambda v: BY_NAME["beta"].entropy(v))
    emit("beta", "", "mean", (1e308, 1e308), (), lambda v: BY_NAME["beta"].mean(v))
    emit("beta", "", "variance", (1e200, 1e200), (), lambda v: BY_NAME["beta"].variance(v))
    emit("beta", "", "fisher[0][0]", (1e8, 1e-8), (), lambda v: BY_NAME["beta"].fisher(v)[0][0])
    emit("uniform", "", "entropy", (-1.5e308, 1.5e308), (), lambda v: BY_NAME["uniform"].entropy(v))
    emit("log_normal", "", "variance", (355.0, 1e-5), (), lambda v: BY_NAME["log_normal"].variance(v))
    emit("bernoulli", "bernoulli", "kl", (0.5,), (1e-300,), lambda v: kl_bern(v[0], v[1]))
    emit("normal", "normal", "kl", (1e308, 1e300), (-1e308, 1e300), lambda v: NORMAL.kl(v[:2], v[2:]))
    emit("poisson", "poisson", "kl", (1e-300,), (1e300,), lambda v: BY_NAME["poisson"].kl(v[:1], v[1:]))
    emit("gumbel", "gumbel", "kl", (0.0, 1.0), (0.0, 1.000001), lambda v: BY_NAME["gumbel"].kl(v[:2], v[2:]), dps=HI)
    emit("uniform", "uniform", "kl", (0.0, 1.0), (-1e-15, 1.0), lambda v: BY_NAME["uniform"].kl(v[:2], v[2:]))
    print("named", len(rows), file=sys.stderr)
    vector_rows()
    print("vector", len(rows), file=sys.stderr)
    cross_rows(5)
    print("cross", len(rows), file=sys.stderr)
    out = sys.stdout
    out.write("# Generated by tools/generate_family_sweep.py (mpmath, 50 digits); do not edit.\n")
    out.write("family,q_family,function,params,q_params,reference,cond\n")
    for r in rows:
        out.write(",".join(r) + "\n")


if __name__ == "__main__":
    main()
