// Hostile inputs for every public entry point of discrete/, estimators/ and the coding functions:
// empty, size mismatch, NaN/±inf/denormal/±1e308 in every position, each with its documented
// outcome (a kldiv::domain_error naming the function, index and value, or a value). Also the
// regressions of issue 20 (each failed before its fix).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "kldiv/core/execution.hpp"
#include "kldiv/discrete/coding.hpp"
#include "kldiv/discrete/js_divergence.hpp"
#include "kldiv/discrete/logits.hpp"
#include "kldiv/discrete/measures.hpp"
#include "kldiv/estimators/f_divergence.hpp"
#include "kldiv/estimators/kl_estimates.hpp"
#include "support/catch.hpp"

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double denormal = 4.9e-324;

/// Runs f and returns the domain_error message ("" when nothing was thrown).
template <class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const kldiv::domain_error& e) {
        return e.what();
    }
    return "";
}

/// Σ 2^(−ℓᵢ) ≤ 1 over the codewords (length 0 = no codeword, except for the one symbol of a
/// certain source, which is alone), decided exactly with a bit array and carries: independent
/// of the library's integer method.
bool exact_kraft_at_most_one(const std::vector<unsigned>& all_lengths) {
    std::vector<unsigned> lengths;
    for (const unsigned l : all_lengths)
        if (l > 0) lengths.push_back(l);
    unsigned longest = 0;
    for (const unsigned l : lengths) longest = std::max(longest, l);
    std::vector<std::uint64_t> count(longest + 1, 0);
    for (const unsigned l : lengths) ++count[l];
    for (unsigned k = longest; k > 0; --k) count[k - 1] += count[k] / 2, count[k] %= 2;
    if (count[0] != 1) return count[0] == 0;
    for (unsigned k = 1; k <= longest; ++k)
        if (count[k] != 0) return false;
    return true;
}

}  // namespace

TEST_CASE("issue 20: logits at the edges of the double range", "[hostile][logits]") {
    const std::vector<double> a{0, -1e308}, b{-1e308, 1e308};
    CHECK(kldiv::kl_divergence(kldiv::logits(a), kldiv::logits(b)) == inf);  // was NaN
    const std::vector<double> c{0, -800}, d{0, -inf};
    CHECK(kldiv::kl_divergence(kldiv::logits(c), kldiv::logits(d)) == inf);  // was 0
    const std::vector<float> cf{0, -800}, df{0, -std::numeric_limits<float>::infinity()};
    CHECK(kldiv::kl_divergence(kldiv::logits(cf), kldiv::logits(df)) == std::numeric_limits<float>::infinity());
    // One-point rows at opposite ends of the range: the same distribution, KL 0 (c overflows).
    const std::vector<double> e{-1e308}, f{1e308};
    CHECK(kldiv::kl_divergence(kldiv::logits(e), kldiv::logits(f)) == 0);
    // KL(softmax(0, 0) ‖ softmax(0, −1e308)): q₂ = e^(−1e308) underflows, its log does not:
    // ½·log(½/1) + ½·log(½/q₂) = ½·1e308, huge but finite.
    const std::vector<double> g{0, 0}, h{0, -1e308};
    CHECK(kldiv::kl_divergence(kldiv::logits(g), kldiv::logits(h)) == Approx(0.5e308).epsilon(1e-15));
}

TEST_CASE("issue 20: entropy of a vector summing to 1 within the tolerance is that of p/Σp", "[hostile][entropy]") {
    CHECK(kldiv::entropy(std::vector<double>{1 + 1e-9}) == 0);  // was −1e-9
    CHECK(kldiv::entropy(std::vector<double>{1 - 1e-9}) == 0);
    // p = (½, ½)(1 + 1e-9): H(p/Σp) = ln 2 exactly, where −Σ p log p = (1 + 1e-9)·ln 2 − 1e-9·ln(1 + 1e-9)… off by 7e-10.
    const double s = 1 + 1e-9;
    CHECK(kldiv::entropy(std::vector<double>{s / 2, s / 2}) == Approx(std::numbers::ln2).epsilon(1e-15));
    CHECK(kldiv::entropy(std::vector<float>{1.0f + 1e-4f}) == 0);
}

TEST_CASE("issue 20: kl_estimates weights, empty input", "[hostile][kl_estimates]") {
    const std::vector<double> q{0, 0, 0}, p{1000, 1e155, 0.5}, w{0, 0, 1};
    kldiv::kl_estimate_options<double> options;
    options.weights = w;
    const auto e = kldiv::kl_estimates(q, p, options);
    CHECK(e.k3.count() == 3);
    CHECK(std::isfinite(e.k3.mean()));  // was NaN: 0·inf
    CHECK(std::isfinite(e.reverse.mean()));
    CHECK(std::isfinite(e.k2.mean()));  // ℓ² = inf for ℓ = 1e155
    CHECK(e.k3.mean() == Approx(kldiv::expm1mx(0.5) / 3).epsilon(1e-14));  // zero weights count, contribute 0
    const std::vector<float> qf{0, 0, 0}, pf{100, 1e30f, 0.5f}, wf{0, 0, 1};
    kldiv::kl_estimate_options<float> float_options;
    float_options.weights = wf;
    const auto ef = kldiv::kl_estimates(qf, pf, float_options);
    CHECK(ef.k3.mean() == Approx(kldiv::expm1mx(0.5) / 3).epsilon(1e-12));
    CHECK(std::isfinite(ef.k2.mean()));

    for (const double bad : {-1.0, -0.0 - 1e-300, nan_value, inf, -inf}) {
        const std::vector<double> weights{1, bad, 1};
        options.weights = weights;
        CHECK_THAT(message_of([&] { (void)kldiv::kl_estimates(q, p, options); }),
                   Catch::Contains("kldiv::kl_estimates: weights[1] must be finite and >= 0"));
        const std::vector<std::uint8_t> mask{1, 0, 1};  // padding may hold anything
        options.mask = mask;
        CHECK_NOTHROW(kldiv::kl_estimates(q, p, options));
        options.mask = {};
    }
    const std::vector<double> empty;
    CHECK_THAT(message_of([&] { (void)kldiv::kl_estimates(empty, empty); }), Catch::Contains("empty"));
    // Every sample masked: nothing to estimate from, count 0 (a set that merges as nothing).
    const std::vector<std::uint8_t> none{0, 0, 0};
    kldiv::kl_estimate_options<double> all_masked;
    all_masked.mask = none;
    CHECK(kldiv::kl_estimates(q, p, all_masked).k3.count() == 0);
}

TEST_CASE("issue 20: f-divergence built-ins never NaN for a non-NaN log-ratio", "[hostile][f_divergence]") {
    namespace f = kldiv::f_divergences;
    const kldiv::f_divergence_estimator<f::alpha_divergence> alpha2(f::alpha_divergence{2});
    CHECK(alpha2(400) == inf);  // was NaN
    CHECK(alpha2(709.8 / 2 + 1) == inf);
    CHECK(alpha2(inf) == inf);
    CHECK(alpha2(-2.5e230) == 0.5);  // [e^(2l) − 1 − 2(eˡ − 1)]/2 → (−1 + 2)/2
    CHECK(alpha2(-inf) == 0.5);
    const kldiv::f_divergence_estimator<f::alpha_divergence> alpha_neg(f::alpha_divergence{-1});
    CHECK(alpha_neg(-inf) == inf);
    CHECK(alpha_neg(1e300) == inf);  // α = −1: (e^(−l) + eˡ − 2)/2, eˡ overflows
    CHECK(alpha_neg(-1e300) == inf);
    const kldiv::f_divergence_estimator<f::jensen_shannon> js;
    CHECK(js(-inf) == Approx(std::numbers::ln2 / 2).epsilon(1e-16));  // was NaN
    CHECK(js(-800) == Approx(std::numbers::ln2 / 2).epsilon(1e-16));
    CHECK(js(inf) == inf);
    CHECK(js(800) == inf);
}

TEST_CASE("issue 20: Kraft sums are exact, Shannon lengths satisfy Kraft and H <= L < H + 1", "[hostile][coding]") {
    // {.5, .5, 1e-30} sums to 1 + 1e-30: the naive lengths {1, 1, 100} have Kraft sum 1 + 2⁻¹⁰⁰.
    const auto lengths = kldiv::shannon_code_lengths(std::vector<double>{.5, .5, 1e-30});
    CHECK(exact_kraft_at_most_one(lengths));
    CHECK(lengths == std::vector<unsigned>{2, 1, 100});  // ties in code space per probability: the first symbol
    CHECK(kldiv::shannon_code_lengths(std::vector<double>{1, 1e-20}) == std::vector<unsigned>{1, 67});  // was {0, 67}
    CHECK(kldiv::shannon_code_lengths(std::vector<double>{1}) == std::vector<unsigned>{0});
    CHECK(kldiv::shannon_code_lengths(std::vector<double>{0, 1, 0}) == std::vector<unsigned>{0, 0, 0});
    const std::vector<unsigned> over{1, 1, 60};
    CHECK(kldiv::kraft_sum(over) > 1.0);  // was exactly 1
    CHECK(kldiv::kraft_sum(over) == std::nextafter(1.0, 2.0));
    CHECK(kldiv::kraft_sum(std::vector<unsigned>{1, 2, 60}) < 1.0);
    CHECK(kldiv::kraft_sum(std::vector<unsigned>{1, 1}) == 1.0);
    CHECK(kldiv::kraft_sum(std::vector<unsigned>{1, 2, 3, 4000000000u, 4000000000u}) < 1.0);
    CHECK(kldiv::kraft_sum(std::vector<unsigned>{1, 1, 4000000000u}) > 1.0);
    CHECK(kldiv::kraft_sum(std::vector<unsigned>{1, 1, 1}, 3) == 1.0);
    CHECK(kldiv::kraft_sum(std::vector<unsigned>{1, 1, 1, 70}, 3) > 1.0);
    CHECK_THAT(message_of([&] { (void)kldiv::canonical_code(over); }), Catch::Contains("Kraft"));  // was not prefix-free
    CHECK_THAT(message_of([&] { (void)kldiv::canonical_code({1u << 29}); }), Catch::Contains("not fit in memory"));
    CHECK_THAT(message_of([&] { (void)kldiv::canonical_code({1, 2, 3000000000u}); }),
               Catch::Contains("not fit in memory"));
    CHECK(kldiv::canonical_code({1, 2, 2}).codewords == std::vector<std::string>{"0", "10", "11"});
}

// The table: each public entry point against the special values in every position.
TEST_CASE("hostile table: probability vectors, every special value in every position", "[hostile][table]") {
    const std::size_t n = 9;  // more than a vector register of doubles, so lanes and tails both see it
    for (std::size_t i = 0; i < n; ++i) {
        const std::string at = "[" + std::to_string(i) + "]";
        struct row {
            double value;
            const char* message;  // nullptr: valid (value moved into a zero slot)
        };
        for (const row r : {row{nan_value, "is NaN"}, row{inf, "is infinite"}, row{-inf, "is infinite"},
                            row{-1e-300, "is negative"}, row{1e308, "does not sum to 1"}, row{-1e308, "is negative"},
                            row{denormal, nullptr}, row{1e-308, nullptr}, row{-0.0, nullptr}}) {
            std::vector<double> p(n, 0.0), good(n, 1.0 / (n - 1));
            good[i] = 0;
            p = good;
            p[i] = r.value;
            INFO("p" << at << " = " << r.value);
            if (r.message) {
                CHECK_THAT(message_of([&] { (void)kldiv::entropy(p); }), Catch::Contains(std::string("kldiv::entropy: p")) && Catch::Contains(r.message));
                CHECK_THAT(message_of([&] { (void)kldiv::kl_divergence(p, good); }), Catch::Contains("kldiv::kl_divergence: p") && Catch::Contains(r.message));
                CHECK_THAT(message_of([&] { (void)kldiv::kl_divergence(good, p); }), Catch::Contains("kldiv::kl_divergence: q") && Catch::Contains(r.message));
                CHECK_THAT(message_of([&] { (void)kldiv::cross_entropy(good, p); }), Catch::Contains(r.message));
                CHECK_THAT(message_of([&] { (void)kldiv::shannon_code_lengths(p); }), Catch::Contains(r.message));
                CHECK_THAT(message_of([&] { (void)kldiv::huffman_code(p); }), Catch::Contains(r.message));
                CHECK_THAT(message_of([&] { (void)kldiv::expected_code_length(p, std::vector<unsigned>(n, 4)); }), Catch::Contains(r.message));
            } else {  // a valid distribution with a tiny (or zero) entry at i
                const double h = kldiv::entropy(p);
                CHECK(h == Approx(std::log(8.0)).epsilon(1e-14));
                CHECK(kldiv::kl_divergence(p, good) >= 0);
                // KL(good‖p/Σp) = log Σp = log1p(pᵢ) ≈ pᵢ: tiny, never negative.
                const double back = kldiv::kl_divergence(good, p);
                CHECK((back >= 0 && back <= 2 * std::max(r.value, 0.0)));
                CHECK(kldiv::kl_divergence(p, p) == 0);
                // p has mass where good has none: +inf; the other way, log 8 (+ log Σp ≈ pᵢ).
                CHECK(kldiv::cross_entropy(p, good) == (r.value > 0 ? inf : std::log(8.0)));
                CHECK(kldiv::cross_entropy(good, p) == Approx(std::log(8.0)).epsilon(1e-14));
                const auto lengths = kldiv::shannon_code_lengths(p);
                CHECK(exact_kraft_at_most_one(lengths));
                CHECK(lengths[i] == (r.value > 0 ? (r.value < 1e-308 ? 1074u : 1024u) : 0u));
                CHECK(kldiv::huffman_code(p).lengths[i] == (r.value > 0 ? 4u : 0u));
            }
        }
    }
    const std::vector<double> empty, one{1.0}, two{.5, .5};
    CHECK_THAT(message_of([&] { (void)kldiv::entropy(empty); }), Catch::Contains("empty"));
    CHECK_THAT(message_of([&] { (void)kldiv::kl_divergence(empty, empty); }), Catch::Contains("empty"));
    CHECK_THAT(message_of([&] { (void)kldiv::cross_entropy(empty, empty); }), Catch::Contains("empty"));
    CHECK_THAT(message_of([&] { (void)kldiv::kl_divergence(one, two); }), Catch::Contains("different sizes (1 and 2)"));
    CHECK_THAT(message_of([&] { (void)kldiv::cross_entropy(one, two); }), Catch::Contains("different sizes (1 and 2)"));
    CHECK_THAT(message_of([&] { (void)kldiv::shannon_code_lengths(empty); }), Catch::Contains("empty"));
    CHECK_THAT(message_of([&] { (void)kldiv::huffman_code(empty); }), Catch::Contains("empty"));
    CHECK_THAT(message_of([&] { (void)kldiv::expected_code_length(two, std::vector<unsigned>{1}); }),
               Catch::Contains("different sizes"));
    CHECK_THAT(message_of([&] { (void)kldiv::kraft_sum(std::vector<unsigned>{1}, 1); }), Catch::Contains("alphabet"));
    CHECK(kldiv::kraft_sum(std::vector<unsigned>{}) == 0);
    CHECK(kldiv::canonical_code({}).codewords.empty());
    // The unchecked functions: NaN propagates, nothing throws.
    const std::vector<double> with_nan{nan_value, 1};
    CHECK(std::isnan(kldiv::unchecked::kl_divergence(with_nan, two)));
}

TEST_CASE("hostile table: logits, every special value in every position", "[hostile][table]") {
    const std::size_t n = 9;
    for (std::size_t i = 0; i < n; ++i) {
        INFO("index " << i);
        std::vector<double> good(n, 0.0);
        for (std::size_t k = 0; k < n; ++k) good[k] = 0.25 * static_cast<double>(k);
        auto with = [&](double v) {
            auto w = good;
            w[i] = v;
            return w;
        };
        const std::string at = "[" + std::to_string(i) + "]";
        CHECK_THAT(message_of([&] { (void)kldiv::kl_divergence(kldiv::logits(with(nan_value)), kldiv::logits(good)); }),
                   Catch::Contains("p logits" + at + " is NaN"));
        CHECK_THAT(message_of([&] { (void)kldiv::kl_divergence(kldiv::logits(good), kldiv::logits(with(inf))); }),
                   Catch::Contains("q logits" + at + " is +inf"));
        CHECK_THAT(message_of([&] { (void)kldiv::entropy(kldiv::logits(with(nan_value))); }), Catch::Contains(at + " is NaN"));
        CHECK_THAT(message_of([&] { (void)kldiv::cross_entropy(kldiv::logits(good), kldiv::logits(with(inf))); }),
                   Catch::Contains(at + " is +inf"));
        // −inf in q where p is finite: +inf; in p only: finite; in both: that outcome drops out.
        CHECK(kldiv::kl_divergence(kldiv::logits(good), kldiv::logits(with(-inf))) == inf);
        // qᵢ = e^(−1e308) underflows but its log does not: KL ≈ pᵢ·1e308, huge and finite.
        CHECK(kldiv::kl_divergence(kldiv::logits(good), kldiv::logits(with(-1e308))) > 1e306);
        const double kl_p_excludes = kldiv::kl_divergence(kldiv::logits(with(-inf)), kldiv::logits(good));
        CHECK((std::isfinite(kl_p_excludes) && kl_p_excludes > 0));
        CHECK(kldiv::kl_divergence(kldiv::logits(with(-inf)), kldiv::logits(with(-inf))) == 0);
        CHECK(kldiv::kl_divergence(kldiv::logits(with(-1e308)), kldiv::logits(with(-inf))) == inf);
        // ±1e308, denormals: finite entropies, KL ≥ 0, never NaN.
        for (const double v : {1e308, -1e308, denormal, -denormal, 1e-308}) {
            INFO("value " << v);
            const double h = kldiv::entropy(kldiv::logits(with(v)));
            CHECK((std::isfinite(h) && h >= 0));
            const double kl = kldiv::kl_divergence(kldiv::logits(with(v)), kldiv::logits(good));
            CHECK((!std::isnan(kl) && kl >= 0));
            const double back = kldiv::kl_divergence(kldiv::logits(good), kldiv::logits(with(v)));
            CHECK((!std::isnan(back) && back >= 0));
        }
    }
    const std::vector<double> empty, minus_infs{-inf, -inf}, two{0, 0}, three{0, 0, 0};
    CHECK_THAT(message_of([&] { (void)kldiv::entropy(kldiv::logits(empty)); }), Catch::Contains("empty"));
    CHECK_THAT(message_of([&] { (void)kldiv::entropy(kldiv::logits(minus_infs)); }), Catch::Contains("all −inf"));
    CHECK_THAT(message_of([&] { (void)kldiv::kl_divergence(kldiv::logits(two), kldiv::logits(three)); }),
               Catch::Contains("different sizes"));
    std::vector<double> out(1);
    CHECK_THAT(message_of([&] { kldiv::kl_divergence_rows(two, three, 2, out); }), Catch::Contains("different sizes"));
    CHECK_THAT(message_of([&] { kldiv::kl_divergence_rows(two, two, 0, out); }), Catch::Contains("vocabulary"));
    CHECK_THAT(message_of([&] { kldiv::entropy_rows(three, 2, out); }), Catch::Contains("not a multiple"));
    std::vector<double> out2(2);
    CHECK_THAT(message_of([&] { kldiv::entropy_rows(two, 2, out2); }), Catch::Contains("output holds 2"));
    const std::vector<double> rows{0, 0, 0, nan_value};
    CHECK_THAT(message_of([&] { kldiv::entropy_rows(rows, 2, out2); }), Catch::Contains("row 1[1] is NaN"));
    const std::vector<float> frows{0, 0, 0, -std::numeric_limits<float>::infinity()}, fq{0, 0, -std::numeric_limits<float>::infinity(), 0};
    std::vector<float> fout(2);
    kldiv::kl_divergence_rows(frows, fq, 2, fout);
    CHECK(fout[0] == 0);
    CHECK(fout[1] == std::numeric_limits<float>::infinity());
}

TEST_CASE("hostile table: kl_estimates, every special value in every position", "[hostile][table]") {
    const std::size_t n = 9;
    const std::vector<double> zeros(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        INFO("index " << i);
        auto with = [&](double v) {
            auto w = zeros;
            w[i] = v;
            return w;
        };
        // NaN propagates (documented), ±inf follow the table in the header.
        CHECK(std::isnan(kldiv::kl_estimates(zeros, with(nan_value)).k3.mean()));
        CHECK(kldiv::kl_estimates(zeros, with(-inf)).k3.mean() == inf);
        CHECK(kldiv::kl_estimates(zeros, with(-inf)).reverse.mean() == Approx(1.0 / n).epsilon(1e-14));
        CHECK(kldiv::kl_estimates(zeros, with(inf)).k1.mean() == -inf);
        CHECK(kldiv::kl_estimates(zeros, with(inf)).reverse.mean() == inf);
        for (const double v : {1e308, -1e308, 1e200, denormal}) {
            const auto e = kldiv::kl_estimates(zeros, with(v));
            for (const auto* s : {&e.k2, &e.k3, &e.reverse}) CHECK((!std::isnan(s->mean()) && s->mean() >= 0));
        }
        kldiv::kl_estimate_options<double> options;
        const auto bad_weights = with(-1);
        options.weights = bad_weights;
        CHECK_THAT(message_of([&] { (void)kldiv::kl_estimates(zeros, zeros, options); }),
                   Catch::Contains("weights[" + std::to_string(i) + "]"));
        const auto zero_weight_elsewhere = [&] {
            std::vector<double> w(n, 1.0);
            w[i] = 0;
            return w;
        }();
        options.weights = zero_weight_elsewhere;
        const auto e = kldiv::kl_estimates(zeros, with(-inf), options);  // the −inf sample weighs 0
        CHECK(e.k3.mean() == 0);
        CHECK(e.k3.count() == n);
    }
    const std::vector<double> two{0, 0}, three{0, 0, 0};
    CHECK_THAT(message_of([&] { (void)kldiv::kl_estimates(two, three); }), Catch::Contains("different sizes"));
    kldiv::kl_estimate_options<double> options;
    options.clamp_log_ratio = nan_value;
    CHECK_THAT(message_of([&] { (void)kldiv::kl_estimates(two, two, options); }), Catch::Contains("clamp_log_ratio"));
    options.clamp_log_ratio = inf;  // a clamp at +inf clamps nothing
    CHECK(kldiv::kl_estimates(two, two, options).clamped == 0);
}

TEST_CASE("hostile table: f-divergence built-ins at every special log-ratio", "[hostile][table][f_divergence]") {
    namespace f = kldiv::f_divergences;
    const double ln2 = std::numbers::ln2;
    // Each built-in's estimate f(eˡ) − f'(1)(eˡ − 1) at l = −inf is f(0) + f'(1) (p = 0 at the
    // sample), at l = +inf it is +inf; in between ≥ 0 and never NaN, even where eˡ overflows.
    const auto check_one = [&](auto estimator, double at_minus_inf) {
        CHECK(estimator(-inf) == Approx(at_minus_inf).epsilon(1e-15));
        CHECK(estimator(inf) == inf);
        CHECK(std::isnan(estimator(nan_value)));
        for (const double l : {-1e308, -2.5e230, -745.2, -709.8, -40.0, -20.0, -2.5, -1e-300, -denormal, 0.0, denormal,
                               1e-300, 2.5, 20.0, 40.0, 354.0, 400.0, 709.0, 709.8, 710.0, 1e154, 1e308}) {
            INFO("l = " << l);
            const double v = estimator(l);
            CHECK((!std::isnan(v) && v >= 0));
        }
        CHECK(estimator(0.0) == 0);
    };
    check_one(kldiv::f_divergence_estimator<f::kl_pq>{}, 1.0);              // r·l − (r − 1) → 1
    check_one(kldiv::f_divergence_estimator<f::kl_qp>{}, inf);              // −log r → +inf
    check_one(kldiv::f_divergence_estimator<f::chi_squared>{}, 1.0);        // (r − 1)² → 1
    check_one(kldiv::f_divergence_estimator<f::squared_hellinger>{}, 0.5);  // ½(√r − 1)² → ½
    check_one(kldiv::f_divergence_estimator<f::total_variation>{}, 0.5);    // ½|r − 1| → ½
    check_one(kldiv::f_divergence_estimator<f::jensen_shannon>{}, ln2 / 2);
    for (const double alpha : {-3.0, -1.0, -1e-3, 1e-3, 0.5, 0.999, 1.001, 2.0, 7.5}) {
        INFO("alpha = " << alpha);
        // (r^α − αr + α − 1)/(α(α − 1)) at r = 0: 1/α for α > 0, +inf for α < 0.
        check_one(kldiv::f_divergence_estimator<f::alpha_divergence>(f::alpha_divergence{alpha}),
                  alpha > 0 ? 1 / alpha : inf);
    }
    for (const double bad : {0.0, 1.0, nan_value, inf, -inf}) {
        INFO("alpha = " << bad);
        CHECK_THAT(message_of([&] { (void)f::alpha_divergence{bad}; }),
                   Catch::Contains("kldiv::alpha_divergence: alpha must be finite and not 0 or 1"));
    }
    const kldiv::f_divergence_estimator<f::squared_hellinger> hellinger;
    const std::vector<double> empty, two{0, 0}, three{0, 0, 0};
    CHECK_THAT(message_of([&] { (void)hellinger.estimate(empty, empty); }),
               Catch::Contains("kldiv::f_divergence_estimator::estimate: log_q and log_p are empty"));
    CHECK_THAT(message_of([&] { (void)hellinger.estimate(kldiv::seq, empty, empty); }), Catch::Contains("empty"));
    CHECK_THAT(message_of([&] { (void)hellinger.estimate(two, three); }), Catch::Contains("different sizes (2 and 3)"));
    const std::vector<double> log_q{0, 0, 0}, log_p{-inf, inf, nan_value};
    const auto stats = hellinger.estimate(log_q, log_p);
    CHECK(stats.count() == 3);
    CHECK(std::isnan(stats.mean()));  // NaN in, NaN out
}

TEST_CASE("hostile table: row options and the Jensen-Shannon rows", "[hostile][table][rows]") {
    const std::vector<double> p{0, 1, 2, 3}, q{3, 2, 1, 0};
    std::vector<double> out(2);
    for (const double bad : {0.0, -1.0, nan_value, inf, -inf}) {
        INFO("temperature " << bad);
        kldiv::row_options options;
        options.temperature = bad;
        CHECK_THAT(message_of([&] { kldiv::kl_divergence_rows(p, q, 2, out, options); }),
                   Catch::Contains("kldiv::kl_divergence_rows: the temperature must be positive and finite"));
        CHECK_THAT(message_of([&] { kldiv::js_divergence_rows(std::span<const double>(p), std::span<const double>(q), 2, std::span<double>(out), options); }),
                   Catch::Contains("temperature"));
    }
    for (const double bad : {-1e-300, 1 + 1e-16 * 3, nan_value, inf, -inf}) {
        INFO("beta " << bad);
        kldiv::row_options options;
        options.beta = bad;
        CHECK_THAT(message_of([&] { kldiv::js_divergence_rows(std::span<const double>(p), std::span<const double>(q), 2, std::span<double>(out), options); }),
                   Catch::Contains("kldiv::js_divergence_rows: beta must lie in [0, 1]"));
    }
    // Temperatures at the edges of the range (each row: P and Q one-hot at different outcomes
    // in the limit τ → 0, uniform as τ → ∞). At τ = 1e-300, P = softmax(0, 1e300) is one-hot
    // at 2, Q = softmax(3e300, 2e300) has log Q₂ = −1e300: KL = −log Q₂ = 1e300, JSD = ln 2.
    // At τ = 5e-324 the logits/τ exceed the double range: KL = +inf (true 2e323), JSD = ln 2.
    // Never NaN, never negative, JSD ≤ ln 2.
    for (const double tau : {denormal, 1e-300, 1e-10, 1.0, 1e300, 1e308}) {
        INFO("temperature " << tau);
        kldiv::row_options options;
        options.temperature = tau;
        kldiv::kl_divergence_rows(p, q, 2, out, options);
        for (const double v : out) CHECK((!std::isnan(v) && v >= 0));
        if (tau == 1e-300) CHECK((out[0] == Approx(1e300).epsilon(1e-15) && out[1] == Approx(1e300).epsilon(1e-15)));
        if (tau == denormal) CHECK((out[0] == inf && out[1] == inf));
        if (tau >= 1e300) CHECK((out[0] < 1e-290 && out[1] < 1e-290));
        kldiv::js_divergence_rows(std::span<const double>(p), std::span<const double>(q), 2, std::span<double>(out), options);
        for (const double v : out) CHECK((!std::isnan(v) && v >= 0 && v <= std::numbers::ln2 * (1 + 1e-15)));
        if (tau <= 1e-10) CHECK((out[0] == Approx(std::numbers::ln2).epsilon(1e-15) && out[1] == Approx(std::numbers::ln2).epsilon(1e-15)));
        kldiv::entropy_rows(p, 2, out, options);
        for (const double v : out) CHECK((!std::isnan(v) && v >= 0 && v <= std::numbers::ln2 * (1 + 1e-15)));
    }
    // Logits at ±1e308: one-hot rows at different outcomes. JSD = ln 2 exactly in the limit,
    // KL = 2e308 − log… = +inf in double; −inf on one side: JSD ≤ ln 2, finite.
    const std::vector<double> big{1e308, -1e308, -inf, 0}, other{-1e308, 1e308, 0, -inf};
    kldiv::js_divergence_rows(std::span<const double>(big), std::span<const double>(other), 2, std::span<double>(out));
    CHECK(out[0] == Approx(std::numbers::ln2).epsilon(1e-15));  // was 1.19 (= ln 2 + ½)
    CHECK(out[1] == Approx(std::numbers::ln2).epsilon(1e-15));
    const std::vector<double> c{0, -1e308}, d{-1e308, 1e308};
    std::vector<double> one(1);
    kldiv::js_divergence_rows(std::span<const double>(c), std::span<const double>(d), 2, std::span<double>(one));
    CHECK(one[0] == Approx(std::numbers::ln2).epsilon(1e-15));  // was NaN
    kldiv::kl_divergence_rows(c, d, 2, one);
    CHECK(one[0] == inf);
    // A mask of the wrong length, masked rows holding NaN (not read).
    kldiv::row_options masked;
    const std::vector<std::uint8_t> wrong{1}, skip_second{1, 0};
    masked.mask = wrong;
    CHECK_THAT(message_of([&] { kldiv::kl_divergence_rows(p, q, 2, out, masked); }),
               Catch::Contains("mask must have one entry per row (2)"));
    masked.mask = skip_second;
    const std::vector<double> nan_row{0, 1, nan_value, inf};
    CHECK_NOTHROW(kldiv::kl_divergence_rows(nan_row, q, 2, out, masked));
    CHECK(out[0] >= 0);
    CHECK_THAT(message_of([&] { (void)kldiv::base(1.0); }), Catch::Contains("kldiv::base"));
    CHECK_THAT(message_of([&] { (void)kldiv::base(nan_value); }), Catch::Contains("kldiv::base"));
    CHECK_THAT(message_of([&] { (void)kldiv::base(-2.0); }), Catch::Contains("kldiv::base"));
}
