// Fuzzes the f-divergence built-ins (estimators/f_divergence.hpp) and f_divergence_estimator.
// Invariants (documented there): for every log-ratio l that is not NaN (±inf included) each
// built-in's per-sample estimate is ≥ 0 and never NaN; Jensen–Shannon is ≤ ½ln 2 for l ≤ 0 and
// ½ln 2 at l = −inf; alpha_divergence's constructor is the only thing that throws, and only for
// α = 0, 1 or non-finite; estimate() checks sizes, refuses empty input, and counts every sample.
// Only kldiv::domain_error is caught; a broken invariant traps.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <limits>
#include <numbers>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "kldiv/estimators/f_divergence.hpp"

namespace {

#define require(condition)                                                                            \
    do {                                                                                              \
        if (!(condition)) {                                                                           \
            std::fprintf(stderr, "fuzz_f_divergence: invariant violated at line %d: %s\n", __LINE__, \
                         #condition);                                                                 \
            __builtin_trap();                                                                         \
        }                                                                                             \
    } while (0)

/// A double that hits the edges often: special values, the overflow thresholds, raw bits.
double hostile_double(FuzzedDataProvider& data) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    static constexpr double specials[] = {0.0,   -0.0,    1.0,    -1.0,  0.5,   inf,      -inf,
                                          std::numeric_limits<double>::quiet_NaN(),
                                          1e308, -1e308,  1e-308, 4.9e-324, -4.9e-324, 1e-30, 1e300,
                                          709.8, -745.2,  400.0,  1e154, -2.5e230, 1e-20, 2.0, 0.25,
                                          1e-9,  20.0,    -20.0,  2.5,   -2.5,  709.0,    710.0};
    switch (data.ConsumeIntegralInRange<int>(0, 3)) {
        case 0: return specials[data.ConsumeIntegralInRange<std::size_t>(0, std::size(specials) - 1)];
        case 1: return data.ConsumeFloatingPointInRange<double>(-50.0, 50.0);
        case 2: return data.ConsumeFloatingPointInRange<double>(-1000.0, 1000.0);
        default: {
            const auto bits = data.ConsumeIntegral<std::uint64_t>();
            double x;
            __builtin_memcpy(&x, &bits, sizeof x);
            return x;
        }
    }
}

template <class G>
void check_estimator(const G& generator, double l) {
    const kldiv::f_divergence_estimator<G> estimator(generator);
    const double value = estimator(l);
    if (std::isnan(l)) return;
    require(!std::isnan(value));
    require(value >= 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    FuzzedDataProvider data(bytes, size);
    namespace f = kldiv::f_divergences;
    const double l = hostile_double(data);
    check_estimator(f::kl_pq{}, l);
    check_estimator(f::kl_qp{}, l);
    check_estimator(f::chi_squared{}, l);
    check_estimator(f::squared_hellinger{}, l);
    check_estimator(f::total_variation{}, l);
    check_estimator(f::jensen_shannon{}, l);
    const kldiv::f_divergence_estimator<f::jensen_shannon> js;
    if (!std::isnan(l) && l <= 0) require(js(l) <= std::numbers::ln2 / 2 * (1 + 1e-15));
    if (l == -std::numeric_limits<double>::infinity()) require(js(l) == std::numbers::ln2 / 2);
    const double alpha = data.ConsumeBool() ? data.ConsumeFloatingPointInRange<double>(-4.0, 4.0) : hostile_double(data);
    try {
        check_estimator(f::alpha_divergence{alpha}, l);
    } catch (const kldiv::domain_error&) {
        require(!std::isfinite(alpha) || alpha == 0.0 || alpha == 1.0);
    }
    // The vector interface: sizes checked, empty refused, every sample counted, mean ≥ 0.
    const std::size_t n = data.ConsumeIntegralInRange<std::size_t>(0, 16);
    const std::size_t m = data.ConsumeIntegralInRange<int>(0, 7) == 0 ? data.ConsumeIntegralInRange<std::size_t>(0, 16) : n;
    std::vector<double> log_q(n), log_p(m);
    for (double& x : log_q) x = hostile_double(data);
    for (double& x : log_p) x = hostile_double(data);
    try {
        const auto stats = kldiv::f_divergence_estimator<f::squared_hellinger>{}.estimate(log_q, log_p);
        require(stats.count() == n && n == m && n > 0);
        require(!(stats.mean() < 0));
        const auto same = kldiv::f_divergence_estimator<f::squared_hellinger>{}.estimate(kldiv::seq, log_q, log_p);
        require(same.count() == n);
        require(same.mean() == stats.mean() || (std::isnan(same.mean()) && std::isnan(stats.mean())));
    } catch (const kldiv::domain_error&) {
        require(n != m || n == 0);
    }
    return 0;
}
