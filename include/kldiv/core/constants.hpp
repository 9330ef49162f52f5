// Mathematical constants the families share, in every real type.
#pragma once

#include <limits>

namespace kldiv {
namespace detail {

/// ½·log 2π, the normal density's normalising constant.
template <class T>
inline constexpr T half_log_two_pi = T(0.918938533204672741780329736405617640L);

/// +∞ in T, what KL returns when supp p ⊄ supp q.
template <class T>
inline constexpr T infinity = std::numeric_limits<T>::infinity();

}  // namespace detail
}  // namespace kldiv
