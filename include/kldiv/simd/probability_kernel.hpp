// The one-pass kernels over probability vectors, vectorised per ISA and summed in double: KL's
// sums Σ p·φ(log(q/p)) (the Bregman form, every term ≥ 0), Σp and Σ(q − p); the KL terms
// themselves; cross-entropy and entropy; the validation pass of a probability vector.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <span>
#include <string>
#include <type_traits>

#include "kldiv/core/error.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/simd/detail/kl_term.hpp"
#include "kldiv/simd/detail/lanes.hpp"
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

#if defined(KLDIV_HAVE_FLOAT_LANES)
/// Float input's KL sums in double lanes, W ≥ 8 (FMA), for n a multiple of W whose entries all lie
/// in [2⁻¹²⁵, 2¹²⁶) (returns false, adding nothing, when one does not: the caller runs
/// discrete_kl_body there). With d = bits(q) − bits(p) ≈ 2²³·log₂(q/p) (integer difference of
/// the bit patterns), k = round(d/2²³) and q' = q·2⁻ᵏ (exponent bits, exact), the ratio q'/p lies
/// in [2^−0.59, 2^0.59] (the bit pattern's log₂ is off by < 0.087) and k = 0 wherever q/p is
/// within 2^±0.41 of 1, so nothing below cancels worse than there. In double lanes (p, q, q'
/// exact): u = (q' − p)/(q' + p) (numerator and denominator exact, |u| ≤ 0.2005), log(q/p) =
/// k·ln2 + 2u + 2u³·Σ_{j<5} u²ʲ/(2j + 3) (truncation < 2⁻³²·|u|³), and the term
/// (q − p) − p·log(q/p) by one FMA. Where q/p is near 1 the FMA cancels by 1/|u| ≤ 2²⁵ (float
/// inputs), against the double lanes' 2⁻⁵³: each term is within 2⁻²⁶ of itself (a quarter of a
/// float ulp), without the float kernel's error-free arithmetic. The sums are plain double
/// lanes over the block (≤ 512 terms a lane, relative error < 2⁻⁴³).
template <int W>
KLDIV_VECTOR_INLINE bool float_kl_block(const float* p, const float* q, std::size_t n, double& terms,
                                        double& p_total, double& q_minus_p) noexcept {
    using L = lanes<W>;
    using F = typename L::ff;
    using D = typename L::hd;
    using U = typename vector_types<W>::fu32;
    using I = typename vector_types<W>::fi32;
    constexpr std::uint32_t low_bits = (127u - 125u) << 23, high_bits = (127u + 126u) << 23;
    D term_sum{}, p_sum{}, difference_sum{};
    U outside{};
    for (std::size_t i = 0; i < n; i += W) {
        U bp, bq;
        std::memcpy(&bp, p + i, sizeof bp);
        std::memcpy(&bq, q + i, sizeof bq);
        // Top bit set where an entry is below 2⁻¹²⁵ (zero, subnormal), at or above 2¹²⁶, or
        // negative, inf or NaN: differences of values below 2³¹, as in plain_float_block.
        outside |= ((bp - low_bits) | ((high_bits - 1u) - bp)) | ((bq - low_bits) | ((high_bits - 1u) - bq));
        // k = round((bits(q) − bits(p))/2²³): the sum wraps in unsigned lanes (entries outside the
        // range may make it overflow; their block is discarded), the shift is arithmetic.
        const I k = reinterpret_cast<I>(bq - bp + (1u << 22)) >> 23;
        const U scaled_bits = bq - (reinterpret_cast<U>(k) << 23);
        F pf, qf, scaled;
        std::memcpy(&pf, &bp, sizeof pf);
        std::memcpy(&qf, &bq, sizeof qf);
        std::memcpy(&scaled, &scaled_bits, sizeof scaled);
        const F kf = __builtin_convertvector(k, F);  // |k| ≤ 251: exact
        D pd[2], qd[2], sd[2], kd[2];
        L::halves(pf, pd[0], pd[1]);
        L::halves(qf, qd[0], qd[1]);
        L::halves(scaled, sd[0], sd[1]);
        L::halves(kf, kd[0], kd[1]);
        for (int h = 0; h < 2; ++h) {
            const D u = (sd[h] - pd[h]) / (sd[h] + pd[h]);
            const D v = u * u;
            // Five terms of atanh(u) = u + u³·Σ u²ʲ/(2j + 3) (constants.hpp's series, as the JSD rows).
            const D series = horner_prefix<W, 5>(v, element_constants<double>::atanh_tail);
            const D two_u = u + u;
            const D log_ratio = kd[h] * std::numbers::ln2 + (two_u + (two_u * v) * series);
            const D difference = qd[h] - pd[h];
            term_sum += difference - pd[h] * log_ratio;
            p_sum += pd[h];
            difference_sum += difference;
        }
    }
    if (L::any_top_bit(outside)) return false;
    terms += L::lane_sum(term_sum);
    p_total += L::lane_sum(p_sum);
    q_minus_p += L::lane_sum(difference_sum);
    return true;
}

/// discrete_kl_kernel for float input on AVX2+FMA and AVX-512: float_kl_block per block of 2048,
/// discrete_kl_body for blocks it declines and for the last n mod W entries; block sums merged
/// with compensation.
struct float_kl_body {
    static constexpr std::size_t block = 2048;

    template <int W>
    KLDIV_VECTOR_INLINE static void run(const float* p, const float* q, std::size_t n, discrete_kl_sums& out) noexcept {
        if constexpr (W < 8) {
            discrete_kl_body::run<false>(p, q, n, out);
        } else {
            compensated_sum<double> terms, p_total, q_minus_p;
            bool all_zero_or_normal = true;
            const auto general = [&](std::size_t start, std::size_t count) __attribute__((always_inline)) {
                discrete_kl_sums part;
                discrete_kl_body::run<true>(p + start, q + start, count, part);
                terms.add(part.terms);
                p_total.add(part.p_total);
                q_minus_p.add(part.q_minus_p);
                all_zero_or_normal = all_zero_or_normal && part.all_zero_or_normal;
            };
            const std::size_t vector_end = n - n % W;
            for (std::size_t start = 0; start < vector_end; start += block) {
                const std::size_t count = (vector_end - start < block) ? vector_end - start : block;
                double block_terms = 0, block_p = 0, block_difference = 0;
                if (float_kl_block<W>(p + start, q + start, count, block_terms, block_p, block_difference)) {
                    terms.add(block_terms);
                    p_total.add(block_p);
                    q_minus_p.add(block_difference);
                } else {
                    general(start, count);
                }
            }
            if (vector_end < n) general(vector_end, n - vector_end);
            out.terms = terms.value();
            out.p_total = p_total.value();
            out.q_minus_p = q_minus_p.value();
            out.all_zero_or_normal = all_zero_or_normal;
        }
    }
};
#endif

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
/// p·φ(log(q/p)) is within 3 ulp of T (measured 2.6) and summed in double, compensated (eight
/// TwoSum lanes per block of 512, blocks merged with compensation): the sums are within
/// 2ε + n·ε² relative of the exact sums of the terms. Float input with FMA (AVX2, AVX-512):
/// terms in double lanes, each within 2⁻²⁶ relative (measured 6.6e-9) where its block of 2048
/// has every entry in [2⁻¹²⁵, 2¹²⁶), plain double sums per block (< 2⁻⁴³ relative for the
/// non-negative terms and Σp), blocks merged with compensation; other blocks as above.
/// Inputs outside the vector path's domain (subnormal, negative, inf, NaN) send their block to
/// the scalar core, so special values behave as there: NaN propagates, p > 0 = q gives +inf.
template <class T>
[[nodiscard]] discrete_kl_sums discrete_kl_kernel(const T* p, const T* q, std::size_t n) noexcept {
    discrete_kl_sums sums;
#if defined(KLDIV_HAVE_FLOAT_LANES)
    if constexpr (std::is_same_v<T, float>) {
        detail::dispatch_lanes<detail::float_kl_body>(p, q, n, sums);
        return sums;
    }
#endif
    detail::dispatch<detail::discrete_kl_body>(p, q, n, sums);
    return sums;
}

}  // namespace kldiv::simd
