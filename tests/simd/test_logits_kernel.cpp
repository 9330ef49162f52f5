// Row-wise KL and entropy over float logits through the lane kernel, on every instruction set:
// against quad precision for random, nearly equal and shifted rows of many lengths, and the rows
// the lanes hand to the scalar path (−inf entries, huge differences).
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kldiv/discrete/logits.hpp"
#include "support/catch.hpp"
#include "support/isa.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::available_isas;
using kldiv::test::isa_guard;
using kldiv::test::quad;
using kldiv::test::random_points;

namespace {

/// log softmax in quad precision.
std::vector<quad> log_softmax(const float* a, std::size_t n) {
    quad m = -HUGE_VALQ;
    for (std::size_t i = 0; i < n; ++i) m = fmaxq(m, quad(a[i]));
    quad sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += expq(quad(a[i]) - m);
    std::vector<quad> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = quad(a[i]) - m - logq(sum);
    return out;
}

quad reference_kl(const float* a, const float* b, std::size_t n) {
    const auto la = log_softmax(a, n), lb = log_softmax(b, n);
    quad total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (isinfq(la[i])) continue;
        if (isinfq(lb[i])) return HUGE_VALQ;
        // p·(log p − log q) summed in quad: 113 bits absorb the cancellation for nearly equal rows.
        total += expq(la[i]) * (la[i] - lb[i]);
    }
    return total;
}

quad reference_entropy(const float* a, std::size_t n) {
    const auto la = log_softmax(a, n);
    quad total = 0;
    for (const quad l : la)
        if (!isinfq(l)) total -= expq(l) * l;
    return total;
}

}  // namespace

TEST_CASE("float logits rows: KL and entropy within 2 ulp of quad precision on every instruction set",
          "[simd][logits][accuracy]") {
    const isa_guard restore;
    std::mt19937_64 engine(31);
    std::normal_distribution<float> normal(0.0f, 3.0f);
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        double worst_kl = 0, worst_near = 0, worst_shift = 0, worst_entropy = 0;
        for (std::size_t vocabulary : {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 1000, 32000}) {
            for (std::size_t offset : {0, 1, 3}) {
                const std::size_t rows = 3;
                std::vector<float> a(rows * vocabulary + offset), b(a.size()), near(a.size()), shifted(a.size());
                for (std::size_t i = 0; i < a.size(); ++i) {
                    a[i] = normal(engine) + 20.0f;  // an offset: softmax must not care
                    b[i] = normal(engine);
                    near[i] = a[i] * (1.0f + 1e-6f * normal(engine));   // KL ~ 1e-10
                    shifted[i] = a[i] - 7.5f + 1e-5f * normal(engine);  // a shifted copy, slightly perturbed
                }
                std::vector<float> out(rows), out_near(rows), out_shift(rows), out_entropy(rows);
                const auto span_of = [&](const std::vector<float>& v) {
                    return std::span<const float>(v.data() + offset, rows * vocabulary);
                };
                kldiv::kl_divergence_rows(span_of(a), span_of(b), vocabulary, std::span<float>(out));
                kldiv::kl_divergence_rows(span_of(a), span_of(near), vocabulary, std::span<float>(out_near));
                kldiv::kl_divergence_rows(span_of(a), span_of(shifted), vocabulary, std::span<float>(out_shift));
                kldiv::entropy_rows(span_of(a), vocabulary, std::span<float>(out_entropy));
                for (std::size_t r = 0; r < rows; ++r) {
                    const float* ar = a.data() + offset + r * vocabulary;
                    const auto error = [&](float got, quad truth) { return kldiv::test::ulp_error<float>(got, truth); };
                    worst_kl = std::max(
                        worst_kl, error(out[r], reference_kl(ar, b.data() + offset + r * vocabulary, vocabulary)));
                    worst_near = std::max(
                        worst_near,
                        error(out_near[r], reference_kl(ar, near.data() + offset + r * vocabulary, vocabulary)));
                    worst_shift = std::max(
                        worst_shift,
                        error(out_shift[r], reference_kl(ar, shifted.data() + offset + r * vocabulary, vocabulary)));
                    worst_entropy = std::max(worst_entropy, error(out_entropy[r], reference_entropy(ar, vocabulary)));
                }
            }
        }
        INFO("instruction set " << kldiv::simd::name(set) << ": KL " << worst_kl << " ulp, nearly equal rows "
                                << worst_near << ", shifted rows " << worst_shift << ", entropy " << worst_entropy);
        CHECK(worst_kl <= 2.0);
        CHECK(worst_near <= 2.0);
        CHECK(worst_shift <= 2.0);
        CHECK(worst_entropy <= 2.0);
        WARN("float logits rows on " << kldiv::simd::name(set) << ": KL " << worst_kl << " ulp, nearly equal "
                                     << worst_near << ", shifted " << worst_shift << ", entropy " << worst_entropy);
    }
}

TEST_CASE("float logits rows the lanes decline go to the scalar path", "[simd][logits][edge]") {
    const isa_guard restore;
    constexpr float inf = std::numeric_limits<float>::infinity();
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        INFO("instruction set " << kldiv::simd::name(set));
        const std::size_t vocabulary = 37;
        std::vector<float> a(vocabulary), b(vocabulary);
        for (std::size_t i = 0; i < vocabulary; ++i) a[i] = 0.1f * float(i), b[i] = -0.05f * float(i);
        // A masked token in p: probability 0 there, KL finite; in q only: +inf.
        for (std::size_t position : {0, 5, 16, 36}) {
            std::vector<float> masked = a;
            masked[position] = -inf;
            float kl = 0;
            kldiv::kl_divergence_rows<float>(masked, b, vocabulary, std::span<float>(&kl, 1));
            CHECK(kldiv::test::ulp_error<float>(kl, reference_kl(masked.data(), b.data(), vocabulary)) <= 2.0);
            kldiv::kl_divergence_rows<float>(b, masked, vocabulary, std::span<float>(&kl, 1));
            CHECK(kl == inf);
            float h = 0;
            kldiv::entropy_rows<float>(masked, vocabulary, std::span<float>(&h, 1));
            CHECK(kldiv::test::ulp_error<float>(h, reference_entropy(masked.data(), vocabulary)) <= 2.0);
        }
        // Logits 1000 apart: e^(b − a) leaves the lanes' range, the scalar path takes the row.
        std::vector<float> far = b;
        far[3] = 2000.0f;
        float kl = 0;
        kldiv::kl_divergence_rows<float>(a, far, vocabulary, std::span<float>(&kl, 1));
        CHECK(kldiv::test::ulp_error<float>(kl, reference_kl(a.data(), far.data(), vocabulary)) <= 2.0);
        // Weights below e^−700 count as 0 (a logit 800 below the maximum).
        std::vector<float> low = a;
        low[7] = -800.0f;
        kldiv::kl_divergence_rows<float>(low, b, vocabulary, std::span<float>(&kl, 1));
        CHECK(kldiv::test::ulp_error<float>(kl, reference_kl(low.data(), b.data(), vocabulary)) <= 2.0);
        // A row and its exact copy: KL = 0.
        kldiv::kl_divergence_rows<float>(a, a, vocabulary, std::span<float>(&kl, 1));
        CHECK(kl == 0.0f);
    }
}
