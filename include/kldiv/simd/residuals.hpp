// Branch-free double-precision expm1mx and rlogr_residual for vector loops: straight-line
// arithmetic and selects only, so compilers vectorise them. Same ≤ 2 ulp contract as core/.
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "kldiv/core/detail/branch_free.hpp"

namespace kldiv::simd::detail {

// The scalar evaluators (product, sum, polynomial, reduce, expm1mx, rlogr_residual, the
// no-reduction residuals, …) live in core/detail/branch_free.hpp, shared with the scalar core.
using namespace kldiv::detail::branch_free;

/// At most this many elements of a block outside the cheap residuals' range are redone one by
/// one; with more, the whole block takes the vectorised full-range loop instead (cheap_or_full).
inline constexpr std::size_t max_scalar_fixups = 8;

/// Elements 0 … n−1 of a block, each by cheap(i) or full(i): a first pass counts the elements
/// outside the cheap evaluation's range (outside(i)); with more than max_scalar_fixups the block
/// goes to full(i) whole, else cheap(i) runs for every element and full(i) redoes the few.
/// Every loop is one the vectoriser takes (the count is a lane sum of 0/1).
template <class Cheap, class Full, class Outside>
KLDIV_VECTOR_INLINE void cheap_or_full(std::size_t n, Cheap&& cheap, Full&& full, Outside&& outside) noexcept {
    std::uint64_t count = 0;
    for (std::size_t i = 0; i < n; ++i) count += outside(i) ? 1 : 0;
    if (count > max_scalar_fixups) {
        for (std::size_t i = 0; i < n; ++i) full(i);
        return;
    }
    for (std::size_t i = 0; i < n; ++i) cheap(i);
    if (count > 0)
        for (std::size_t i = 0; i < n; ++i)
            if (outside(i)) full(i);
}

/// φ(l) and ρ(l) to about 1e-14 relative — far beyond float precision — for float inputs, at a
/// third of the cost of the double-word path: e^l from a plain reduced polynomial, then
/// φ = (e^l − 1) − l and ρ = 1 + (l − 1)e^l where those cancel by less than a factor 10
/// (|l| ≥ ¼), and Taylor series below. Special values as expm1mx and rlogr_residual.
template <bool UseFma>
KLDIV_VECTOR_INLINE void float_grade_residuals(double l, double& phi, double& rho) noexcept {
    const double lc = clamp_to(l, -64.0, exp_overflow);
    double k, t, t_lo;
    reduce(lc, k, t, t_lo);
    // Σ xⁿ/(n+2)!: both eᵗ = 1 + t + t²·P(t) (|t| ≤ ln2/2) and the φ series below use it;
    // 11 terms reach 1e-17 on either range.
    static constexpr double taylor[11] = {1.0 / 2,       1.0 / 6,        1.0 / 24,       1.0 / 120,
                                          1.0 / 720,     1.0 / 5040,     1.0 / 40320,    1.0 / 362880,
                                          1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600};
    const double p = polynomial<UseFma>(t, taylor);
    const double e_t = multiply_add<UseFma>(t * t, p, t + t_lo) + 1.0;
    const double half_scale = power_of_two(k - 1.0);
    const double e = (e_t * half_scale) * 2.0;
    // Series for |l| < ¼: φ = l²·Σ lⁿ/(n+2)!, ρ = l²·Σ (n+1)·lⁿ/(n+2)!; 11 terms reach 1e-17.
    static constexpr double rho_c[11] = {1.0 / 2,       2.0 / 6,         3.0 / 24,        4.0 / 120,
                                         5.0 / 720,     6.0 / 5040,      7.0 / 40320,     8.0 / 362880,
                                         9.0 / 3628800, 10.0 / 39916800, 11.0 / 479001600};
    const double sp = polynomial<UseFma>(lc, taylor), sr = polynomial<UseFma>(lc, rho_c);
    const double l2 = lc * lc;
    const bool small = std::fabs(lc) < 0.25;
    double phi_value = small ? l2 * sp : (e - 1.0) - lc;
    double rho_value = small ? l2 * sr : multiply_add<UseFma>(lc - 1.0, e, 1.0);
    rho_value = (e == std::numeric_limits<double>::infinity()) ? e : rho_value;
    phi_value = (l < -64.0) ? -l - 1.0 : phi_value;
    rho_value = (l < -64.0) ? 1.0 : rho_value;
    phi_value = (l > exp_overflow) ? std::numeric_limits<double>::infinity() : phi_value;
    rho_value = (l > exp_overflow) ? std::numeric_limits<double>::infinity() : rho_value;
    phi = (l != l) ? l : phi_value;
    rho = (l != l) ? l : rho_value;
}

}  // namespace kldiv::simd::detail
