// Bit-for-bit equality of results (execution policies, the byte format): doubles compared as
// bytes (NaN payloads and the sign of 0 included), statistics by count, mean and M2 (an empty
// statistic has no mean to compare), estimate sets by all four statistics and the clamp count.
#pragma once

#include <cstring>

#include "kldiv/estimators/kl_estimates.hpp"

namespace kldiv::test {

inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

inline bool same_bits(const kldiv::running_stats& a, const kldiv::running_stats& b) {
    return a.count() == b.count() && (a.count() == 0 || same_bits(a.mean(), b.mean())) &&
           same_bits(a.sum_of_squared_deviations(), b.sum_of_squared_deviations());
}

inline bool same_bits(const kldiv::kl_estimate_set& a, const kldiv::kl_estimate_set& b) {
    return same_bits(a.k1, b.k1) && same_bits(a.k2, b.k2) && same_bits(a.k3, b.k3) &&
           same_bits(a.reverse, b.reverse) && a.clamped == b.clamped;
}

}  // namespace kldiv::test
