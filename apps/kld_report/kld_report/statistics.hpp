// The statistics of the report over per-token arrays, in token order (so they do not depend on
// how the rows were split among threads). Formulas as llama.cpp's perplexity tool prints them;
// see docs/kld-report.md for each one and where kld-report differs.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include <kldiv/core/summation.hpp>

namespace kld_report {

/// A value and its standard uncertainty.
struct value_with_uncertainty {
    double value = std::numeric_limits<double>::quiet_NaN();
    double uncertainty = std::numeric_limits<double>::quiet_NaN();
};

/// Σx in token order, compensated.
[[nodiscard]] inline double ordered_sum(std::span<const double> x) noexcept {
    kldiv::compensated_sum<double> s;
    for (const double v : x) s.add(v);
    return s.value();
}

/// The mean and its uncertainty s/√N = √(Σ(x − x̄)²/(N(N − 1))) (two passes, compensated sums;
/// llama.cpp's √((Σx²/N − x̄²)/(N − 1)) is the same quantity). N < 2: uncertainty NaN.
[[nodiscard]] inline value_with_uncertainty mean_and_uncertainty(std::span<const double> x) noexcept {
    value_with_uncertainty r;
    const auto n = static_cast<double>(x.size());
    if (x.empty()) return r;
    r.value = ordered_sum(x) / n;
    if (x.size() < 2 || !std::isfinite(r.value)) return r;
    kldiv::compensated_sum<double> squares;
    for (const double v : x) squares.add((v - r.value) * (v - r.value));
    r.uncertainty = std::sqrt(squares.value() / (n * (n - 1)));
    return r;
}

/// The covariance of the means of x and y: Σ(x − x̄)(y − ȳ)/(N(N − 1)) (llama.cpp's
/// (Σxy/N − x̄ȳ)/(N − 1)). N < 2: NaN.
[[nodiscard]] inline double covariance_of_means(std::span<const double> x, std::span<const double> y) noexcept {
    const auto n = static_cast<double>(x.size());
    if (x.size() < 2) return std::numeric_limits<double>::quiet_NaN();
    const double mx = ordered_sum(x) / n, my = ordered_sum(y) / n;
    kldiv::compensated_sum<double> s;
    for (std::size_t i = 0; i < x.size(); ++i) s.add((x[i] - mx) * (y[i] - my));
    return s.value() / (n * (n - 1));
}

/// The f-quantile of sorted values by linear interpolation at position f·(N − 1) (f in [0, 1]):
/// the median of an even N is the mean of the middle two, as in llama.cpp.
[[nodiscard]] inline double percentile_of_sorted(std::span<const double> sorted, double f) noexcept {
    if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
    if (f <= 0) return sorted.front();
    if (f >= 1) return sorted.back();
    const double position = f * static_cast<double>(sorted.size() - 1);
    const auto i = static_cast<std::size_t>(position);
    const double t = position - static_cast<double>(i);
    const double next = sorted[std::min(i + 1, sorted.size() - 1)];
    return t == 0 ? sorted[i] : (1 - t) * sorted[i] + t * next;
}

/// Mean ± uncertainty, extremes, median and the requested percentiles of one per-token quantity.
struct distribution_summary {
    value_with_uncertainty mean;
    double minimum = std::numeric_limits<double>::quiet_NaN();
    double maximum = std::numeric_limits<double>::quiet_NaN();
    double median = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> fractions;    // e.g. 0.999, 0.99, ...
    std::vector<double> percentiles;  // the value at each fraction
};

/// Summarises x (any order; a sorted copy is made). NaN values sort last (they make the mean NaN).
[[nodiscard]] inline distribution_summary summarize(std::span<const double> x, const std::vector<double>& fractions) {
    distribution_summary s;
    s.mean = mean_and_uncertainty(x);
    std::vector<double> sorted(x.begin(), x.end());
    std::sort(sorted.begin(), sorted.end(), [](double a, double b) { return a < b || (!std::isnan(a) && std::isnan(b)); });
    if (sorted.empty()) return s;
    s.minimum = sorted.front();
    s.maximum = sorted.back();
    s.median = percentile_of_sorted(sorted, 0.5);
    s.fractions = fractions;
    for (const double f : fractions) s.percentiles.push_back(percentile_of_sorted(sorted, f));
    return s;
}

}  // namespace kld_report
