// simd::exp, simd::log and simd::log1pmx on every instruction set: ulp errors against quad
// precision over the whole range (subnormals included), and the scalar special values in every lane.
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <vector>

#include "kldiv/core/log1pmx.hpp"
#include "kldiv/simd/elementwise.hpp"
#include "support/catch.hpp"
#include "support/isa.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::available_isas;
using kldiv::test::isa_guard;
using kldiv::test::quad;
using kldiv::test::random_points;

namespace {

template <class T>
bool same_special_within_2ulp(T got, T want) {
    if (std::isnan(want)) return std::isnan(got);
    if (std::isinf(want) || want == 0) return got == want;
    return std::fabs(got - want) <= 2 * std::numeric_limits<T>::epsilon() * std::fabs(want);
}

/// Runs f over `points` inputs drawn by draw(engine), returns the worst ulp error against reference.
template <class T, class Draw, class F, class Reference>
double worst_ulps(long points, Draw draw, F f, Reference reference) {
    std::mt19937_64 engine(41);
    std::vector<T> in(4096), out(4096);
    double worst = 0;
    for (long done = 0; done < points; done += static_cast<long>(in.size())) {
        for (auto& x : in) x = draw(engine);
        f(std::span<const T>(in), std::span<T>(out));
        for (std::size_t i = 0; i < in.size(); ++i)
            worst = std::max(worst, kldiv::test::ulp_error<T>(out[i], reference(quad(in[i]))));
    }
    return worst;
}

}  // namespace

TEMPLATE_TEST_CASE("simd::exp and simd::log are within 1 ulp of quad precision on every instruction set",
                   "[simd][exp_log][accuracy]", double, float) {
    using T = TestType;
    const isa_guard restore;
    const long points = random_points();
    const double exp_high = std::log(double(std::numeric_limits<T>::max()));
    const double exp_low = std::log(double(std::numeric_limits<T>::denorm_min())) - 0.5;
    const double log2_low = std::log2(double(std::numeric_limits<T>::denorm_min()));
    const double log2_high = std::log2(double(std::numeric_limits<T>::max()));
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        std::uniform_real_distribution<double> exp_argument(exp_low, exp_high), small(-1.0, 1.0),
            log2_argument(log2_low, log2_high), near_one(-0.1, 0.1);
        const auto exp_f = [](std::span<const T> in, std::span<T> out) { kldiv::simd::exp(in, out); };
        const auto log_f = [](std::span<const T> in, std::span<T> out) { kldiv::simd::log(in, out); };
        const auto exp_ref = [](quad x) { return expq(x); };
        const auto log_ref = [](quad x) { return logq(x); };
        const double exp_whole = worst_ulps<T>(
            points, [&](auto& g) { return T(exp_argument(g)); }, exp_f, exp_ref);
        const double exp_small = worst_ulps<T>(
            points / 4, [&](auto& g) { return T(small(g)); }, exp_f, exp_ref);
        const double log_whole = worst_ulps<T>(
            points, [&](auto& g) { return T(std::exp2(log2_argument(g))); }, log_f, log_ref);
        const double log_near_one = worst_ulps<T>(
            points / 4, [&](auto& g) { return T(1.0 + near_one(g)); }, log_f, log_ref);
        INFO("instruction set " << kldiv::simd::name(set) << ": exp " << exp_whole << " / " << exp_small << " ulp, log "
                                << log_whole << " / " << log_near_one << " ulp");
        CHECK(exp_whole <= 1.0);
        CHECK(exp_small <= 1.0);
        CHECK(log_whole <= 1.0);
        CHECK(log_near_one <= 1.0);
        WARN("simd::exp/log<" << (sizeof(T) == 4 ? "float" : "double") << "> on " << kldiv::simd::name(set)
                              << ": exp max " << std::max(exp_whole, exp_small) << " ulp, log max "
                              << std::max(log_whole, log_near_one) << " ulp over " << points << " points");
    }
}

TEMPLATE_TEST_CASE("simd::exp and simd::log: special values in every lane position, any length and alignment",
                   "[simd][exp_log][edge]", double, float) {
    using T = TestType;
    const isa_guard restore;
    constexpr T inf = std::numeric_limits<T>::infinity();
    const T specials[] = {T(0),
                          -T(0),
                          inf,
                          -inf,
                          std::numeric_limits<T>::quiet_NaN(),
                          T(1000),
                          T(-1000),
                          std::numeric_limits<T>::denorm_min(),
                          std::numeric_limits<T>::min(),
                          std::numeric_limits<T>::max(),
                          T(-1),
                          T(1)};
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        INFO("instruction set " << kldiv::simd::name(set));
        for (std::size_t offset : {0, 1, 3}) {
            for (std::size_t n = 0; n <= 2 * 16 + 1; ++n) {
                for (std::size_t position = 0; position < n; ++position) {
                    for (const T special : specials) {
                        std::vector<T> in(n + offset, T(0.5)), out(n + offset), out_log(n + offset);
                        in[offset + position] = special;
                        const std::span<const T> input(in.data() + offset, n);
                        kldiv::simd::exp(input, std::span<T>(out.data() + offset, n));
                        kldiv::simd::log(input, std::span<T>(out_log.data() + offset, n));
                        for (std::size_t i = 0; i < n; ++i) {
                            const T x = in[offset + i];
                            INFO("n " << n << ", offset " << offset << ", lane " << i << ": x = " << x << ", exp "
                                      << out[offset + i] << ", log " << out_log[offset + i]);
                            REQUIRE(same_special_within_2ulp(out[offset + i], std::exp(x)));
                            REQUIRE(same_special_within_2ulp(out_log[offset + i], std::log(x)));
                        }
                    }
                }
            }
        }
    }
}

TEST_CASE("simd::exp and simd::log reject sizes that differ", "[simd][exp_log][errors]") {
    std::vector<double> in(3, 0.5), out(2);
    CHECK_THROWS_WITH(kldiv::simd::exp<double>(in, out),
                      Catch::Contains("simd::exp") && Catch::Contains("sizes differ"));
    CHECK_THROWS_WITH(kldiv::simd::log<double>(in, out), Catch::Contains("simd::log"));
}

TEMPLATE_TEST_CASE(
    "simd::log1pmx is within 2 ulp of quad precision on every instruction set, special values in "
    "every lane",
    "[simd][log1pmx]", double, float) {
    using T = TestType;
    const isa_guard restore;
    const long points = random_points();
    const double log2_high = std::log2(double(std::numeric_limits<T>::max()));
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        std::uniform_real_distribution<double> magnitude(-40.0, log2_high), unit(0.0, 1.0), bulk(-1.0, 1.0);
        const auto f = [](std::span<const T> in, std::span<T> out) { kldiv::simd::log1pmx(in, out); };
        const auto reference = [](quad x) { return kldiv::test::ref_log1pmx(x); };
        // x = ±2^m over the whole range (negative side: −1 < x < 0), and the bulk around the seams.
        const double whole = worst_ulps<T>(
            points,
            [&](auto& g) {
                const double x = std::exp2(magnitude(g));
                return unit(g) < 0.5 ? T(x) : T(-std::fmin(x, 1.0) * unit(g));
            },
            f, reference);
        const double near = worst_ulps<T>(
            points / 4, [&](auto& g) { return T(bulk(g)); }, f, reference);
        INFO("instruction set " << kldiv::simd::name(set) << ": " << whole << " / " << near << " ulp");
        CHECK(whole <= 2.0);
        CHECK(near <= 2.0);
        WARN("simd::log1pmx<" << (sizeof(T) == 4 ? "float" : "double") << "> on " << kldiv::simd::name(set) << ": max "
                              << std::max(whole, near) << " ulp over " << points << " points");
        constexpr T inf = std::numeric_limits<T>::infinity();
        const T specials[] = {T(-1),
                              T(-2),
                              inf,
                              -inf,
                              std::numeric_limits<T>::quiet_NaN(),
                              T(0),
                              -T(0),
                              std::numeric_limits<T>::denorm_min(),
                              T(1e-30),
                              T(-0.29),
                              T(0.41),
                              T(1e30)};
        for (std::size_t n = 1; n <= 2 * 16 + 1; ++n) {
            for (std::size_t position = 0; position < n; ++position) {
                for (const T special : specials) {
                    std::vector<T> in(n + 1, T(0.5)), out(n + 1);
                    in[1 + position] = special;
                    kldiv::simd::log1pmx(std::span<const T>(in.data() + 1, n), std::span<T>(out.data() + 1, n));
                    for (std::size_t i = 0; i < n; ++i) {
                        const T x = in[1 + i], want = kldiv::log1pmx(x);
                        INFO("n " << n << ", lane " << i << ": x = " << x << ", got " << out[1 + i] << ", want "
                                  << want);
                        REQUIRE(same_special_within_2ulp(out[1 + i], want));
                    }
                }
            }
        }
    }
}
