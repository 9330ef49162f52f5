// The near-zero residuals (no argument reduction, |ℓ| < 1): the 2-ulp tier the scalar core and the
// array functions use and the 3-ulp tier behind kl_estimates on double input. ulp errors against
// quad precision on every instruction set, vectorised as in the kernel.
#include <cmath>
#include <random>
#include <span>
#include <vector>

#include "kldiv/simd/detail/exp_residuals.hpp"
#include "kldiv/simd/dispatch.hpp"
#include "support/catch.hpp"
#include "support/isa.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::available_isas;
using kldiv::test::isa_guard;
using kldiv::test::quad;

namespace {

// The same loop shape as the kernel's: one call per element, compiled inside each ISA's clone.
struct within_2ulp_body {
    template <bool UseFma>
    KLDIV_VECTOR_INLINE static void run(const double* in, double* phi, double* rho, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i)
            kldiv::simd::detail::residuals_within_2ulp_near_zero<UseFma>(in[i], phi[i], rho[i]);
    }
};
struct within_3ulp_body {
    template <bool UseFma>
    KLDIV_VECTOR_INLINE static void run(const double* in, double* phi, double* rho, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i)
            kldiv::simd::detail::residuals_within_3ulp_near_zero<UseFma>(in[i], phi[i], rho[i]);
    }
};

struct worst_error {
    double ulps = 0, at = 0;
    void see(double error, double x) {
        if (error > ulps) ulps = error, at = x;
    }
};

// φ and ρ of Body on every instruction set, within `bound` ulp.
template <class Body>
void check_near_zero_tier(const char* name, double bound) {
    const isa_guard restore;
    const long points = kldiv::test::random_points();
    std::vector<double> in(4096), phi(in.size()), rho(in.size());
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        std::mt19937_64 engine(97);
        std::uniform_real_distribution<double> uniform(-1.0, 1.0), exponent(-1074.0, 0.0);
        worst_error phi_worst, rho_worst;
        for (long done = 0; done < points; done += static_cast<long>(in.size())) {
            // Three in four uniform on (−1, 1), one in four log-uniform down to the subnormals.
            for (std::size_t i = 0; i < in.size(); ++i) {
                const double x = uniform(engine);
                in[i] = (i % 4 == 3) ? std::copysign(std::exp2(exponent(engine)), x) : x;
            }
            in[0] = 0.0, in[1] = -0.0, in[2] = std::nextafter(1.0, 0.0), in[3] = std::nextafter(-1.0, 0.0);
            kldiv::simd::detail::dispatch<Body>(in.data(), phi.data(), rho.data(), in.size());
            for (std::size_t i = 0; i < in.size(); ++i) {
                const quad x = in[i];
                phi_worst.see(kldiv::test::ulp_error<double>(phi[i], kldiv::test::ref_expm1mx(x)), in[i]);
                rho_worst.see(kldiv::test::ulp_error<double>(rho[i], kldiv::test::ref_rlogr_residual(x)), in[i]);
            }
        }
        INFO(name << " on " << kldiv::simd::name(set) << ": φ " << phi_worst.ulps << " ulp at " << phi_worst.at
                  << ", ρ " << rho_worst.ulps << " ulp at " << rho_worst.at);
        CHECK(phi_worst.ulps <= bound);
        CHECK(rho_worst.ulps <= bound);
        WARN(name << " on " << kldiv::simd::name(set) << ": φ max " << phi_worst.ulps << " ulp, ρ max "
                  << rho_worst.ulps << " ulp over " << points << " points");
    }
}

}  // namespace

TEST_CASE("residuals_within_2ulp_near_zero: φ and ρ within 2 ulp of quad precision on |l| < 1, every instruction set",
          "[simd][residuals][accuracy]") {
    check_near_zero_tier<within_2ulp_body>("residuals_within_2ulp_near_zero", 2.0);
}

TEST_CASE("residuals_within_3ulp_near_zero: φ and ρ within 3 ulp of quad precision on |l| < 1, every instruction set",
          "[simd][residuals][accuracy]") {
    check_near_zero_tier<within_3ulp_body>("residuals_within_3ulp_near_zero", 3.0);
}
