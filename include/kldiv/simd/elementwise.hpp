// The element-wise array functions on the widest instruction set: out[i] = f(in[i]) for exp and
// log (≤ 1 ulp) and the residuals expm1mx, rlogr_residual and log1pmx (≤ 2 ulp, the scalar core's
// contract), float and double. The element evaluators are in detail/exp_residuals.hpp and
// detail/log_elements.hpp.
#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/error.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/simd/detail/exp_residuals.hpp"
#include "kldiv/simd/detail/lanes.hpp"
#include "kldiv/simd/detail/log_elements.hpp"
#include "kldiv/simd/detail/reductions.hpp"
#include "kldiv/simd/dispatch.hpp"

namespace kldiv::simd {
namespace detail {

template <bool Log>
struct exp_log_body {
    template <bool UseFma, class T>
    KLDIV_VECTOR_INLINE static void run(const T* in, T* out, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) out[i] = Log ? log_element<UseFma>(in[i]) : exp_element<UseFma>(in[i]);
    }
};

template <bool Log, class T>
void exp_log_array(const char* function, std::span<const T> in, std::span<T> out) {
    kldiv::detail::require_same_size(function, in.size(), out.size());
    dispatch<exp_log_body<Log>>(in.data(), out.data(), in.size());
}

/// full_range: any T, every input (within_2ulp). run: for double arrays, blocks of 256 take the
/// near-zero residuals without a reduction (|x| < 1, also within_2ulp) or full_range, as
/// near_zero_or_full_range decides.
template <bool Reverse>
struct residual_array_body {
    template <bool UseFma, class T>
    KLDIV_VECTOR_INLINE static void full_range(const T* in, T* out, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) {
            const double x = static_cast<double>(in[i]);
            out[i] = static_cast<T>(Reverse ? rlogr_residual_within_2ulp<UseFma>(x) : expm1mx_within_2ulp<UseFma>(x));
        }
    }

    template <bool UseFma, class T>
    KLDIV_VECTOR_INLINE static void run(const T* in, T* out, std::size_t n) noexcept {
        if constexpr (std::is_same_v<T, double>) {
            constexpr std::size_t block = 256;
            bool expect_outside = false;  // near_zero_or_full_range's guess, block to block
            for (std::size_t start = 0; start < n; start += block) {
                const double* x = in + start;
                double* y = out + start;
                const auto outside = [x](std::size_t i) __attribute__((always_inline)) {
                    return !(std::fabs(x[i]) < near_zero_limit);
                };
                near_zero_or_full_range((n - start < block) ? n - start : block,
                              [&](std::size_t i) __attribute__((always_inline)) {
                                  double phi, rho;
                                  residuals_within_2ulp_near_zero<UseFma>(x[i], phi, rho);
                                  y[i] = Reverse ? rho : phi;
                                  return outside(i);
                              },
                              [&](std::size_t i)
                                  __attribute__((always_inline)) { full_range<UseFma>(x + i, y + i, 1); },
                              outside, expect_outside);
            }
        } else {
            full_range<UseFma>(in, out, n);
        }
    }
};

#if defined(KLDIV_HAVE_FLOAT_LANES)
/// Float arrays in double lanes (residuals_within_float_lanes, then rounded: ≤ 0.5 ulp + 1e-12 relative),
/// groups of 256; a group with an input outside the lanes' range (|x| > 640, inf, NaN) is
/// redone by the double-word path, which keeps every special value.
template <bool Reverse>
struct float_lanes_array_body {
    template <int W>
    KLDIV_VECTOR_INLINE static void run(const float* in, float* out, std::size_t n) noexcept {
        using L = lanes<W>;
        constexpr std::size_t group = 256, half = W / 2;
        const std::size_t vector_end = n - n % half;
        for (std::size_t start = 0; start < vector_end; start += group) {
            const std::size_t end = (vector_end - start < group) ? vector_end : start + group;
            double_range_watch<W> watch;
            for (std::size_t i = start; i < end; i += half) {
                const typename L::hd x = L::load_half(in + i);
                watch.see(x);
                const auto r = residuals_within_float_lanes<W>(x);
                L::store_half(out + i, Reverse ? r.rho : r.phi);
            }
            if (!watch.in_range())
                residual_array_body<Reverse>::template full_range<false>(in + start, out + start, end - start);
        }
        residual_array_body<Reverse>::template full_range<false>(in + vector_end, out + vector_end, n - vector_end);
    }
};
#endif

struct log1pmx_array_body {
    template <bool UseFma, class T>
    KLDIV_VECTOR_INLINE static void run(const T* in, T* out, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) out[i] = log1pmx_element<UseFma>(in[i]);
    }
};

template <bool Reverse, class T>
void residual_array(const char* function, std::span<const T> in, std::span<T> out) {
    kldiv::detail::require_same_size(function, in.size(), out.size());
#if defined(KLDIV_HAVE_FLOAT_LANES)
    if constexpr (std::is_same_v<T, float>) {
        dispatch_lanes<float_lanes_array_body<Reverse>>(in.data(), out.data(), in.size());
        return;
    }
#endif
    dispatch<residual_array_body<Reverse>>(in.data(), out.data(), in.size());
}

}  // namespace detail

/// out[i] = e^in[i] for float or double arrays, on simd::active_isa(). Accuracy: ≤ 1 ulp over
/// the whole range, subnormal results included (measured in tests/simd). Special values as
/// std::exp: NaN → NaN, +inf and x > log(max) → +inf, −inf and x < log(denorm_min/2) → 0.
/// Throws kldiv::domain_error if the sizes differ.
template <class T>
requires(simd_real<T>) void exp(std::span<const T> in, std::span<T> out) {
    detail::exp_log_array<false>("simd::exp", in, out);
}

/// out[i] = log in[i] (natural) for float or double arrays, on simd::active_isa(). Accuracy:
/// ≤ 1 ulp for every positive input, subnormals included. Special values as std::log:
/// 0 → −inf, +inf → +inf, negative or NaN → NaN. Throws kldiv::domain_error if the sizes differ.
template <class T>
requires(simd_real<T>) void log(std::span<const T> in, std::span<T> out) {
    detail::exp_log_array<true>("simd::log", in, out);
}

/// out[i] = log1pmx(in[i]) = log(1 + in[i]) − in[i] for float or double arrays, on
/// simd::active_isa() (evaluated in T). Accuracy: ≤ 2 ulp over x ≥ −1 (measured in tests/simd),
/// identical special values to kldiv::log1pmx (−1 and +inf → −inf, x < −1 or NaN → NaN).
/// Throws kldiv::domain_error if the sizes differ.
template <class T>
requires(simd_real<T>) void log1pmx(std::span<const T> in, std::span<T> out) {
    kldiv::detail::require_same_size("simd::log1pmx", in.size(), out.size());
    detail::dispatch<detail::log1pmx_array_body>(in.data(), out.data(), in.size());
}

/// out[i] = expm1mx(in[i]) = e^in[i] − 1 − in[i], on simd::active_isa(). float is evaluated in
/// double lanes (≤ 1e-12 relative before rounding to float; |x| > 640, inf and NaN take the
/// double-word path); double in blocks of 256, where a block with at most 8 elements beyond
/// |x| < 1 takes the residuals without a reduction (and redoes those few), any other block the
/// double-word path. Accuracy: ≤ 2 ulp (measured ≤ 1 double, 0.5 float; docs/accuracy.md),
/// identical special values to kldiv::expm1mx. Throws kldiv::domain_error if the sizes differ.
inline void expm1mx(std::span<const double> in, std::span<double> out) {
    detail::residual_array<false>("simd::expm1mx", in, out);
}
inline void expm1mx(std::span<const float> in, std::span<float> out) {
    detail::residual_array<false>("simd::expm1mx", in, out);
}

/// out[i] = rlogr_residual(in[i]) = r·l − (r − 1), r = e^l, on simd::active_isa(); as expm1mx.
inline void rlogr_residual(std::span<const double> in, std::span<double> out) {
    detail::residual_array<true>("simd::rlogr_residual", in, out);
}
inline void rlogr_residual(std::span<const float> in, std::span<float> out) {
    detail::residual_array<true>("simd::rlogr_residual", in, out);
}

}  // namespace kldiv::simd
