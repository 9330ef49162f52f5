// Fuzzes kl_estimates with its options (estimator subsets, mask, importance weights, clamp), its
// policy overload and kl_estimates_by_chunk (estimators/kl_estimates.hpp). Invariants documented
// there: only kldiv::domain_error is thrown, and exactly for empty input, size mismatches,
// weights of unmasked samples that are negative, NaN or infinite, a clamp that is not positive,
// or an empty estimator set; the statistics asked for count the unmasked samples, the others
// stay empty; clamped ≤ count (0 without a clamp); k2, k3 and reverse are never negative; with
// finite log-ratios and valid weights no mean is NaN (k1's too while its sums cannot overflow);
// kl_estimates(seq, …) is the left-to-right merge of kl_estimates_by_chunk, bit for bit.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "kldiv/estimators/kl_estimates.hpp"

namespace {

#define require(condition)                                                                          \
    do {                                                                                            \
        if (!(condition)) {                                                                         \
            std::fprintf(stderr, "fuzz_estimators: invariant violated at line %d: %s\n", __LINE__, \
                         #condition);                                                               \
            __builtin_trap();                                                                       \
        }                                                                                           \
    } while (0)

/// A double that hits the edges often: special values, extremes, denormals, or raw bits.
double hostile_double(FuzzedDataProvider& data) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    static constexpr double specials[] = {0.0,    -0.0,     1.0,   -1.0,  0.5,   inf,   -inf,
                                          std::numeric_limits<double>::quiet_NaN(),
                                          1e308,  -1e308,   1e-308, 4.9e-324, -4.9e-324, 1e-30,
                                          1e300,  709.8,    -745.2, 400.0, 1e154, -2.5e230, 1e-20,
                                          2.0,    0.25,     1e-9,   1e38,  -1e38, 88.8,  -103.9};
    switch (data.ConsumeIntegralInRange<int>(0, 3)) {
        case 0: return specials[data.ConsumeIntegralInRange<std::size_t>(0, std::size(specials) - 1)];
        case 1: return data.ConsumeFloatingPointInRange<double>(-50.0, 50.0);
        case 2: return data.ConsumeProbability<double>();
        default: {
            const auto bits = data.ConsumeIntegral<std::uint64_t>();
            double x;
            std::memcpy(&x, &bits, sizeof x);
            return x;
        }
    }
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_stats(const kldiv::running_stats& a, const kldiv::running_stats& b) {
    return a.count() == b.count() && (a.count() == 0 || same_bits(a.mean(), b.mean())) &&
           (a.count() < 2 || same_bits(a.variance(), b.variance()));
}

template <class T>
void run(const std::vector<T>& log_q, const std::vector<T>& log_p, const std::vector<T>& weights,
         const std::vector<std::uint8_t>& mask, std::optional<double> clamp, kldiv::kl_estimator_set wanted) {
    kldiv::kl_estimate_options<T> options;
    options.weights = weights;
    options.mask = mask;
    options.clamp_log_ratio = clamp;
    options.estimators = wanted;
    const std::size_t n = log_q.size();
    const bool sizes_ok = log_p.size() == n && (weights.empty() || weights.size() == n) && (mask.empty() || mask.size() == n);
    // What the documentation says about this input, computed independently of the library.
    bool valid = sizes_ok && (!clamp || *clamp > 0) && !wanted.empty();
    std::uint64_t expected_count = 0;
    bool finite_inputs = true;  // every used ℓ finite, every used weight finite
    double largest_k1 = 0;      // max |w·ℓ| over used samples
    if (sizes_ok) {
        for (std::size_t i = 0; i < n; ++i) {
            if (!mask.empty() && mask[i] == 0) continue;
            ++expected_count;
            const double w = weights.empty() ? 1.0 : static_cast<double>(weights[i]);
            if (!(w >= 0 && std::isfinite(w))) valid = false;
            const double l = static_cast<double>(log_p[i]) - static_cast<double>(log_q[i]);
            finite_inputs = finite_inputs && std::isfinite(l);
            largest_k1 = std::fmax(largest_k1, std::fabs(w * l));
        }
    }
    std::optional<kldiv::kl_estimate_set> serial;
    try {
        serial = kldiv::kl_estimates(log_q, log_p, options);
    } catch (const kldiv::domain_error&) {
        require(!valid || n == 0);
    }
    if (!serial) return;
    require(valid && n > 0);
    const kldiv::kl_estimate_set& e = *serial;
    const kldiv::running_stats* const fields[4] = {&e.k1, &e.k2, &e.k3, &e.reverse};
    for (unsigned s = 0; s < 4; ++s) {
        const bool asked = wanted.contains(static_cast<kldiv::kl_estimator>(s));
        require(fields[s]->count() == (asked ? expected_count : 0));
        if (s > 0) require(!(fields[s]->mean() < 0));  // k2, k3, reverse
        if (asked && expected_count > 0 && finite_inputs && (s > 0 || largest_k1 <= 1e300))
            require(!std::isnan(fields[s]->mean()));
    }
    require(e.clamped <= expected_count);
    if (!clamp) require(e.clamped == 0);

    // The policy overload and the per-chunk sets: bit-identical to each other.
    const kldiv::kl_estimate_set by_policy = kldiv::kl_estimates(kldiv::seq, log_q, log_p, options);
    kldiv::kl_estimate_set merged;
    for (const auto& chunk : kldiv::kl_estimates_by_chunk(kldiv::seq, log_q, log_p, options)) merged.merge(chunk);
    require(same_stats(by_policy.k1, merged.k1) && same_stats(by_policy.k2, merged.k2) &&
            same_stats(by_policy.k3, merged.k3) && same_stats(by_policy.reverse, merged.reverse));
    require(by_policy.clamped == e.clamped && merged.clamped == e.clamped);
    require(by_policy.k3.count() == e.k3.count());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    FuzzedDataProvider data(bytes, size);
    // Mostly short inputs (lanes and tails); now and then past a 256-sample block.
    const std::size_t n = data.ConsumeIntegralInRange<int>(0, 15) == 0 ? data.ConsumeIntegralInRange<std::size_t>(0, 300)
                                                                       : data.ConsumeIntegralInRange<std::size_t>(0, 40);
    const std::size_t m = data.ConsumeIntegralInRange<int>(0, 15) == 0 ? data.ConsumeIntegralInRange<std::size_t>(0, 40) : n;
    const bool gentle = data.ConsumeBool();  // log-densities of a realistic size, or anything
    const auto draw = [&](std::size_t count) {
        std::vector<double> v(count);
        for (double& x : v) x = gentle ? data.ConsumeFloatingPointInRange<double>(-30.0, 30.0) : hostile_double(data);
        return v;
    };
    const auto log_q = draw(n), log_p = draw(m);
    std::vector<double> weights;
    if (data.ConsumeBool()) {
        weights.resize(data.ConsumeIntegralInRange<int>(0, 15) == 0 ? m : n);
        for (double& w : weights) {
            switch (data.ConsumeIntegralInRange<int>(0, 3)) {
                case 0: w = 0; break;
                case 1: w = hostile_double(data); break;
                default: w = data.ConsumeFloatingPointInRange<double>(0.0, 4.0); break;
            }
        }
    }
    std::vector<std::uint8_t> mask;
    if (data.ConsumeBool()) {
        mask.resize(data.ConsumeIntegralInRange<int>(0, 15) == 0 ? m : n);
        for (auto& b : mask) b = data.ConsumeIntegralInRange<std::uint8_t>(0, 2);
    }
    std::optional<double> clamp;
    if (data.ConsumeBool()) clamp = data.ConsumeBool() ? data.ConsumeFloatingPointInRange<double>(0.0, 50.0) : hostile_double(data);
    kldiv::kl_estimator_set wanted = kldiv::kl_estimator_set::all();
    if (data.ConsumeBool()) {
        const unsigned bits = data.ConsumeIntegralInRange<unsigned>(0, 15);
        wanted = kldiv::kl_estimator_set();
        for (unsigned s = 0; s < 4; ++s)
            if (bits >> s & 1u) wanted = wanted | static_cast<kldiv::kl_estimator>(s);
    }
    if (data.ConsumeBool())
        run(log_q, log_p, weights, mask, clamp, wanted);
    else
        run(std::vector<float>(log_q.begin(), log_q.end()), std::vector<float>(log_p.begin(), log_p.end()),
            std::vector<float>(weights.begin(), weights.end()), mask, clamp, wanted);
    return 0;
}
