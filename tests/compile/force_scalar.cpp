// Built with KLDIV_FORCE_SCALAR: no AVX2/AVX-512 clones and no GCC vector-type lanes; the kernels
// run their portable path and agree with the scalar core.
#include <cmath>
#include <cstdio>
#include <kldiv/kldiv.hpp>
#include <vector>

int main() {
    int failures = 0;
    const auto check = [&](bool ok, const char* what) {
        if (!ok) std::printf("force_scalar: %s failed\n", what), ++failures;
    };
    check(kldiv::simd::active_isa() == kldiv::simd::isa::scalar, "active_isa is scalar");
    const std::vector<double> p{0.1, 0.2, 0.3, 0.4}, q{0.25, 0.25, 0.25, 0.25};
    double expected = 0;
    for (std::size_t i = 0; i < p.size(); ++i) expected += p[i] * std::log(p[i] / q[i]);
    check(std::fabs(kldiv::kl_divergence(p, q) - expected) <= 1e-15, "kl_divergence of probability vectors");
    const std::vector<float> a{0.5f, -1.0f, 2.0f}, b{0.0f, 0.25f, 1.5f};
    std::vector<float> out(1);
    kldiv::kl_divergence_rows<float>(a, b, 3, out);
    check(std::fabs(out[0] - kldiv::kl_divergence(kldiv::logits(a), kldiv::logits(b))) <= 1e-6f, "logits rows");
    std::vector<double> x{-2.0, 0.5, 3.0}, y(3), z(3);
    kldiv::simd::exp<double>(x, y);
    kldiv::simd::log1pmx<double>(x, z);
    check(std::fabs(y[2] - std::exp(3.0)) <= 4e-16 * std::exp(3.0), "simd::exp");
    check(std::isnan(z[0]) && std::fabs(z[1] - kldiv::log1pmx(0.5)) <= 1e-16, "simd::log1pmx");
    const auto stats = kldiv::kl_estimates(std::span<const double>(x), std::span<const double>(y));
    check(stats.k1.count() == 3, "kl_estimates");
    return failures == 0 ? 0 : 1;
}
