// KL, entropy and cross-entropy from logits, single and row-wise, against quad references.
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kldiv/discrete/logits.hpp"
#include "kldiv/discrete/measures.hpp"
#include "support/catch.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::quad;

namespace {

template <class T>
std::vector<quad> reference_log_softmax(const std::vector<T>& a) {
    quad m = -HUGE_VALQ;
    for (T v : a) m = fmaxq(m, quad(v));
    quad sum = 0;
    for (T v : a) sum += expq(quad(v) - m);
    std::vector<quad> out;
    for (T v : a) out.push_back(quad(v) - m - logq(sum));
    return out;
}

template <class T>
quad reference_logits_kl(const std::vector<T>& a, const std::vector<T>& b) {
    const auto la = reference_log_softmax(a), lb = reference_log_softmax(b);
    quad total = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (isinfq(la[i])) continue;
        total += expq(la[i]) * (la[i] - lb[i]);
    }
    return total;
}

template <class T>
quad reference_entropy(const std::vector<T>& a) {
    const auto la = reference_log_softmax(a);
    quad total = 0;
    for (const quad l : la)
        if (!isinfq(l)) total -= expq(l) * l;
    return total;
}

}  // namespace

TEST_CASE("logits KL and entropy match quad references, also for nearly equal rows", "[discrete][logits]") {
    std::mt19937_64 engine(5);
    std::normal_distribution<double> normal(0.0, 3.0);
    double worst_kl = 0, worst_near = 0, worst_entropy = 0;
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<double> a(1 + engine() % 300), b(a.size()), c(a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            a[i] = normal(engine) + 40.0;  // an offset: softmax must not care
            b[i] = normal(engine);
            c[i] = a[i] + 1e-9 * normal(engine);
        }
        worst_kl = std::max(worst_kl, kldiv::test::ulp_error<double>(
                                          kldiv::kl_divergence(kldiv::logits(a), kldiv::logits(b)), reference_logits_kl(a, b)));
        const quad near_truth = reference_logits_kl(a, c);
        if (near_truth > 0)
            worst_near = std::max(worst_near, kldiv::test::ulp_error<double>(
                                                  kldiv::kl_divergence(kldiv::logits(a), kldiv::logits(c)), near_truth));
        worst_entropy = std::max(worst_entropy, kldiv::test::ulp_error<double>(kldiv::entropy(kldiv::logits(a)),
                                                                               reference_entropy(a)));
    }
    INFO("KL " << worst_kl << " ulp, nearly equal rows " << worst_near << " ulp, entropy " << worst_entropy << " ulp");
    CHECK(worst_kl <= 64);
    CHECK(worst_near <= 64);
    CHECK(worst_entropy <= 32);
}

TEST_CASE("logits: huge values, −inf entries and agreement with probabilities", "[discrete][logits]") {
    constexpr double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> a{1000.0, 1000.0}, b{-1000.0, -1000.0 + std::log(3.0)};
    // softmax(a) = (½, ½), softmax(b) = (1, e^d)/(1 + e^d) with d = b₁ − b₀ as rounded (≈ log 3).
    const long double d = static_cast<long double>(b[1]) - b[0];
    const long double q0 = 1.0L / (1.0L + std::exp(d)), q1 = 1.0L - q0;
    const double expected = static_cast<double>(0.5L * std::log(0.5L / q0) + 0.5L * std::log(0.5L / q1));
    CHECK(kldiv::kl_divergence(kldiv::logits(a), kldiv::logits(b)) == Approx(expected).epsilon(1e-14));
    const std::vector<double> masked{0.0, -inf, 0.0}, full{0.0, 0.0, 0.0};
    CHECK(kldiv::kl_divergence(kldiv::logits(masked), kldiv::logits(full)) == Approx(std::log(1.5)).epsilon(1e-15));
    CHECK(kldiv::kl_divergence(kldiv::logits(full), kldiv::logits(masked)) == inf);
    CHECK(kldiv::entropy(kldiv::logits(masked)) == Approx(std::log(2.0)).epsilon(1e-15));
    CHECK(kldiv::cross_entropy(kldiv::logits(full), kldiv::logits(masked)) == inf);

    const std::vector<double> la{0.3, -1.2, 2.0, 0.0}, lb{1.0, 0.1, -0.4, 0.5};
    std::vector<double> pa(4), pb(4);
    double sa = 0, sb = 0;
    for (int i = 0; i < 4; ++i) {
        sa += pa[i] = std::exp(la[i]);
        sb += pb[i] = std::exp(lb[i]);
    }
    for (int i = 0; i < 4; ++i) pa[i] /= sa, pb[i] /= sb;
    CHECK(kldiv::kl_divergence(kldiv::logits(la), kldiv::logits(lb)) == Approx(kldiv::kl_divergence(pa, pb)).epsilon(1e-13));
    CHECK(kldiv::cross_entropy(kldiv::logits(la), kldiv::logits(lb)) == Approx(kldiv::cross_entropy(pa, pb)).epsilon(1e-13));
}

TEST_CASE("row-wise KL and entropy over logit matrices", "[discrete][logits][rows]") {
    std::mt19937_64 engine(6);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    const std::size_t rows = 7, vocabulary = 1001;
    std::vector<float> p(rows * vocabulary), q(rows * vocabulary);
    for (auto& v : p) v = normal(engine);
    for (auto& v : q) v = normal(engine);
    std::vector<float> kl(rows), h(rows);
    kldiv::kl_divergence_rows(p, q, vocabulary, kl);
    kldiv::entropy_rows(p, vocabulary, h, kldiv::bits);
    for (std::size_t r = 0; r < rows; ++r) {
        const std::vector<float> pr(p.begin() + r * vocabulary, p.begin() + (r + 1) * vocabulary);
        const std::vector<float> qr(q.begin() + r * vocabulary, q.begin() + (r + 1) * vocabulary);
        CHECK(kldiv::test::ulp_error<float>(kl[r], reference_logits_kl(pr, qr)) <= 1.0);
        CHECK(kldiv::test::ulp_error<float>(h[r], reference_entropy(pr) / logq(quad(2))) <= 1.0);
    }
}

TEST_CASE("logits bad input throws kldiv::domain_error", "[discrete][logits][errors]") {
    const std::vector<double> good{0.0, 1.0}, three{0.0, 1.0, 2.0};
    CHECK_THROWS_AS(kldiv::kl_divergence(kldiv::logits(good), kldiv::logits(three)), kldiv::domain_error);
    const std::vector<double> with_nan{0.0, std::nan("")};
    CHECK_THROWS_WITH(kldiv::entropy(kldiv::logits(with_nan)), Catch::Contains("logits[1] is NaN"));
    const std::vector<double> plus_inf{0.0, std::numeric_limits<double>::infinity()};
    CHECK_THROWS_WITH(kldiv::entropy(kldiv::logits(plus_inf)), Catch::Contains("+inf"));
    const std::vector<double> all_minus_inf(2, -std::numeric_limits<double>::infinity());
    CHECK_THROWS_WITH(kldiv::entropy(kldiv::logits(all_minus_inf)), Catch::Contains("all −inf"));
    const std::vector<double> empty;
    CHECK_THROWS_AS(kldiv::entropy(kldiv::logits(empty)), kldiv::domain_error);

    std::vector<double> out(2);
    const std::vector<double> matrix(6, 0.0);
    CHECK_THROWS_WITH(kldiv::kl_divergence_rows(matrix, matrix, 4, out), Catch::Contains("not a multiple"));
    CHECK_THROWS_WITH(kldiv::kl_divergence_rows(matrix, matrix, 2, out), Catch::Contains("there are 3 rows"));
    CHECK_THROWS_AS(kldiv::entropy_rows(matrix, 0, out), kldiv::domain_error);
    std::vector<double> bad_row(6, 0.0);
    bad_row[4] = std::nan("");
    std::vector<double> out3(3);
    CHECK_THROWS_WITH(kldiv::kl_divergence_rows(matrix, bad_row, 2, out3), Catch::Contains("q logits row 2[0] is NaN"));
}
