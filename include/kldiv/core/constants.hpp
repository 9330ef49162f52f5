// Mathematical constants the families share, in every real type.
#pragma once

namespace kldiv {
namespace detail {

/// ½·log 2π, the normal density's normalising constant.
template <class T>
inline constexpr T half_log_two_pi = T(0.918938533204672741780329736405617640L);

}  // namespace detail
}  // namespace kldiv
