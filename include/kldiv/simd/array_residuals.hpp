// Array versions of the residuals on the widest instruction set: out[i] = f(in[i]) for
// expm1mx and rlogr_residual, float and double. Same ≤ 2 ulp contract as the scalar core.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "kldiv/core/error.hpp"
#include "kldiv/simd/dispatch.hpp"
#include "kldiv/simd/residuals.hpp"

namespace kldiv::simd {
namespace detail {

template <bool Reverse>
struct residual_array_body {
    template <bool UseFma, class T>
    KLDIV_VECTOR_INLINE static void run(const T* in, T* out, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) {
            const double x = static_cast<double>(in[i]);
            out[i] = static_cast<T>(Reverse ? rlogr_residual<UseFma>(x) : expm1mx<UseFma>(x));
        }
    }
};

template <bool Reverse, class T>
void residual_array(const char* function, std::span<const T> in, std::span<T> out) {
    if (in.size() != out.size())
        kldiv::detail::fail(function, "input and output sizes differ (" + std::to_string(in.size()) + " and " +
                                          std::to_string(out.size()) + ")");
    dispatch<residual_array_body<Reverse>>(in.data(), out.data(), in.size());
}

}  // namespace detail

/// out[i] = expm1mx(in[i]) = e^in[i] − 1 − in[i], on simd::active_isa(). float is evaluated in
/// double. Accuracy: ≤ 2 ulp (measured ≤ 0.8, docs/accuracy.md), identical special values to
/// kldiv::expm1mx. Throws kldiv::domain_error if the sizes differ.
inline void expm1mx(std::span<const double> in, std::span<double> out) { detail::residual_array<false>("simd::expm1mx", in, out); }
inline void expm1mx(std::span<const float> in, std::span<float> out) { detail::residual_array<false>("simd::expm1mx", in, out); }

/// out[i] = rlogr_residual(in[i]) = r·l − (r − 1), r = e^l, on simd::active_isa(); as expm1mx.
inline void rlogr_residual(std::span<const double> in, std::span<double> out) {
    detail::residual_array<true>("simd::rlogr_residual", in, out);
}
inline void rlogr_residual(std::span<const float> in, std::span<float> out) {
    detail::residual_array<true>("simd::rlogr_residual", in, out);
}

}  // namespace kldiv::simd
