// The one-pass kernels over probability vectors, vectorised per ISA and summed in double: KL's
// sums Σ p·φ(log(q/p)) (the Bregman form, every term ≥ 0), Σp and Σ(q − p); the KL terms
// themselves; cross-entropy and entropy; the validation pass of a probability vector.
#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>

#include "kldiv/core/error.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/simd/detail/kl_term.hpp"
#include "kldiv/simd/detail/log_elements.hpp"
#include "kldiv/simd/detail/reductions.hpp"
#include "kldiv/simd/dispatch.hpp"

namespace kldiv::simd {

/// What discrete_kl_kernel returns: the three sums from which KL of the distributions p/Σp,
/// q/Σq follows (see unchecked::kl_divergence_nats).
struct discrete_kl_sums {
    double terms = 0;  ///< Σ_{p>0} pᵢ·φ(log(qᵢ/pᵢ)) + Σ_{p=0} qᵢ; +inf where some p > 0 = q; NaN in, NaN out
    double p_total = 0;    ///< Σ pᵢ
    double q_minus_p = 0;  ///< Σ (qᵢ − pᵢ)
    /// Every entry was +0 or a positive normal number: a valid probability, so that only the sums
    /// remain to be checked (subnormal, negative, infinite and NaN entries clear it).
    bool all_zero_or_normal = true;
};

namespace detail {

struct discrete_kl_body {
    static constexpr std::size_t block = 512;

    template <bool UseFma, class T>
    KLDIV_VECTOR_INLINE static void run(const T* p, const T* q, std::size_t n, discrete_kl_sums& out) noexcept {
        alignas(64) double terms[block], p_values[block], differences[block];
        compensated_sum<double> term_total, p_total, difference_total;
        bool all_zero_or_normal = true;
        for (std::size_t start = 0; start < n; start += block) {
            const std::size_t m = (n - start < block) ? n - start : block;
            const T* pb = p + start;
            const T* qb = q + start;
            unsigned outside = 0;
            for (std::size_t i = 0; i < m; ++i) {
                const T pi = pb[i], qi = qb[i];
                outside |= static_cast<unsigned>(!(zero_or_normal(pi) & zero_or_normal(qi)));
                // Where p = 0 the term is q itself: q's mass outside p's support (see the sums).
                terms[i] = static_cast<double>(blend(pi == T(0), qi, kl_term<UseFma>(pi, qi)));
                p_values[i] = static_cast<double>(pi);
                differences[i] = static_cast<double>(qi) - static_cast<double>(pi);  // exact for float
            }
            if (outside != 0) {
                all_zero_or_normal = false;
                for (std::size_t i = 0; i < m; ++i) terms[i] = scalar_kl_term(pb[i], qb[i]);
            }
            add_block(term_total, compensated_block_sum(terms, m));
            if constexpr (std::is_same_v<T, float>) {
                // Float entries summed in double: plain lanes are within ~1e-14 per block, far
                // below what a float result can show.
                p_total.add(block_sum(p_values, m));
                difference_total.add(block_sum(differences, m));
            } else {
                add_block(p_total, compensated_block_sum(p_values, m));
                add_block(difference_total, compensated_block_sum(differences, m));
            }
        }
        out.terms = term_total.value();
        out.p_total = p_total.value();
        out.q_minus_p = difference_total.value();
        out.all_zero_or_normal = all_zero_or_normal;
    }
};

struct kl_terms_body {
    static constexpr std::size_t block = 512;

    template <bool UseFma, class T>
    KLDIV_VECTOR_INLINE static void run(const T* p, const T* q, T* out, std::size_t n) noexcept {
        for (std::size_t start = 0; start < n; start += block) {
            const std::size_t m = (n - start < block) ? n - start : block;
            unsigned outside = 0;
            for (std::size_t i = 0; i < m; ++i) {
                const T pi = p[start + i], qi = q[start + i];
                outside |= static_cast<unsigned>(!(zero_or_normal(pi) & zero_or_normal(qi)));
                out[start + i] = kl_term<UseFma>(pi, qi);
            }
            if (outside != 0)
                for (std::size_t i = start; i < start + m; ++i)
                    out[i] = p[i] == T(0) && q[i] == q[i] ? T(0) : static_cast<T>(scalar_kl_term(p[i], q[i]));
        }
    }
};

struct distribution_total_body {
    static constexpr std::size_t block = 512;

    template <bool UseFma, class T>
    KLDIV_VECTOR_INLINE static void run(const T* v, std::size_t n, compensated_sum<double>& sum,
                                        bool& all_valid) noexcept {
        alignas(64) double values[block];
        unsigned invalid = 0;
        for (std::size_t start = 0; start < n; start += block) {
            const std::size_t m = (n - start < block) ? n - start : block;
            for (std::size_t i = 0; i < m; ++i) {
                const T x = v[start + i];
                // x − x is 0 for finite x and NaN for ±inf and NaN; x ≥ 0 is false for NaN.
                invalid |= static_cast<unsigned>(!((x - x == T(0)) & (x >= T(0))));
                values[i] = static_cast<double>(x);
            }
            add_block(sum, compensated_block_sum(values, m));
        }
        all_valid = invalid == 0;
    }
};

struct cross_entropy_body {
    static constexpr std::size_t block = 512;

    template <bool UseFma, class T>
    KLDIV_VECTOR_INLINE static void run(const T* p, const T* q, std::size_t n, double& out) noexcept {
        alignas(64) double terms[block];
        compensated_sum<double> total;
        for (std::size_t start = 0; start < n; start += block) {
            const std::size_t m = (n - start < block) ? n - start : block;
            for (std::size_t i = 0; i < m; ++i) {
                const double pi = static_cast<double>(p[start + i]);
                const double log_q = log_element<UseFma>(static_cast<double>(q[start + i]));
                terms[i] = blend(pi == 0.0, 0.0, -pi * log_q);  // 0·log 0 = 0; p > 0 = q gives +inf
            }
            add_block(total, compensated_block_sum(terms, m));
        }
        out = total.value();
    }
};

}  // namespace detail

/// H(p, q) = −Σ pᵢ·log qᵢ in nats over n entries (H(p) = H(p, p)), on simd::active_isa():
/// terms in double (float input is widened; simd::log's ≤ 1 ulp), 0 where pᵢ = 0, +inf where
/// pᵢ > 0 = qᵢ, NaN propagates; summed in compensated double lanes. For probability vectors
/// every term is ≥ 0, so the result is within ~1.5 ulp of double.
template <class T>
[[nodiscard]] double cross_entropy_kernel(const T* p, const T* q, std::size_t n) noexcept {
    double total = 0;
    detail::dispatch<detail::cross_entropy_body>(p, q, n, total);
    return total;
}

/// out[i] = p[i]·log(p[i]/q[i]) − p[i] + q[i] = p[i]·φ(log(q[i]/p[i])) ≥ 0, the Bregman terms
/// whose sum is KL(p‖q) for normalised p and q (each term's share of the divergence, e.g. per
/// token), on simd::active_isa(). 0 where p = 0, +inf where p > 0 = q, NaN for NaN.
/// Accuracy: ≤ 3 ulp of T per term for p, q ≥ 0 (measured ≤ 2.6 double and float, in
/// tests/simd); subnormal inputs go through the scalar core in double (≤ 2 ulp).
/// Throws kldiv::domain_error when the three sizes differ.
template <class T>
void kl_divergence_terms(std::span<const T> p, std::span<const T> q, std::span<T> out) {
    if (p.size() != q.size() || p.size() != out.size())
        kldiv::detail::fail("simd::kl_divergence_terms",
                            "p, q and out must have the same size (" + std::to_string(p.size()) + ", " +
                                std::to_string(q.size()) + ", " + std::to_string(out.size()) + ")");
    detail::dispatch<detail::kl_terms_body>(p.data(), q.data(), out.data(), p.size());
}

/// Σvᵢ as an unrounded compensated accumulator (within n·ε² relative of the exact sum; its
/// value_minus(1) keeps the digits of Σvᵢ − 1) and whether every entry is finite and ≥ 0, in
/// one vectorised pass: the validation of a probability vector.
template <class T>
[[nodiscard]] compensated_sum<double> distribution_sum(const T* v, std::size_t n, bool& all_valid) noexcept {
    compensated_sum<double> sum;
    detail::dispatch<detail::distribution_total_body>(v, n, sum, all_valid);
    return sum;
}

/// Σvᵢ in double (compensated: within 2ε + n·ε² relative of the exact sum) and whether every
/// entry is finite and ≥ 0: distribution_sum rounded once.
template <class T>
[[nodiscard]] double distribution_total(const T* v, std::size_t n, bool& all_valid) noexcept {
    return distribution_sum(v, n, all_valid).value();
}

/// The sums behind KL(p‖q) over n probabilities, on simd::active_isa(). Each term
/// p·φ(log(q/p)) is within 3 ulp of T (measured 2.6; float terms are computed in float) and
/// summed in double, compensated (eight TwoSum lanes per block of 512, blocks merged with
/// compensation): the sums are within 2ε + n·ε² relative of the exact sums of the terms.
/// Inputs outside the vector path's domain (subnormal, negative, inf, NaN) send their block to
/// the scalar core, so special values behave as there: NaN propagates, p > 0 = q gives +inf.
template <class T>
[[nodiscard]] discrete_kl_sums discrete_kl_kernel(const T* p, const T* q, std::size_t n) noexcept {
    discrete_kl_sums sums;
    detail::dispatch<detail::discrete_kl_body>(p, q, n, sums);
    return sums;
}

}  // namespace kldiv::simd
