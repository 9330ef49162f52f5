// Compensated summation against an exact quad sum; running statistics against two-pass
// long-double moments, and merging against one pass.
#include <cmath>
#include <cstdlib>
#include <random>
#include <vector>

#include "kldiv/core/running_stats.hpp"
#include "kldiv/core/summation.hpp"
#include "support/catch.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::quad;

TEST_CASE("compensated summation of many float terms is exact to double rounding", "[core][summation]") {
    // 10⁸ terms by default (KLDIV_SUM_TERMS lowers it for the sanitizer build); values from
    // 1e-3 to 1e3 have a quad sum that is exact.
    long terms = 100000000;
    if (const char* text = std::getenv("KLDIV_SUM_TERMS")) terms = std::atol(text);
    std::mt19937 engine(42);
    std::uniform_real_distribution<float> exponent(-3.0f, 3.0f);
    kldiv::compensated_sum<double> sum;
    quad exact = 0;
    float naive = 0.0f;
    for (long i = 0; i < terms; ++i) {
        const float v = std::pow(10.0f, exponent(engine)) * ((i % 3 == 0) ? -1.0f : 1.0f);
        sum.add(v);
        naive += v;
        exact += v;
    }
    const double relative = std::fabs(double((quad(sum.value()) - exact) / exact));
    INFO("terms = " << terms << ", relative error " << relative << ", float accumulator "
                    << std::fabs(double((quad(naive) - exact) / exact)));
    CHECK(relative <= 1e-15);
}

TEST_CASE("compensated summation survives catastrophic cancellation", "[core][summation]") {
    const std::vector<double> values{1e16, 1.0, -1e16, 1.0, 1e-3};
    CHECK(kldiv::accurate_sum(std::span<const double>(values)) == 2.001);
    const std::vector<float> floats{1e8f, 1.0f, -1e8f};
    CHECK(kldiv::accurate_sum(std::span<const float>(floats)) == 1.0);
    CHECK(kldiv::accurate_sum(std::span<const double>{}) == 0.0);
    const std::vector<double> infinite{1.0, std::numeric_limits<double>::infinity()};
    CHECK(kldiv::accurate_sum(std::span<const double>(infinite)) == std::numeric_limits<double>::infinity());
}

TEST_CASE("merged compensated sums equal one pass", "[core][summation]") {
    std::mt19937_64 engine(3);
    std::normal_distribution<double> normal(0.0, 1e6);
    std::vector<double> values(10007);
    for (auto& v : values) v = normal(engine);
    kldiv::compensated_sum<double> whole, left, right;
    for (std::size_t i = 0; i < values.size(); ++i) {
        whole.add(values[i]);
        (i < 4000 ? left : right).add(values[i]);
    }
    left.merge(right);
    CHECK(left.value() == Approx(whole.value()).epsilon(1e-15));
}

TEST_CASE("running_stats matches two-pass moments and merges exactly", "[core][running_stats]") {
    std::mt19937_64 engine(11);
    std::normal_distribution<double> normal(1e6, 3.0);  // large mean: naive Σx² would cancel
    std::vector<double> values(100001);
    for (auto& v : values) v = normal(engine);
    long double mean = 0;
    for (double v : values) mean += v;
    mean /= values.size();
    long double m2 = 0;
    for (double v : values) m2 += (v - mean) * (v - mean);
    const long double variance = m2 / (values.size() - 1);

    kldiv::running_stats whole, a, b, c;
    for (std::size_t i = 0; i < values.size(); ++i) {
        whole.push(values[i]);
        (i < 10 ? a : (i < 60000 ? b : c)).push(values[i]);
    }
    CHECK(whole.count() == values.size());
    CHECK(whole.mean() == Approx(double(mean)).epsilon(1e-14));
    CHECK(whole.variance() == Approx(double(variance)).epsilon(1e-9));
    CHECK(whole.standard_error() == Approx(std::sqrt(double(variance) / double(values.size()))).epsilon(1e-9));

    kldiv::running_stats merged;
    merged.merge(a);
    merged.merge(b);
    merged.merge(c);
    merged.merge(kldiv::running_stats{});
    CHECK(merged.count() == whole.count());
    CHECK(merged.mean() == Approx(whole.mean()).epsilon(1e-14));
    CHECK(merged.variance() == Approx(whole.variance()).epsilon(1e-9));
}

TEST_CASE("running_stats edge cases", "[core][running_stats]") {
    kldiv::running_stats empty;
    CHECK(empty.count() == 0);
    CHECK(std::isnan(empty.mean()));
    CHECK(std::isnan(empty.variance()));
    kldiv::running_stats one;
    one.push(2.5);
    CHECK(one.mean() == 2.5);
    CHECK(std::isnan(one.variance()));
    CHECK(std::isnan(one.standard_error()));
    kldiv::running_stats with_nan;
    with_nan.push(1.0);
    with_nan.push(std::numeric_limits<double>::quiet_NaN());
    CHECK(std::isnan(with_nan.mean()));
    const auto rebuilt = kldiv::running_stats::from_moments(3, 2.0, 8.0);
    CHECK(rebuilt.variance() == 4.0);
}

TEST_CASE("running_stats keeps infinities as values", "[core][running_stats]") {
    constexpr double inf = std::numeric_limits<double>::infinity();
    kldiv::running_stats s;
    s.push(1.0);
    s.push(inf);
    s.push(2.0);
    CHECK(s.mean() == inf);
    CHECK(std::isnan(s.variance()));
    kldiv::running_stats t;
    t.push(inf);
    t.merge(s);
    CHECK(t.mean() == inf);
    CHECK(t.count() == 4);
    kldiv::running_stats u;
    u.push(-inf);
    u.merge(t);
    CHECK(std::isnan(u.mean()));
}
