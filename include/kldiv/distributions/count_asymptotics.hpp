// The Poisson and binomial log-masses in saddle-point form (Loader 2000) and their expectations:
// accurate log P(k) at any count, and entropies/KLs in O(1) past a proven threshold.
// Guarantees: every function here costs O(1) or O(√threshold) whatever the parameters.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log_gamma.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/core/summation.hpp"

namespace kldiv::detail {

/// bd0(x, M) = x·log(x/M) + M − x ≥ 0, the deviance of a count x ≥ 0 from a mean M > 0 (and
/// KL(Poisson(x)‖Poisson(M))): M·ρ(log(x/M)) for x ≤ M, x·φ(log(M/x)) above (ρ = rlogr_residual,
/// φ = expm1mx: no overflow of e^(log(x/M)) when x ≫ M); bd0(0, M) = M. +inf only when the
/// value exceeds the format.
inline double count_deviance(double x, double mean) noexcept {
    if (x == 0) return mean;
    const double l = log_ratio(x, mean);
    return l <= 0 ? mean * rlogr_residual(l) : x * expm1mx(-l);
}

/// log P(X = k) for X ~ Poisson(λ), k a non-negative integer: −½log(2πk) − s(k) − bd0(k, λ),
/// so that no lnΓ of a large k is subtracted (error ≤ a few ulp of |log P| at every k and λ).
inline double poisson_log_mass(double k, double lambda) noexcept {
    if (lambda == 0) return k == 0 ? 0.0 : -std::numeric_limits<double>::infinity();
    if (k == 0) return -lambda;
    return -0.5 * (std::log(2 * std::numbers::pi) + std::log(k)) - stirling_remainder(k) - count_deviance(k, lambda);
}

/// log P(X = k) for X ~ Binomial(n, p), with k and its complement j = n − k given separately
/// (counted in integers by the callers: above 2⁵³ the double n − k is not exact, and an end
/// point must not be mistaken for its neighbours): the end points k = 0 and j = 0 as
/// n·log1p(−p) and n·log p, the interior in saddle-point form
/// s(n) − s(k) − s(j) − bd0(k, np) − bd0(j, nq) + ½log(n/(2πkj)).
inline double binomial_log_mass(double k, double j, double n, double p) noexcept {
    constexpr double minus_inf = -std::numeric_limits<double>::infinity();
    const double q = 1 - p;
    if (k == 0) return p == 1 ? (n == 0 ? 0.0 : minus_inf) : n * std::log1p(-p);
    if (j == 0) return p == 0 ? minus_inf : n * std::log(p);
    if (p == 0 || p == 1) return minus_inf;
    return stirling_remainder(n) - stirling_remainder(k) - stirling_remainder(j) - count_deviance(k, n * p) -
           count_deviance(j, n * q) + 0.5 * (std::log(n / (2 * std::numbers::pi * k)) - std::log(j));
}

/// Past this mean (of the count and of its complement, for the binomial) the entropies and KLs
/// use the moment expansions below. Truncation at moment order 12: the first omitted terms,
/// of orders 13 and 14, are dominated by μ·E[t¹⁴]/182 ≈ 13!!/182·μ⁻⁶ ≈ 742·μ⁻⁶ (t = (X − μ)/μ,
/// E[t¹⁴] ≈ 13!!·(σ/μ)¹⁴, σ² ≤ μ) and 270270/156·μ⁻⁶ for the κ₃κ₂⁵ part of E[t¹³], so
/// ≤ 3e-21 absolute at μ = 1e4, against entropies ≥ 5.5: far below 1e-16 relative. The series
/// is asymptotic (log X is expanded about μ); the mass outside |t| < 1 it cannot see is below
/// e^(−μ/4) = e^(−2500). Below the threshold the exact sums take ≤ 24√μ + 81 < 2500 terms.
inline constexpr double count_expansion_threshold = 1e4;
inline constexpr int count_moment_order = 12;

using count_moments = std::array<double, count_moment_order + 1>;

/// E[((X − mean)/scale)^j], j = 0…12, from the cumulants κ_r = weight·c[r] (r ≥ 2; κ₁ is the
/// mean, so the first central moment is 0), by m_j = Σ_i C(j − 1, i − 1)·(κ_i/scale^i)·m_(j−i).
inline count_moments moments_from_cumulants(const count_moments& c, double weight, double scale) noexcept {
    count_moments normalized{}, m{};
    // (weight/scale)·c_r·scale^(1−r): the leading ratio first, so that a huge scale (λ = 1e300)
    // underflows only the negligible high orders, not the whole moment.
    double inverse_power = 1;
    const double ratio = weight / scale;
    for (int r = 2; r <= count_moment_order; ++r) {
        inverse_power /= scale;
        normalized[r] = ratio * c[r] * inverse_power;
    }
    m[0] = 1;
    for (int j = 1; j <= count_moment_order; ++j) {
        double sum = 0, binomial_coefficient = 1;  // C(j − 1, i − 1)
        for (int i = 1; i <= j; ++i) {
            sum += binomial_coefficient * normalized[i] * m[j - i];
            binomial_coefficient = binomial_coefficient * (j - i) / i;
        }
        m[j] = sum;
    }
    return m;
}

/// The cumulants of one Bernoulli(p) trial, c_r = p(1 − p)·dc_(r−1)/dp, c₁ = p (polynomials in
/// p built by differentiation; the sign (−1)^r gives those of the complement 1 − X).
inline count_moments bernoulli_cumulants(double p, bool complement) noexcept {
    count_moments c{};
    std::array<double, count_moment_order + 2> poly{};  // coefficients of c_r in powers of p
    poly[1] = 1;
    for (int r = 1; r <= count_moment_order; ++r) {
        double value = 0;
        for (int i = r; i >= 0; --i) value = value * p + poly[i];
        c[r] = (complement && r % 2 == 1) ? -value : value;
        // next = (p − p²)·poly′
        std::array<double, count_moment_order + 2> next{};
        for (int i = 1; i <= r; ++i) {
            next[i] += i * poly[i];
            next[i + 1] -= i * poly[i];
        }
        poly = next;
    }
    return c;
}

/// Expectations of a count X > 0 with mean μ ≥ threshold, from m_j = E[((X − μ)/μ)^j]:
/// E log X − log μ = Σ (−1)^(j+1) m_j/j, E bd0(X, μ) = μ·Σ (−1)^j m_j/(j(j − 1)) and
/// E s(X) = E[1/12X − 1/360X³ + 1/1260X⁵] with E X^(−a) = μ^(−a)·Σ C(−a, j)·m_j.
struct count_expectations {
    double log_excess = 0;  ///< E log X − log μ
    double deviance = 0;    ///< E bd0(X, μ)
    double stirling = 0;    ///< E s(X)
};
inline count_expectations expectations(const count_moments& m, double mu) noexcept {
    count_expectations e;
    double inverse1 = 0, inverse3 = 0;
    for (int j = count_moment_order; j >= 2; --j) {
        const double sign = (j % 2 == 0) ? 1.0 : -1.0;
        e.log_excess -= sign * m[j] / j;
        e.deviance += sign * m[j] / (j * (j - 1.0));
        inverse1 += sign * m[j];
        inverse3 += sign * m[j] * (j + 1.0) * (j + 2.0) / 2;
    }
    e.deviance *= mu;
    inverse1 += 1;
    inverse3 += 1;
    const double r = 1 / mu;
    e.stirling = r * (inverse1 / 12 - r * r * (inverse3 / 360 - r * r / 1260));
    return e;
}

/// The entropy of Poisson(λ) in nats, λ ≥ 0. λ < 1e4: the compensated sum of the non-negative
/// terms −P log P over k ∈ λ ± (12√λ + 40) (the mass beyond is below 1e-30), each log P in
/// saddle-point form; λ ≥ 1e4: ½log(2πλ) + ½E[log k/λ] + E s(k) + E bd0(k, λ) from the
/// moment expansion (cumulants all λ). ≤ 1e-15 relative measured (tests/distributions).
inline double poisson_entropy(double lambda) noexcept {
    if (lambda == 0) return 0;
    if (lambda >= count_expansion_threshold) {
        count_moments c{};
        c.fill(1.0);
        const auto e = expectations(moments_from_cumulants(c, lambda, lambda), lambda);
        return 0.5 * (std::log(2 * std::numbers::pi) + std::log(lambda)) + 0.5 * e.log_excess + e.stirling + e.deviance;
    }
    const double spread = 12 * std::sqrt(lambda) + 40;
    const double first = std::max(0.0, std::floor(lambda - spread)), last = std::ceil(lambda + spread);
    compensated_sum<double> total;
    for (double k = first; k <= last; k += 1) {
        const double log_p = poisson_log_mass(k, lambda);
        total.add(-std::exp(log_p) * log_p);
    }
    return total.value();
}

/// The entropy of Binomial(n, p) in nats (symmetric in p ↔ 1 − p, so p ≤ ½ below). n·p < 1e4:
/// the compensated sum of −P log P ≥ 0 over k ∈ np ± (12√(npq) + 40) ∩ [0, n] (≤ 2500 terms,
/// log P in saddle-point form); n·p ≥ 1e4: the moment expansion of
/// ½log(2πnpq) + ½(E log k/np + E log (n − k)/nq) − s(n) + E s(k) + E s(n − k) + E bd0(k, np)
/// + E bd0(n − k, nq). O(1) for any n.
inline double binomial_entropy(std::int64_t trials, double p) noexcept {
    if (p > 0.5) p = 1 - p;
    const double n = static_cast<double>(trials), q = 1 - p;
    if (trials == 0 || p == 0) return 0;
    const double mu = n * p;
    if (mu >= count_expansion_threshold) {
        const auto ek = expectations(moments_from_cumulants(bernoulli_cumulants(p, false), n, mu), mu);
        const double nu = n * q;
        const auto ej = expectations(moments_from_cumulants(bernoulli_cumulants(p, true), n, nu), nu);
        const double half_log = 0.5 * (std::log(2 * std::numbers::pi * mu) + std::log(q));
        return half_log + 0.5 * (ek.log_excess + ej.log_excess) - stirling_remainder(n) + ek.stirling + ej.stirling +
               ek.deviance + ej.deviance;
    }
    const double spread = 12 * std::sqrt(mu * q) + 40;  // mu < 1e4: a double counter is exact here
    const double first = std::max(0.0, std::floor(mu - spread)), last = std::min(n, std::ceil(mu + spread));
    compensated_sum<double> total;
    for (double k = first; k <= last; k += 1) {
        const double log_p = binomial_log_mass(k, n - k, n, p);  // p ≤ ½ and k < 2e4: n − k rounds only far from k = n
        if (log_p > -std::numeric_limits<double>::infinity()) total.add(-std::exp(log_p) * log_p);
    }
    return total.value();
}

/// KL(Binomial(n, p)‖Binomial(m, r)) for n < m, in nats. Edge probabilities exactly; n·min(p, 1 − p)
/// < 1e4: the compensated sum of P(k)·(log P(k) − log Q(k)) over the window k ∈ np ± (12σ + 40);
/// beyond, the moment expansion: with ν = m − np,
/// KL = bd0(np, mr) + bd0(ν, m(1 − r)) + s(n) − s(m) + E s(m − k) − E s(n − k)
///    + [E bd0(m − k, ν) − E bd0(n − k, nq)] + ½[log(ν/nq) − log(m/n) + E log((m − k)/ν) − E log((n − k)/nq)]
/// (E bd0(k, M) = E bd0(k, np) + bd0(np, M) removes the count's own terms exactly).
inline double binomial_kl_fewer_trials(std::int64_t n_trials, double p, std::int64_t m_trials, double r) noexcept {
    constexpr double inf = std::numeric_limits<double>::infinity();
    const double n = static_cast<double>(n_trials), m = static_cast<double>(m_trials);
    if (r == 1) return inf;                      // Q is the point mass at m > n ≥ every count of P
    if (r == 0) return p == 0 ? 0.0 : inf;       // Q is the point mass at 0
    if (p == 0) return -m * std::log1p(-r);      // P is the point mass at 0
    const double q = 1 - p, mu = n * p;
    if (std::min(mu, n * q) >= count_expansion_threshold) {
        const double nu = m - mu, nq = n * q;
        const auto c = bernoulli_cumulants(p, true);
        const auto e_n = expectations(moments_from_cumulants(c, n, nq), nq);
        const auto e_m = expectations(moments_from_cumulants(c, n, nu), nu);
        const double extra = m - n;  // exact: both are integers below 2⁶³
        compensated_sum<double> total;
        total.add(count_deviance(mu, m * r));
        total.add(count_deviance(nu, m * (1 - r)));
        total.add(stirling_remainder(n) - stirling_remainder(m));
        total.add(e_m.stirling - e_n.stirling);
        total.add(e_m.deviance - e_n.deviance);
        total.add(0.5 * (std::log1p(extra / nq) - std::log1p(extra / n)));
        total.add(0.5 * (e_m.log_excess - e_n.log_excess));
        return std::max(0.0, total.value());
    }
    // The window in integers (near n ~ 2⁶³ a double counter would stop moving: k + 1 == k), placed
    // from the nearer end so that every cast is of a number below n/2 + 2500.
    const double spread = 12 * std::sqrt(mu * q) + 40;
    std::int64_t first = 0, last = n_trials;
    if (p <= 0.5) {
        first = static_cast<std::int64_t>(std::max(0.0, std::floor(mu - spread)));
        last = std::min(n_trials, static_cast<std::int64_t>(std::ceil(mu + spread)));
    } else {
        const double nq = n * q;
        first = std::max<std::int64_t>(0, n_trials - static_cast<std::int64_t>(std::ceil(nq + spread)));
        last = n_trials - static_cast<std::int64_t>(std::max(0.0, std::floor(nq - spread)));
    }
    compensated_sum<double> total;
    for (std::int64_t count = first; count <= last; ++count) {
        const double k = static_cast<double>(count);
        const double log_p = binomial_log_mass(k, static_cast<double>(n_trials - count), n, p);
        if (!(log_p > -inf)) continue;
        const double log_q = binomial_log_mass(k, static_cast<double>(m_trials - count), m, r);
        if (!(log_q > -inf)) return inf;
        total.add(std::exp(log_p) * (log_p - log_q));
    }
    return std::max(0.0, total.value());
}

}  // namespace kldiv::detail
