// The one KL term p·φ(log(q/p)) = q − p − p·log(q/p) ≥ 0 of a pair of probabilities: as
// straight-line code (selects, no branches) that compilers vectorise, in float or double
// (kl_term, ≤ 3 ulp), and in scalar code through the core (kl_term_of_log_ratio, scalar_kl_term).
#pragma once

#include <cmath>
#include <limits>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/simd/detail/arithmetic.hpp"
#include "kldiv/simd/detail/constants.hpp"

namespace kldiv::simd::detail {

/// p·φ(log(q/p)) = q − p − p·log(q/p) for p, q positive and normal. With q/p = 2ᵏ·(1 + f),
/// 1 + f ∈ [1/√2, √2] a ratio of significands whose difference d is exact, u = f/(2 + f) =
/// d/(mq + mp) and log(1 + f) = 2u + 2u³·Σu²ⁿ/(2n+3):
///   φ = φ(k·ln2) + (2ᵏ − 1)·f + ψ(f),   ψ(f) = f − log1p(f) = f·u − 2u³·Σ…,
/// every piece carried with its rounding error, since for k = ±1 the first two cancel by up to
/// a factor 9. For |k| ≥ 8 nothing cancels and the term is (q − p) − p·log(q/p) directly.
/// Accuracy: ≤ 2 ulp of T (measured in tests/simd), for every p, q in the domain.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T kl_term_positive(T p, T q) noexcept {
    using C = element_constants<T>;
    const T mq = significand_of(q);
    T mp = significand_of(p);
    T k = exponent_of(q) - exponent_of(p);
    const bool ratio_above = mq > C::sqrt2 * mp;  // mq/mp > √2: write q/p = 2ᵏ⁺¹·mq/(2mp)
    const bool ratio_below = mp > C::sqrt2 * mq;
    mp = blend(ratio_above, mp * T(2), blend(ratio_below, mp * T(0.5), mp));
    k = blend(ratio_above, k + T(1), blend(ratio_below, k - T(1), k));
    const T d = mq - mp;  // exact: mq/mp ∈ [½, 2]
    // f = d/mp and u = d/(mq + mp), each with its rounding error, from one division: 1/mp and
    // 1/(mq + mp) are both read off 1/(mp·(mq + mp)). The quotients are then off by a few ulp,
    // but the exact residuals d − f·mp and d − u·(mq + mp) put that error into f_lo and u_lo.
    const auto s = sum(mq, mp);
    const T inverse_both = T(1) / (mp * s.hi);
    const T inverse_mp = s.hi * inverse_both, inverse_s = mp * inverse_both;
    const T f = d * inverse_mp;
    const auto f_mp = product<UseFma>(f, mp);
    const T f_lo = ((d - f_mp.hi) - f_mp.lo) * inverse_mp;
    const T u = d * inverse_s;
    const auto u_s = product<UseFma>(u, s.hi);
    const T u_lo = (((d - u_s.hi) - u_s.lo) - u * s.lo) * inverse_s;
    const T v = u * u;
    const T tail = (T(2) * u) * v * polynomial<UseFma>(v, C::atanh_tail);  // 2u³·Σ…
    // ψ(f) = f·u − tail (f − 2u = f·u exactly), as hi + lo.
    const auto fu = product<UseFma>(f, u);
    const T psi_lo = (fu.lo + (f * u_lo + f_lo * u)) - tail;
    // φ(k·ln2) = 2ᵏ − 1 − k·ln2 and (2ᵏ − 1)·f for |k| < 8, each as hi + lo.
    const bool far_k = k * k >= T(64);  // |k| ≥ 8
    const T small_k = blend(far_k, T(0), k);
    const T two_k_minus_one = power_of_two(small_k) - T(1);  // exact
    const auto a = sum(two_k_minus_one, -small_k * C::ln2_hi);
    const T a_lo = a.lo - small_k * C::ln2_lo;
    const auto b = product<UseFma>(two_k_minus_one, f);
    const T b_lo = b.lo + two_k_minus_one * f_lo;
    const auto ab = sum(a.hi, b.hi);  // where the cancellation happens, exactly
    const T phi = (ab.hi + fu.hi) + (((ab.lo + a_lo) + b_lo) + psi_lo);
    const T near = p * phi;
    // |k| ≥ 8: log(q/p) = k·ln2 + 2u + tail, and nothing cancels much (< 2 bits) in
    // q − p − p·log(q/p). With an FMA that is one fused step (≤ 2.3 ulp measured); without, the
    // product and log(q/p) are carried as hi + lo to stay within 3 ulp.
    T far;
    if constexpr (UseFma) {
        const T log_ratio = k * (C::ln2_hi + C::ln2_lo) + (T(2) * u + (T(2) * u_lo + tail));
        far = std::fma(-p, log_ratio, q - p);
    } else {
        const auto log_ratio = sum(k * C::ln2_hi, T(2) * u);
        const T log_ratio_lo = log_ratio.lo + (k * C::ln2_lo + (T(2) * u_lo + tail));
        // Dekker's splitting overflows past T's max/4097: huge p (and q with it) scaled by 2⁻³²,
        // exactly, and the term scaled back.
        const bool huge = p > T(0x1p100);
        const T ps = blend(huge, p * T(0x1p-32), p), qs = blend(huge, q * T(0x1p-32), q);
        const auto p_log = product<UseFma>(ps, log_ratio.hi);
        far = (((qs - ps) - p_log.hi) - (p_log.lo + ps * log_ratio_lo)) * blend(huge, T(0x1p32), T(1));
    }
    return blend(far_k, far, near);
}

/// The KL term for p, q ≥ 0 (zero or normal): 0 where p = 0 (0·log 0 = 0), +inf where
/// p > 0 = q, else kl_term_positive.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T kl_term(T p, T q) noexcept {
    const T term = kl_term_positive<UseFma>(p, q);
    return blend(p == T(0), T(0), blend(q == T(0), std::numeric_limits<T>::infinity(), term));
}


/// p·φ(l) = (q − p) − p·l for one pair with l = log(q/p) (q_of() gives q, evaluated only where
/// needed): p·expm1mx(l), except for l > 40, where eˡ would overflow or p·eˡ lose p's subnormal
/// digits and (q − p) − p·l is formed instead. The scalar KL term of the whole library (the
/// vector kernels' fallback, discrete/measures.hpp's reference, discrete/logits.hpp's rows).
template <class A, class QOf>
[[gnu::always_inline]] inline A kl_term_of_log_ratio(A p, A l, QOf&& q_of) noexcept {
    return l > A(40) ? (q_of() - p) - p * l : p * kldiv::expm1mx(l);
}

/// The KL term of one pair by the scalar core (log_ratio, expm1mx) in double: the path for the
/// inputs the vector path does not take (subnormal, negative, infinite, NaN).
template <class T>
inline double scalar_kl_term(T p_value, T q_value) noexcept {
    const double p = p_value, q = q_value;
    if (p != p || q != q) return std::numeric_limits<double>::quiet_NaN();
    if (p == 0) return q;  // 0·log(0/q) = 0; q's mass where p = 0
    if (q == 0) return std::numeric_limits<double>::infinity();
    return kl_term_of_log_ratio(p, log_ratio(q, p), [q] { return q; });
}

}  // namespace kldiv::simd::detail
