// How kldiv accepts vectors: any contiguous container of reals (std::span, std::vector,
// std::array, Eigen vectors and maps), and the size checks every layer shares, so that a size
// mismatch reads the same wherever it is caught.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/error.hpp"

namespace kldiv {

/// A contiguous sequence of reals: has data() pointing at its elements and size().
/// (std::span, std::vector, std::array, Eigen::Vector/Array/Map with unit inner stride.)
template <class R>
concept real_vector = requires(const R& r) {
    {r.data()};
    {r.size()};
    requires std::is_pointer_v<decltype(r.data())>;
    requires real<std::remove_cv_t<std::remove_pointer_t<decltype(r.data())>>>;
};

/// The element type of a real_vector.
template <real_vector R>
using vector_value_t = std::remove_cv_t<std::remove_pointer_t<decltype(std::declval<const R&>().data())>>;

/// A read-only span over any real_vector.
template <real_vector R>
[[nodiscard]] std::span<const vector_value_t<R>> as_span(const R& r) noexcept {
    return {r.data(), static_cast<std::size_t>(r.size())};
}

namespace detail {

/// Throws unless both vectors have the same size: the one message for two operands (p and q,
/// a distribution and its point, samples and weights).
inline void check_same_size(std::string_view function, std::size_t p_size, std::size_t q_size) {
    if (p_size != q_size)
        fail(function, "p and q have different sizes (" + std::to_string(p_size) + " and " + std::to_string(q_size) +
                           "); kldiv never broadcasts the outcome axis");
}

/// Checks the sizes of a batched call: out must hold one value per input.
inline void require_same_size(std::string_view function, std::size_t in, std::size_t out) {
    if (in != out)
        fail(function, "input and output sizes differ (" + std::to_string(in) + " and " + std::to_string(out) + ")");
}

}  // namespace detail
}  // namespace kldiv
