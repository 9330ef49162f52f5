// Special values and properties of expm1mx, log1pmx and rlogr_residual (accuracy sweeps live in
// test_accuracy.cpp).
#include <cmath>
#include <limits>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log1pmx.hpp"
#include "support/catch.hpp"
#include "support/isa.hpp"
#include "support/quad_reference.hpp"

namespace {

template <class T>
constexpr T inf = std::numeric_limits<T>::infinity();
template <class T>
constexpr T quiet_nan = std::numeric_limits<T>::quiet_NaN();

}  // namespace

TEMPLATE_TEST_CASE("expm1mx special values", "[core][expm1mx]", float, double, long double) {
    using T = TestType;
    CHECK(kldiv::expm1mx(T(0)) == T(0));
    CHECK(kldiv::expm1mx(-T(0)) == T(0));
    CHECK(kldiv::expm1mx(inf<T>) == inf<T>);
    CHECK(kldiv::expm1mx(-inf<T>) == inf<T>);
    CHECK(std::isnan(kldiv::expm1mx(quiet_nan<T>)));
    CHECK(kldiv::expm1mx(std::numeric_limits<T>::max()) == inf<T>);
    CHECK(kldiv::expm1mx(-std::numeric_limits<T>::max()) == std::numeric_limits<T>::max());
    // Just past exp's overflow threshold the residual overflows too.
    const T overflow = std::log(std::numeric_limits<T>::max()) * T(1.001);
    CHECK(kldiv::expm1mx(overflow) == inf<T>);
    CHECK(std::isfinite(kldiv::expm1mx(std::log(std::numeric_limits<T>::max()) * T(0.999))));
    // Subnormal and tiny inputs: x²/2 underflows to 0 or a subnormal, never negative.
    CHECK(kldiv::expm1mx(std::numeric_limits<T>::denorm_min()) == T(0));
    CHECK(kldiv::expm1mx(-std::numeric_limits<T>::denorm_min()) == T(0));
}

TEMPLATE_TEST_CASE("expm1mx is never negative and is the k3 residual", "[core][expm1mx]", float, double) {
    using T = TestType;
    for (T x = T(-1000); x <= T(1000); x += T(0.37)) CHECK(kldiv::expm1mx(x) >= T(0));
    for (T x : {T(1e-18), T(-1e-18), T(1e-8), T(-1e-8), T(1e-4), T(-1e-4)}) {
        CHECK(kldiv::expm1mx(x) > T(0));
        const double ulps = kldiv::test::ulp_error<T>(kldiv::expm1mx(x), kldiv::test::ref_expm1mx(x));
        CHECK(ulps <= 1.0);
    }
}

TEST_CASE("expm1mx keeps every digit where the naive forms lose them (reference/figures.md)", "[core][expm1mx]") {
    // float exp(d) − 1 − d at d = 1e-6 is negative; expm1(d) − d keeps about one digit.
    volatile float d = 1e-6f;
    const float naive = std::exp(d) - 1.0f - d;
    CHECK(naive < 0.0f);
    const float accurate = kldiv::expm1mx(static_cast<float>(d));
    CHECK(accurate == Approx(5.0000017e-13).epsilon(1e-6));
    // double at 1e-9: the naive form gives 8.3e-17 where the truth is 5.0e-19.
    volatile double e = 1e-9;
    CHECK(std::abs((std::exp(e) - 1.0 - e) / 5.0000000016666667e-19 - 1.0) > 10.0);
    CHECK(kldiv::expm1mx(static_cast<double>(e)) == Approx(5.0000000016666667e-19).epsilon(1e-15));
}

TEMPLATE_TEST_CASE("log1pmx special values and sign", "[core][log1pmx]", float, double, long double) {
    using T = TestType;
    CHECK(kldiv::log1pmx(T(0)) == T(0));
    CHECK(kldiv::log1pmx(T(-1)) == -inf<T>);
    CHECK(kldiv::log1pmx(inf<T>) == -inf<T>);
    CHECK(std::isnan(kldiv::log1pmx(T(-1.5))));
    CHECK(std::isnan(kldiv::log1pmx(-inf<T>)));
    CHECK(std::isnan(kldiv::log1pmx(quiet_nan<T>)));
    CHECK(kldiv::log1pmx(std::numeric_limits<T>::max()) == -std::numeric_limits<T>::max());
    CHECK(std::isfinite(kldiv::log1pmx(std::nextafter(T(-1), T(0)))));
    for (T x = T(-0.999); x <= T(100); x += T(0.0137)) CHECK(kldiv::log1pmx(x) <= T(0));
}

TEMPLATE_TEST_CASE("rlogr_residual special values and sign", "[core][rlogr_residual]", float, double, long double) {
    using T = TestType;
    CHECK(kldiv::rlogr_residual(T(0)) == T(0));
    CHECK(kldiv::rlogr_residual(-inf<T>) == T(1));
    CHECK(kldiv::rlogr_residual(inf<T>) == inf<T>);
    CHECK(std::isnan(kldiv::rlogr_residual(quiet_nan<T>)));
    CHECK(kldiv::rlogr_residual(-std::numeric_limits<T>::max()) == T(1));
    CHECK(kldiv::rlogr_residual(std::log(std::numeric_limits<T>::max())) == inf<T>);
    for (T l = T(-800); l <= T(80); l += T(0.173)) CHECK(kldiv::rlogr_residual(l) >= T(0));
}

// (l − 1)·eˡ reaches the largest double at l ≈ 703.2285; the table path once returned +inf from
// l ≈ 703.2249 on (its overflow test looked at the product with eˡ's high part alone).
TEST_CASE("rlogr_residual is finite and within 2 ulp up to its overflow threshold, with and without FMA",
          "[core][rlogr_residual]") {
    const kldiv::test::isa_guard restore;
    for (const auto set : kldiv::test::available_isas()) {
        kldiv::simd::limit_isa(set);
        double worst = 0, worst_at = 0;
        for (double l = 702.9; l < 703.2284; l += 3e-6) {
            const double got = kldiv::rlogr_residual(l);
            const double error = kldiv::test::ulp_error<double>(got, kldiv::test::ref_rlogr_residual(l));
            if (!(error <= worst)) worst = error, worst_at = l;
        }
        INFO(kldiv::simd::name(set) << ": " << worst << " ulp at " << worst_at);
        CHECK(worst <= 2.0);
        CHECK(kldiv::rlogr_residual(703.2286) == std::numeric_limits<double>::infinity());
    }
}

TEST_CASE("rlogr_residual equals eˡ·expm1mx(−l) and r·l − (r − 1) where those are exact enough",
          "[core][rlogr_residual]") {
    for (double l : {-3.0, -0.5, 0.25, 2.0, 10.0}) {
        const double r = std::exp(l);
        CHECK(kldiv::rlogr_residual(l) == Approx(r * l - (r - 1.0)).epsilon(1e-13));
        CHECK(kldiv::rlogr_residual(l) == Approx(r * kldiv::expm1mx(-l)).epsilon(1e-14));
    }
}
