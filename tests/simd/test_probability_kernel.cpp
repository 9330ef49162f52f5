// The discrete-KL kernel on every instruction set: per-term accuracy against quad precision
// (random points over the whole ratio range), special values in every lane position, lengths
// 0 … 2·lanes+1 and misaligned starts against the scalar core, and the accuracy of its sums.
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <vector>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/discrete/measures.hpp"
#include "kldiv/simd/probability_kernel.hpp"
#include "support/catch.hpp"
#include "support/isa.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::available_isas;
using kldiv::test::isa_guard;
using kldiv::test::quad;
using kldiv::test::random_points;

namespace {

/// p·(e^l − 1 − l), l = log(q/p), in quad precision: a series where e^l − 1 − l would cancel.
quad reference_term(quad p, quad q) {
    if (p == 0) return 0;
    if (q == 0) return HUGE_VALQ;
    const quad l = logq(q / p);
    if (fabsq(l) < quad(0.01)) {
        quad sum = 0, term = l * l / 2;
        for (int n = 2; n < 40; ++n) {
            sum += term;
            term *= l / (n + 1);
        }
        return p * sum;
    }
    return p * (expm1q(l) - l);
}

/// The scalar core's KL term, rounded to T: the reference for special values.
template <class T>
T scalar_term(T p, T q) {
    const double pd = p, qd = q;
    if (pd != pd || qd != qd) return std::numeric_limits<T>::quiet_NaN();
    if (pd == 0) return 0;
    if (qd == 0) return std::numeric_limits<T>::infinity();
    const double l = kldiv::log_ratio(qd, pd);
    return static_cast<T>(l > 40 ? (qd - pd) - pd * l : pd * kldiv::expm1mx(l));
}

template <class T>
bool same_special_within_3ulp(T got, T want) {
    if (std::isnan(want)) return std::isnan(got);
    if (std::isinf(want)) return got == want;
    return std::fabs(got - want) <=
           3 * std::numeric_limits<T>::epsilon() * std::fabs(want) + std::numeric_limits<T>::denorm_min();
}

}  // namespace

TEMPLATE_TEST_CASE("kl_divergence_terms is within 3 ulp of quad precision on every instruction set",
                   "[simd][discrete][accuracy]", double, float) {
    using T = TestType;
    const isa_guard restore;
    const long points = random_points();
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        std::mt19937_64 engine(21);
        // log p uniform over most of the normal range; log(q/p) from tiny (1e-9, the KL ~ 1e-18
        // regime) through moderate (the k = ±1 cancellation) to huge ratios.
        const double max_log = std::is_same_v<T, float> ? 40.0 : 300.0;
        std::uniform_real_distribution<double> log_p(-max_log, 0.0), unit(-1.0, 1.0), scale_exponent(-9.0, 2.5);
        std::vector<T> p(4096), q(4096), out(4096);
        double worst = 0;
        T worst_p = 0, worst_q = 0;
        for (long done = 0; done < points; done += static_cast<long>(p.size())) {
            for (std::size_t i = 0; i < p.size(); ++i) {
                p[i] = static_cast<T>(std::exp(log_p(engine)));
                const double l = unit(engine) * std::pow(10.0, scale_exponent(engine));
                q[i] = static_cast<T>(double(p[i]) * std::exp(std::fmax(std::fmin(l, max_log), -max_log)));
            }
            kldiv::simd::kl_divergence_terms<T>(p, q, out);
            for (std::size_t i = 0; i < p.size(); ++i) {
                const double error = kldiv::test::ulp_error<T>(out[i], reference_term(quad(p[i]), quad(q[i])));
                if (error > worst) worst = error, worst_p = p[i], worst_q = q[i];
            }
        }
        INFO("instruction set " << kldiv::simd::name(set) << ": worst " << worst << " ulp at p = " << worst_p
                                << ", q = " << worst_q);
        CHECK(worst <= 3.0);
        WARN("kl_divergence_terms<" << (sizeof(T) == 4 ? "float" : "double") << "> on " << kldiv::simd::name(set)
                                    << ": max " << worst << " ulp over " << points << " points");
    }
}

TEMPLATE_TEST_CASE("kl_divergence_terms: special values in every lane position, any length and alignment",
                   "[simd][discrete][edge]", double, float) {
    using T = TestType;
    const isa_guard restore;
    constexpr T inf = std::numeric_limits<T>::infinity();
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const T denormal = std::numeric_limits<T>::denorm_min() * 3;
    const T specials[][2] = {{0, 0},
                             {0, T(0.5)},
                             {T(0.5), 0},
                             {denormal, T(0.5)},
                             {T(0.5), denormal},
                             {nan, T(0.5)},
                             {T(0.5), nan},
                             {inf, T(0.5)},
                             {T(0.5), inf},
                             {T(1e-30), T(0.9)},
                             {T(0.9), T(1e-30)},
                             {std::numeric_limits<T>::min(), T(1)}};
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        INFO("instruction set " << kldiv::simd::name(set));
        for (std::size_t offset : {0, 1, 3}) {
            for (std::size_t n = 0; n <= 2 * 16 + 1; ++n) {
                for (std::size_t position = 0; position < n; ++position) {
                    for (const auto& special : specials) {
                        std::vector<T> p(n + offset, T(0.25)), q(n + offset, T(0.125)), out(n + offset, T(-1));
                        p[offset + position] = special[0];
                        q[offset + position] = special[1];
                        kldiv::simd::kl_divergence_terms(std::span<const T>(p.data() + offset, n),
                                                         std::span<const T>(q.data() + offset, n),
                                                         std::span<T>(out.data() + offset, n));
                        for (std::size_t i = 0; i < n; ++i) {
                            const T want = scalar_term(p[offset + i], q[offset + i]);
                            INFO("n " << n << ", offset " << offset << ", special at " << position
                                      << ": p = " << special[0] << ", q = " << special[1] << "; lane " << i << " got "
                                      << out[offset + i] << ", want " << want);
                            REQUIRE(same_special_within_3ulp(out[offset + i], want));
                        }
                    }
                }
            }
        }
    }
}

TEST_CASE("kl_divergence_terms rejects sizes that differ", "[simd][discrete][errors]") {
    std::vector<double> p(3, 1.0 / 3), q(3, 1.0 / 3), out(2);
    CHECK_THROWS_WITH(kldiv::simd::kl_divergence_terms<double>(p, q, out),
                      Catch::Contains("simd::kl_divergence_terms") && Catch::Contains("same size"));
}

TEMPLATE_TEST_CASE("KL over probability vectors agrees on every instruction set", "[simd][discrete]", double, float) {
    using T = TestType;
    const isa_guard restore;
    std::mt19937_64 engine(22);
    std::exponential_distribution<double> exponential(1.0);
    for (std::size_t n : {1, 2, 7, 17, 33, 511, 512, 513, 5000}) {
        std::vector<double> pd(n), qd(n);
        double p_sum = 0, q_sum = 0;
        for (std::size_t i = 0; i < n; ++i) p_sum += pd[i] = exponential(engine), q_sum += qd[i] = exponential(engine);
        std::vector<T> p(n), q(n);
        for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<T>(pd[i] / p_sum), q[i] = static_cast<T>(qd[i] / q_sum);
        // The quad-precision KL of the normalised inputs.
        quad ps = 0, qs = 0, truth = 0;
        for (std::size_t i = 0; i < n; ++i) ps += p[i], qs += q[i];
        for (std::size_t i = 0; i < n; ++i) truth += (quad(p[i]) / ps) * logq((quad(p[i]) / ps) / (quad(q[i]) / qs));
        for (const auto set : available_isas()) {
            kldiv::simd::limit_isa(set);
            INFO("n " << n << ", instruction set " << kldiv::simd::name(set));
            const T kl = kldiv::kl_divergence(p, q);
            CHECK(kldiv::test::ulp_error<T>(kl, truth) <= (std::is_same_v<T, float> ? 2.0 : 8.0));
        }
    }
}

TEST_CASE("the kernels' sums of 2^24 floats are within 1e-12 of the exact sum", "[simd][summation]") {
    const std::size_t n = std::size_t(1) << 24;
    std::mt19937_64 engine(23);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    std::vector<float> v(n);
    for (auto& x : v) x = uniform(engine) * uniform(engine);
    quad exact = 0;  // 113 bits: 2^24 float terms sum exactly (each has 24 bits, total < 2^24)
    for (const float x : v) exact += quad(x);
    bool valid = false;
    const double total = kldiv::simd::distribution_total(v.data(), n, valid);
    CHECK(valid);
    const double relative = static_cast<double>(fabsq((quad(total) - exact) / exact));
    INFO("relative error " << relative);
    CHECK(relative <= 1e-12);
    // The KL kernel's Σp runs the same summation.
    const auto sums = kldiv::simd::discrete_kl_kernel(v.data(), v.data(), n);
    CHECK(static_cast<double>(fabsq((quad(sums.p_total) - exact) / exact)) <= 1e-12);
    CHECK(sums.terms == 0.0);  // KL(p, p): every term is exactly 0
    CHECK(sums.q_minus_p == 0.0);
}

TEMPLATE_TEST_CASE("entropy and cross-entropy kernels: within 2 ulp of quad precision on every instruction set",
                   "[simd][discrete][entropy]", double, float) {
    using T = TestType;
    const isa_guard restore;
    std::mt19937_64 engine(24);
    std::exponential_distribution<double> exponential(1.0);
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        double worst = 0;
        for (std::size_t n : {1, 2, 7, 17, 33, 511, 512, 513, 5000}) {
            std::vector<double> pd(n), qd(n);
            double p_sum = 0, q_sum = 0;
            for (std::size_t i = 0; i < n; ++i)
                p_sum += pd[i] = exponential(engine), q_sum += qd[i] = exponential(engine);
            std::vector<T> p(n), q(n);
            for (std::size_t i = 0; i < n; ++i)
                p[i] = static_cast<T>(pd[i] / p_sum), q[i] = static_cast<T>(qd[i] / q_sum);
            if (n > 2) p[1] = 0;  // 0·log q = 0
            quad entropy = 0, cross = 0;
            for (std::size_t i = 0; i < n; ++i)
                if (p[i] != 0) entropy -= quad(p[i]) * logq(quad(p[i])), cross -= quad(p[i]) * logq(quad(q[i]));
            const double got_entropy = kldiv::simd::cross_entropy_kernel(p.data(), p.data(), n);
            const double got_cross = kldiv::simd::cross_entropy_kernel(p.data(), q.data(), n);
            worst = std::max({worst, kldiv::test::ulp_error<double>(got_entropy, entropy),
                              kldiv::test::ulp_error<double>(got_cross, cross)});
            if (n > 2) {
                q[2] = 0;  // p > 0 = q
                CHECK(kldiv::simd::cross_entropy_kernel(p.data(), q.data(), n) ==
                      std::numeric_limits<double>::infinity());
                p[3] = std::numeric_limits<T>::quiet_NaN();
                CHECK(std::isnan(kldiv::simd::cross_entropy_kernel(p.data(), q.data(), n)));
            }
        }
        INFO("instruction set " << kldiv::simd::name(set) << ": worst " << worst << " ulp of double");
        CHECK(worst <= 2.0);
    }
}

TEST_CASE("float KL sums: each term within 2^-26 of itself on every instruction set, ratios that stress the reduction",
          "[simd][discrete]") {
    // One pair among 63 equal ones (their terms are exactly 0), so sums.terms is that pair's term:
    // ratios a few ulps from 1 (across powers of two), at the reduction's switch points 2^±½, near
    // 1 and anywhere in 2^±60; entries past 2^±125 (the float lanes decline those blocks).
    const isa_guard restore;
    std::mt19937_64 engine(31);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const long points = std::max(10000L, random_points() / 20);
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        INFO("instruction set " << kldiv::simd::name(set));
        double worst = 0;
        // The float lanes need FMA and take entries in [2⁻¹²⁵, 2¹²⁶): 2⁻²⁶. Elsewhere the float
        // kernel's terms: ≤ 3 ulp, and floats (outside float's normal range they lose digits).
        const auto check_pair = [&](float p, float q) {
            const auto inside = [](float x) { return x >= 0x1p-125f && x < 0x1p126f; };
            const bool lanes = set != kldiv::simd::isa::scalar && inside(p) && inside(q);
            const quad want = reference_term(p, q);
            if (!lanes && !(want >= quad(std::numeric_limits<float>::min()) &&
                            want <= quad(std::numeric_limits<float>::max())))
                return;
            std::vector<float> vp(64, 0.25f), vq(64, 0.25f);
            const std::size_t at = static_cast<std::size_t>(unit(engine) * 64);
            vp[at] = p, vq[at] = q;
            const auto sums = kldiv::simd::discrete_kl_kernel(vp.data(), vq.data(), 64);
            const double error = static_cast<double>(fabsq((quad(sums.terms) - want) / want));
            INFO("p = " << p << ", q = " << q);
            REQUIRE(error <= (lanes ? 0x1p-26 : 3 * 0x1p-23));
            if (lanes) worst = std::max(worst, error);
        };
        for (long i = 0; i < points; ++i) {
            const double exponent = -125 + 250 * unit(engine);
            const float p = static_cast<float>(std::exp2(exponent));
            float q = p;
            switch (i % 4) {
                case 0: {  // a few ulps apart, from p or from the nearest power of two
                    const float base = (i % 8 < 4) ? static_cast<float>(std::exp2(std::round(exponent))) : p;
                    float below = base, above = base;
                    for (long s = static_cast<long>(unit(engine) * 6); s > 0; --s) below = std::nextafter(below, 0.0f);
                    for (long s = 1 + static_cast<long>(unit(engine) * 6); s > 0; --s)
                        above = std::nextafter(above, 1e38f);
                    if (below > 0 && std::isfinite(above)) {
                        check_pair(below, above);
                        check_pair(above, below);
                    }
                    continue;
                }
                case 1:
                    q = static_cast<float>(
                        p * std::exp2((unit(engine) < 0.5 ? -0.5 : 0.5) + 1e-3 * (unit(engine) - 0.5)));
                    break;
                case 2:
                    q = static_cast<float>(p * std::exp2(120 * (unit(engine) - 0.5)));
                    break;
                default:
                    q = static_cast<float>(p * (1 + 1e-4 * (unit(engine) - 0.5)));
                    break;
            }
            if (q > 0 && std::isfinite(q) && q != p) check_pair(p, q);
        }
        if (set != kldiv::simd::isa::scalar) {
            CHECK(worst > 0);  // the float lanes' comparisons ran
            WARN("float KL sums, " << kldiv::simd::name(set) << ": worst relative error of one term " << worst);
        }
    }
}
