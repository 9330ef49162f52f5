#!/usr/bin/env python3
"""Reference values for tests/distributions/test_family_edges.cpp: entropies, moments and KL
divergences of kldiv's families at the edges of their domains, in 50-digit mpmath.

Every parameter is the double (or float) the test passes, converted exactly (mp.mpf(float)).
Discrete entropies: exact sums of -P log P over the counts that carry mass (every count whose
mass exceeds 1e-60 of the peak), with log P from mpmath's loggamma; where that window is too
long to sum (Poisson rate > 1e7, binomial sd > 3e3) the moment expansion of
H = E[-log P(k)] to order 40 in the central moments with the Stirling series to k^-15, itself
checked here against the exact sums at rate 1e4..1e6 (the script stops if they differ by
more than 1e-30). Continuous families: their closed forms evaluated in 50 digits.

Run: python3 tests/data/gen_family_edges.py > tests/data/family_edges.hpp
"""
import struct
import mpmath as mp

mp.mp.dps = 50
HALF = mp.mpf(1) / 2


def d(x):
    """The double nearest to x, as an exact mpf."""
    return mp.mpf(float(x))


def f32(x):
    return mp.mpf(struct.unpack('f', struct.pack('f', float(x)))[0])


# ---- discrete: exact sums -------------------------------------------------------------------
def poisson_logpmf(k, lam):
    return k * mp.log(lam) - lam - mp.loggamma(k + 1) if k else -lam


def binom_logpmf(k, n, p):
    r = mp.loggamma(n + 1) - mp.loggamma(k + 1) - mp.loggamma(n - k + 1)
    if k:
        r += k * mp.log(p)
    if n - k:
        r += (n - k) * mp.log1p(-p)
    return r


def window(mean, sd, lo_limit, hi_limit):
    s = 14 * sd + 80
    return max(lo_limit, int(mp.floor(mean - s))), min(hi_limit, int(mp.ceil(mean + s)))


def poisson_entropy_sum(lam):
    lo, hi = window(lam, mp.sqrt(lam), 0, 10**30)
    lp = poisson_logpmf(lo, lam)
    total = mp.mpf(0)
    for k in range(lo, hi + 1):
        if k > lo:
            lp += mp.log(lam) - mp.log(k)
        total -= mp.exp(lp) * lp
    return total


def binom_entropy_sum(n, p):
    lo, hi = window(n * p, mp.sqrt(n * p * (1 - p)), 0, n)
    lp = binom_logpmf(lo, n, p)
    total = mp.mpf(0)
    for k in range(lo, hi + 1):
        if k > lo:
            lp += mp.log(n - k + 1) - mp.log(k) + mp.log(p) - mp.log1p(-p)
        total -= mp.exp(lp) * lp
    return total


def binom_kl_sum(n, p, m, q):
    lo, hi = window(n * p, mp.sqrt(n * p * (1 - p)), 0, n)
    total = mp.mpf(0)
    for k in range(lo, hi + 1):
        lp, lq = binom_logpmf(k, n, p), binom_logpmf(k, m, q)
        total += mp.exp(lp) * (lp - lq)
    return total


# ---- discrete: high-order moment expansion --------------------------------------------------
ORDER = 40
BERN = [mp.bernoulli(2 * r) for r in range(1, 9)]


def moments(cumulants, scale):
    """E[((X - mean)/scale)^j], j = 0..ORDER, from cumulants kappa_r (r >= 2)."""
    c = [mp.mpf(0)] * (ORDER + 1)
    for r in range(2, ORDER + 1):
        c[r] = cumulants[r] / scale**r
    m = [mp.mpf(1)] + [mp.mpf(0)] * ORDER
    for j in range(1, ORDER + 1):
        m[j] = sum(mp.binomial(j - 1, i - 1) * c[i] * m[j - i] for i in range(2, j + 1))
    return m


def expect(m, mu):
    """E log X - log mu, E[X log(X/mu) + mu - X], E s(X) (Stirling remainder to k^-15)."""
    log_excess = sum((-1) ** (j + 1) * m[j] / j for j in range(2, ORDER + 1))
    deviance = mu * sum((-1) ** j * m[j] / (j * (j - 1)) for j in range(2, ORDER + 1))
    stirling = 0
    for r, b in enumerate(BERN, start=1):
        a = 2 * r - 1
        inv = sum(mp.binomial(-a, j) * m[j] for j in range(0, ORDER + 1))
        stirling += b / (2 * r * (2 * r - 1)) * inv / mu**a
    return log_excess, deviance, stirling


def bernoulli_cumulants(n, p, complement):
    x = mp.mpf(p)
    # cumulants of one Bernoulli trial by c_{r+1} = p(1-p) dc_r/dp, differentiated numerically
    # exactly through polynomials in p
    poly = {1: mp.mpf(1)}
    out = [mp.mpf(0)] * (ORDER + 1)
    for r in range(1, ORDER + 1):
        v = sum(cf * x**e for e, cf in poly.items())
        out[r] = n * (-v if (complement and r % 2) else v)
        nxt = {}
        for e, cf in poly.items():
            nxt[e] = nxt.get(e, 0) + e * cf
            nxt[e + 1] = nxt.get(e + 1, 0) - e * cf
        poly = nxt
    return out


def stirling_exact(n):
    return mp.loggamma(n + 1) - (n + HALF) * mp.log(n) + n - mp.log(2 * mp.pi) / 2


def poisson_entropy_expansion(lam):
    m = moments([lam] * (ORDER + 1), lam)
    a, dv, s = expect(m, lam)
    return mp.log(2 * mp.pi * lam) / 2 + a / 2 + s + dv


def binom_entropy_expansion(n, p):
    q = 1 - p
    ek = expect(moments(bernoulli_cumulants(n, p, False), n * p), n * p)
    ej = expect(moments(bernoulli_cumulants(n, p, True), n * q), n * q)
    return (mp.log(2 * mp.pi * n * p * q) / 2 + (ek[0] + ej[0]) / 2 - stirling_exact(n) + ek[2] + ej[2] + ek[1] + ej[1])


def bd0(x, M):
    return x * mp.log(x / M) + M - x


def binom_kl_expansion(n, p, m, r):
    q = 1 - p
    c = bernoulli_cumulants(n, p, True)
    nu, nq = m - n * p, n * q
    e_n = expect(moments(c, nq), nq)
    e_m = expect(moments(c, nu), nu)
    return (bd0(n * p, m * r) + bd0(nu, m * (1 - r)) + stirling_exact(n) - stirling_exact(m) + e_m[2] - e_n[2] +
            e_m[1] - e_n[1] + (mp.log(nu / nq) - mp.log(mp.mpf(m) / n)) / 2 + (e_m[0] - e_n[0]) / 2)


def check(a, b, what):
    if abs(a - b) > mp.mpf('1e-30') * abs(b):
        raise SystemExit(f'{what}: expansion {a} and exact sum {b} differ')


for lam in [10**4, 10**5, 10**6]:
    check(poisson_entropy_expansion(mp.mpf(lam)), poisson_entropy_sum(mp.mpf(lam)), f'poisson {lam}')
check(binom_entropy_expansion(10**6, HALF), binom_entropy_sum(10**6, HALF), 'binomial 1e6')
check(binom_entropy_expansion(300000, mp.mpf('0.1')), binom_entropy_sum(300000, mp.mpf('0.1')), 'binomial 3e5')
check(binom_kl_expansion(100000, d(0.3), 100003, d(0.3)), binom_kl_sum(100000, d(0.3), 100003, d(0.3)), 'kl 1e5')

# ---- cases ---------------------------------------------------------------------------------
cases = []


def add(name, value):
    cases.append((name, value))


for lam, k in [(1e6, 1001000), (1e12, 10**12 + 10**6), (3.5, 0), (3.5, 7)]:
    add(f'poisson_log_pmf {lam:g} {k}', poisson_logpmf(k, d(lam)))
for n, p, k in [(10**9, 0.5, 500030000), (2**53, 0.5, 2**52 + 2**26), (60, 0.2, 13)]:
    add(f'binomial_log_pmf {n} {p:g} {k}', binom_logpmf(k, n, d(p)))


for lam in [0.5, 10, 9999, 10000, 1e6]:
    add(f'poisson_entropy {lam:g}', poisson_entropy_sum(d(lam)))
for lam in [1e8, 1e11, 1e12, 1e20, 1e300]:
    add(f'poisson_entropy {lam:g}', poisson_entropy_expansion(d(lam)))

for n, p in [(50, 0.3), (19999, 0.5), (20000, 0.5), (30000, 0.5), (100000, 0.3), (10**6, 0.5), (10**6, 1e-3),
             (2**53, 1e-20), (10**12, 1e-8 * 0.9999)]:
    add(f'binomial_entropy {n} {p:g}', binom_entropy_sum(n, d(p)))
for n, p in [(10**9, 0.5), (2**53, 0.5), (10**12, 1e-8), (2**62, 0.999)]:
    add(f'binomial_entropy {n} {p:g}', binom_entropy_expansion(n, d(p)))

for n, p, m, q in [(50, 0.3, 60, 0.2), (30000, 0.5, 40000, 0.4), (29999, 0.5, 40000, 0.4), (10**6, 1e-3, 2 * 10**6, 1e-3),
                   (19999, 0.5, 25000, 0.45), (20000, 0.5, 25000, 0.45)]:
    add(f'binomial_kl {n} {p:g} {m} {q:g}', binom_kl_sum(n, d(p), m, d(q)))
for n, p, m, q in [(100000, 0.3, 100003, 0.3), (2**40, 0.5, 2**41, 0.5)]:
    add(f'binomial_kl {n} {p:g} {m} {q:g}', binom_kl_expansion(n, d(p), m, d(q)))


def binary_entropy(p):
    return -p * mp.log(p) - (1 - p) * mp.log1p(-p)


for p in [1e-12, 1e-20, 1e-300]:
    add(f'bernoulli_entropy {p:g}', binary_entropy(d(p)))
    add(f'geometric_entropy {p:g}', binary_entropy(d(p)) / d(p))


def bernoulli_kl(p, q):
    return p * mp.log(p / q) + (1 - p) * mp.log((1 - p) / (1 - q))


add('bernoulli_kl 0.5 1e-300', bernoulli_kl(d(0.5), d(1e-300)))
add('geometric_kl 0.5 1e-300', bernoulli_kl(d(0.5), d(1e-300)) / d(0.5))
a, b = d(1e-300), d(1e300)
add('poisson_kl 1e-300 1e300', a * mp.log(a / b) + b - a)

add('uniform_entropy -1.5e308 1.5e308', mp.log(d(1.5e308) - d(-1.5e308)))
mu, s = d(355), d(1e-5)
add('log_normal_variance 355 1e-5', mp.expm1(s * s) * mp.exp(2 * mu + s * s))
add('beta_mean 1e308 1e308', HALF)
a = d(1e200)
add('beta_variance 1e200 1e200', a * a / ((2 * a) ** 2 * (2 * a + 1)))


def normal_kl(m1, s1, m2, s2):
    return mp.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - HALF


def to_normal(neg_entropy, mean, var, mu, sigma):
    return neg_entropy + mp.log(sigma) + mp.log(2 * mp.pi) / 2 + (var + (mean - mu) ** 2) / (2 * sigma**2)


add('kl normal(1e308,1e300) normal(-1e308,1e300)', normal_kl(d(1e308), d(1e300), d(-1e308), d(1e300)))
bp, bq, dm = d(1e300), d(1e300), d(1e308) - d(-1e308)
add('kl laplace(1e308,1e300) laplace(-1e308,1e300)', mp.log(bq / bp) + dm / bq + bp / bq * mp.exp(-dm / bp) - 1)
gp, gq = d(1e300), d(1e300)
add('kl cauchy(1e308,1e300) cauchy(-1e308,1e300)', mp.log(((gp + gq) ** 2 + dm**2) / (4 * gp * gq)))
gq = d(1e-320)
add('kl cauchy(0,1) cauchy(0,1e-320)', mp.log((1 + gq) ** 2 / (4 * gq)))

sigma = d(1e200)
lam = d(1e-200)
add('kl exponential(1e-200) normal(0,1e200)', to_normal(-(1 - mp.log(lam)), 1 / lam, 1 / lam**2, 0, sigma))
b = d(1e-200)
add('kl laplace(0,1e-200) normal(0,1e200)', to_normal(-(1 + mp.log(2 * b)), 0, 2 * b * b, 0, sigma))
w = d(1e-200)
add('kl uniform(0,1e-200) normal(0,1e200)', to_normal(-mp.log(w), w / 2, w * w / 12, 0, sigma))
al, r = d(2), d(1e200)
h_gamma = al - mp.log(r) + mp.loggamma(al) + (1 - al) * mp.digamma(al)
add('kl gamma(2,1e200) normal(0,1e200)', to_normal(-h_gamma, al / r, al / r**2, 0, sigma))
beta = d(1e-200)
add('kl gumbel(0,1e-200) normal(0,1e200)',
    to_normal(-(mp.log(beta) + mp.euler + 1), beta * mp.euler, mp.pi**2 * beta**2 / 6, 0, sigma))
sc, al = d(1e-200), d(3)
add('kl pareto(1e-200,3) normal(0,1e200)',
    to_normal(-(mp.log(sc / al) + 1 / al + 1), al * sc / (al - 1), sc**2 * al / ((al - 1) ** 2 * (al - 2)), 0, sigma))


def uniform_beta_kl(l, h, a, b):
    w = h - l
    mean_log_x = ((h * mp.log(h) - h) - ((l * mp.log(l) - l) if l else 0)) / w
    u, v = 1 - h, 1 - l
    mean_log_1mx = ((v * mp.log(v) - v) - ((u * mp.log(u) - u) if u else 0)) / w
    log_b = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)
    return -mp.log(w) - (a - 1) * mean_log_x - (b - 1) * mean_log_1mx + log_b


add('kl uniform(0,1e-20) beta(2,2)', uniform_beta_kl(mp.mpf(0), d(1e-20), d(2), d(2)))
add('kl uniform(0,1e-300) beta(0.5,0.5)', uniform_beta_kl(mp.mpf(0), d(1e-300), HALF, HALF))

# float: beta(7.5e-7, 40) against gamma(7.5e-7, 1.0000001), parameters rounded to float
a, b, k, r = f32(7.5e-7), f32(40), f32(7.5e-7), f32(1.0000001)
h_beta = (mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b) - (a - 1) * mp.digamma(a) - (b - 1) * mp.digamma(b) +
          (a + b - 2) * mp.digamma(a + b))
mean_log = mp.digamma(a) - mp.digamma(a + b)
add('kl float beta(7.5e-7,40) gamma(7.5e-7,1.0000001)',
    -h_beta - k * mp.log(r) + mp.loggamma(k) - (k - 1) * mean_log + r * a / (a + b))

for a, b, k, r in [(2, 3, 1.5, 2), (50, 0.5, 3, 4), (1e-3, 1e3, 2e-3, 0.5)]:
    a, b, k, r = d(a), d(b), d(k), d(r)
    h_beta = (mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b) - (a - 1) * mp.digamma(a) -
              (b - 1) * mp.digamma(b) + (a + b - 2) * mp.digamma(a + b))
    mean_log = mp.digamma(a) - mp.digamma(a + b)
    add(f'kl beta({float(a):g},{float(b):g}) gamma({float(k):g},{float(r):g})',
        -h_beta - k * mp.log(r) + mp.loggamma(k) - (k - 1) * mean_log + r * a / (a + b))

for mu, s in [(720, 1e-200), (-300, 3), (0, 1), (2, 1e-5), (300, 1e-170)]:
    mu, s = d(mu), d(s)
    add(f'log_normal_variance {float(mu):g} {float(s):g}', mp.expm1(s * s) * mp.exp(2 * mu + s * s))

for a, r in [(1e7, 1), (16, 1), (15.5, 2), (1000, 10), (1e300, 1), (0.5, 3)]:
    a, r = d(a), d(r)
    with mp.workdps(700):  # a·log a near 1e303 cancels: carry enough digits
        add(f'gamma_entropy {float(a):g} {float(r):g}', +(a - mp.log(r) + mp.loggamma(a) + (1 - a) * mp.digamma(a)))
for a, b in [(1e8, 1e8), (2, 3), (1e-3, 1e3), (1e300, 2), (0.5, 0.5), (1, 1)]:
    a, b = d(a), d(b)
    with mp.workdps(700):
        add(f'beta_entropy {float(a):g} {float(b):g}',
            +(mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b) - (a - 1) * mp.digamma(a) - (b - 1) * mp.digamma(b) +
              (a + b - 2) * mp.digamma(a + b)))
for a, r, x in [(2, 1, 1.5), (1e6, 2, 5e5 + 700), (0.3, 1e3, 1e-4)]:
    a, r, x = d(a), d(r), d(x)
    add(f'gamma_log_pdf {float(a):g} {float(r):g} {float(x):g}', a * mp.log(r) + (a - 1) * mp.log(x) - r * x - mp.loggamma(a))

# mv_normal: Sigma_p = [[1, 1], [1, 1 + 1e-15]] (as stored in double) against the identity
c = d(1 + 1e-15)
det = c - 1
add('kl mv_normal [[1,1],[1,1+1e-15]] identity', (1 + c - 2 - mp.log(det)) / 2)

print('// Generated by tests/data/gen_family_edges.py (mpmath, 50 digits): do not edit.')
print('#pragma once')
print('')
print('namespace kldiv_test {')
print('struct family_edge_reference {')
print('    const char* name;')
print('    double value;')
print('};')
print('inline constexpr family_edge_reference family_edges[] = {')
for name, value in cases:
    print(f'    {{"{name}", {mp.nstr(value, 20, min_fixed=1, max_fixed=0)}}},')
print('};')
print('}  // namespace kldiv_test')
