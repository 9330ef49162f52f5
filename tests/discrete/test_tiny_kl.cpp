// Tiny KLs of the discrete layer (issue 16): inputs whose KL is all rounding of the entries, held
// to the documented bounds against 120-digit references (tests/data/gen_discrete_tiny_kl.py,
// which rebuilds the same inputs bit for bit from the same integer generator).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "kldiv/kldiv.hpp"
#include "support/catch.hpp"

namespace {

struct reference_value {
    const char* name;
    long double value;
};
constexpr reference_value references[] = {
#include "data/discrete_tiny_kl.inc"
};

long double reference(const std::string& name) {
    for (const auto& r : references)
        if (name == r.name) return r.value;
    FAIL("no reference named " << name);
    return 0;
}

/// The generator's LCG: u = (state >> 11)·2⁻⁵³, exact in double.
struct lcg {
    std::uint64_t state;
    double uniform() {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state >> 11) * 0x1p-53;
    }
};

double relative_error(double value, long double expected) {
    return static_cast<double>(std::fabs(static_cast<long double>(value) - expected) / std::fabs(expected));
}

constexpr double ulp = std::numeric_limits<double>::epsilon();

}  // namespace

TEST_CASE("probability vectors q = p(1 + δ) inside the tolerance: a KL that is all rounding, to 8 ulp",
          "[discrete][accuracy]") {
    for (const double delta : {1.48e-8, 1e-9}) {
        lcg g{16};
        std::vector<double> w(50), p(50), q(50);
        double s = 0;
        for (auto& x : w) x = 0.1 + 0.9 * g.uniform();
        for (const double x : w) s += x;
        for (std::size_t i = 0; i < w.size(); ++i) p[i] = w[i] / s;
        for (std::size_t i = 0; i < w.size(); ++i) q[i] = p[i] * (1 + delta);
        char name[64];
        std::snprintf(name, sizeof name, "probabilities q = p(1 + %g)", delta);
        const double kl = kldiv::kl_divergence(p, q);
        INFO(name << ": " << kl);
        CHECK(relative_error(kl, reference(name)) <= 8 * ulp);
    }
}

TEST_CASE("logit rows that differ by 22 in one unlikely entry and 1e-13 elsewhere, to 64 ulp",
          "[discrete][logits][accuracy]") {
    lcg g{22};
    std::vector<double> a(4882), b(4882);
    for (auto& x : a) x = 166 * g.uniform() - 83;
    for (std::size_t i = 0; i < a.size(); ++i) b[i] = a[i] + (2 * g.uniform() - 1) * 1e-13;
    std::size_t low = 0;
    for (std::size_t i = 1; i < a.size(); ++i)
        if (a[i] < a[low]) low = i;
    b[low] = a[low] + 22.0;
    const double kl = kldiv::kl_divergence(kldiv::logits(a), kldiv::logits(b));
    INFO(kl);
    CHECK(relative_error(kl, reference("logits 4882, one entry + 22")) <= 64 * ulp);
}

TEST_CASE("logit rows that differ by 1.3e-4 in the dominant entry (KL 7e-39), to 64 ulp",
          "[discrete][logits][accuracy]") {
    const std::vector<double> a{11.903933901485587, 81.10923164268561};
    const std::vector<double> b{a[0], a[1] + 1.2819515735e-4};
    const double kl = kldiv::kl_divergence(kldiv::logits(a), kldiv::logits(b));
    INFO(kl);
    CHECK(relative_error(kl, reference("logits 2, dominant entry + 1.28e-4")) <= 64 * ulp);
}
