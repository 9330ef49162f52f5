// Concepts shared by every layer: which scalar types kldiv computes in, and what it accumulates in.
// Guarantees: float inputs accumulate in double; double and long double in themselves.
#pragma once

#include <concepts>
#include <type_traits>

namespace kldiv {

/// The scalar types kldiv's numerics accept: float, double and long double.
template <class T>
concept real = std::floating_point<T>;

/// The types with vectorised paths (simd/ kernels, branch-free evaluators): float and double.
/// long double takes the generic scalar code.
template <class T>
concept simd_real = std::same_as<T, float> || std::same_as<T, double>;

/// The type sums of T are accumulated in: double for float, T otherwise.
template <real T>
using accumulator_t = std::conditional_t<std::is_same_v<T, float>, double, T>;

}  // namespace kldiv
