// The statistic contract of kl_estimates (docs/accuracy.md), checked against a __float128
// reference of the given inputs' terms: the mean within c·u·(mean of |x|), M2 within
// c·u·Σ(x − x̄)² + 2e·√(Σx²·M2) + e²·Σx², where u is the input type's unit roundoff, e = 8u its
// per-sample bound (4 ulp) — the last two terms are what per-sample errors of e do to any M2 — and
// c = 16. The exact terms are those of log_ratio_of(log p, log q) below.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <vector>

#include "kldiv/core/running_stats.hpp"
#include "support/catch.hpp"
#include "support/quad_reference.hpp"

namespace kldiv::test {

/// Σx, Σ|x|, Σx² and M2 = Σ(x − x̄)² of terms in quad.
struct exact_moments {
    quad count = 0, sum = 0, sum_abs = 0, sum_squares = 0, m2 = 0;
    bool infinite = false, nan = false;
};

inline exact_moments moments_of(const std::vector<quad>& terms) {
    exact_moments e;
    for (const quad x : terms) {
        if (isnanq(x)) e.nan = true;
        if (isinfq(x) || fabsq(x) > quad(std::numeric_limits<double>::max())) e.infinite = true;  // inf in double
    }
    if (e.nan || e.infinite) return e;
    for (const quad x : terms) e.count += 1, e.sum += x, e.sum_abs += fabsq(x), e.sum_squares += x * x;
    const quad mean = e.sum / e.count;
    for (const quad x : terms) e.m2 += (x - mean) * (x - mean);
    return e;
}

/// The k1, k2, k3 and reverse terms of ℓ in quad (ℓ exact: the difference of two floats is exact in double).
struct exact_terms {
    std::vector<quad> k1, k2, k3, reverse;
    void push(quad l) {
        k1.push_back(-l);
        k2.push_back(l * l / 2);
        k3.push_back(isnanq(l) ? l : (isinfq(l) ? fabsq(l) : ref_expm1mx(l)));
        reverse.push_back(isnanq(l) ? l : (isinfq(l) ? (l > 0 ? l : quad(1)) : ref_rlogr_residual(l)));
    }
};

/// Checks one statistic of a call on input of type T against the terms of its samples.
template <class T>
void check_contract(const kldiv::running_stats& got, const std::vector<quad>& terms) {
    CHECK(got.count() == terms.size());
    if (terms.empty()) return;
    const exact_moments e = moments_of(terms);
    if (e.nan) {
        CHECK(std::isnan(got.mean()));
        return;
    }
    if (e.infinite) {
        CHECK(std::isinf(got.mean()));
        return;
    }
    const double u = std::numeric_limits<T>::epsilon() / 2, per_sample = 8 * u;
    const double c = 16;
    const double n = static_cast<double>(e.count);
    const double mean = static_cast<double>(e.sum / e.count);
    const double mean_bound = c * u * static_cast<double>(e.sum_abs / e.count) + 1e-300;
    INFO("mean " << got.mean() << " against " << mean << " (bound " << mean_bound << ")");
    CHECK(std::fabs(got.mean() - mean) <= mean_bound);
    if (e.count < 2) return;
    const double m2 = static_cast<double>(e.m2), squares = static_cast<double>(e.sum_squares);
    const double got_m2 = got.variance() * (n - 1);
    if (std::isinf(m2) || std::isinf(squares)) {  // past double's range: M2 is +inf
        CHECK(got_m2 == std::numeric_limits<double>::infinity());
        return;
    }
    const double m2_bound =
        c * u * m2 + 2 * per_sample * std::sqrt(squares * m2) + per_sample * per_sample * squares + 1e-300;
    INFO("M2 " << got_m2 << " against " << m2 << " (bound " << m2_bound << ")");
    CHECK(std::fabs(got_m2 - m2) <= m2_bound);
}

}  // namespace kldiv::test

namespace kldiv::test {

/// The log-ratio the contract is stated for: float input's exact log p − log q (the kernels
/// account for its rounding in float); double input's ℓ = fl(log p − log q), whose own rounding
/// (½ ulp of ℓ) φ's condition number |ℓ|·eˡ/φ amplifies for large |ℓ| — no double kernel
/// carries ℓ in double-word.
template <class T>
quad log_ratio_of(T log_p, T log_q) {
    if constexpr (std::is_same_v<T, float>)
        return quad(static_cast<double>(log_p)) - quad(static_cast<double>(log_q));
    else
        return quad(log_p - log_q);
}

/// Checks all four statistics against the terms of ℓ = log p − log q.
template <class T, class Set>
void check_contract(const Set& got, const std::vector<T>& log_q, const std::vector<T>& log_p) {
    exact_terms terms;
    for (std::size_t i = 0; i < log_q.size(); ++i) terms.push(log_ratio_of(log_p[i], log_q[i]));
    check_contract<T>(got.k1, terms.k1);
    check_contract<T>(got.k2, terms.k2);
    check_contract<T>(got.k3, terms.k3);
    check_contract<T>(got.reverse, terms.reverse);
}

}  // namespace kldiv::test
