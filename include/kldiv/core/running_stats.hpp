// Mergeable running statistics (count, mean, variance, standard error): Welford + Chan.
// Guarantees: one pass, numerically stable, merge of chunks equals one pass up to rounding.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace kldiv {

/// Count, mean and sum of squared deviations (M2) of a stream of values, in double.
/// push() is Welford's update; merge() is Chan et al.'s pairwise combination, so statistics
/// from chunks, threads or machines combine into those of the whole stream.
/// Accuracy: mean and variance have relative error O(ε·log n)-ish for well-conditioned data
/// (no catastrophic cancellation from Σx² − n·mean²); tested against long-double two-pass.
/// Special values: an infinite value makes the mean ±inf (NaN if both signs occur) and the
/// variance NaN; NaN propagates. Merging follows the same rules.
class running_stats {
public:
    constexpr running_stats() noexcept = default;

    /// Adds one observation.
    constexpr void push(double value) noexcept {
        ++count_;
        if (!finite(value) || !finite(mean_)) {  // Welford's update would turn inf into NaN
            mean_ = (count_ == 1) ? value : mean_ + value;  // +inf stays +inf; +inf and −inf give NaN
            m2_ = std::numeric_limits<double>::quiet_NaN();
            return;
        }
        const double delta = value - mean_;
        mean_ += delta / static_cast<double>(count_);
        m2_ += delta * (value - mean_);
    }

    /// Combines with statistics of another, disjoint stream.
    constexpr void merge(const running_stats& other) noexcept {
        if (other.count_ == 0) return;
        if (count_ == 0) {
            *this = other;
            return;
        }
        if (!finite(mean_) || !finite(other.mean_)) {
            mean_ += other.mean_;
            m2_ = std::numeric_limits<double>::quiet_NaN();
            count_ += other.count_;
            return;
        }
        const double n_a = static_cast<double>(count_);
        const double n_b = static_cast<double>(other.count_);
        const double n = n_a + n_b;
        const double delta = other.mean_ - mean_;
        mean_ += delta * (n_b / n);
        m2_ += other.m2_ + delta * delta * (n_a * n_b / n);
        count_ += other.count_;
    }

    /// Builds statistics from a count, mean and M2 computed elsewhere (e.g. by a vector kernel).
    [[nodiscard]] static constexpr running_stats from_moments(std::uint64_t count, double mean, double m2) noexcept {
        running_stats s;
        s.count_ = count;
        s.mean_ = count == 0 ? 0.0 : mean;
        s.m2_ = count == 0 ? 0.0 : m2;
        return s;
    }

    [[nodiscard]] constexpr std::uint64_t count() const noexcept { return count_; }
    /// Sample mean; NaN when empty.
    [[nodiscard]] constexpr double mean() const noexcept {
        return count_ == 0 ? std::numeric_limits<double>::quiet_NaN() : mean_;
    }
    /// Sum of squared deviations from the mean (M2).
    [[nodiscard]] constexpr double sum_of_squared_deviations() const noexcept { return m2_; }
    /// Unbiased sample variance M2/(n − 1); NaN when n < 2.
    [[nodiscard]] constexpr double variance() const noexcept {
        return count_ < 2 ? std::numeric_limits<double>::quiet_NaN() : m2_ / static_cast<double>(count_ - 1);
    }
    /// Sample standard deviation √variance; NaN when n < 2.
    [[nodiscard]] double stddev() const noexcept { return std::sqrt(variance()); }
    /// Standard error of the mean √(variance/n); NaN when n < 2.
    [[nodiscard]] double standard_error() const noexcept {
        return std::sqrt(variance() / static_cast<double>(count_));
    }

private:
    static constexpr bool finite(double v) noexcept { return v - v == 0.0; }  // false for ±inf and NaN

    std::uint64_t count_ = 0;
    double mean_ = 0;
    double m2_ = 0;
};

}  // namespace kldiv
