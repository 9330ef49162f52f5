// JSD_β and scaled JSD_β rows against an independent quad-precision reference (the definition
// β·Σp·log(p/m) + (1 − β)·Σq·log(q/m) in __float128, which has 60 bits to spare for the
// cancellation the library avoids), plus options (temperature, mask, reductions) and validation.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kldiv/discrete/js_divergence.hpp"
#include "support/catch.hpp"
#include "support/isa.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::quad;

namespace {

template <class T>
std::vector<quad> quad_log_softmax(const T* a, std::size_t n, quad tau) {
    quad m = -HUGE_VALQ;
    for (std::size_t i = 0; i < n; ++i) m = fmaxq(m, quad(a[i]) / tau);
    quad sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += expq(quad(a[i]) / tau - m);
    std::vector<quad> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(quad(a[i]) / tau - m - logq(sum));
    return out;
}

/// Σ x·log(x/y) over x > 0 (+inf where y = 0 < x).
quad quad_kl(const std::vector<quad>& lx, const std::vector<quad>& ly) {
    quad total = 0;
    for (std::size_t i = 0; i < lx.size(); ++i) {
        if (isinfq(lx[i])) continue;
        if (isinfq(ly[i])) return HUGE_VALQ;
        total += expq(lx[i]) * (lx[i] - ly[i]);
    }
    return total;
}

/// JSD_β from the definition, in quad; scaled divides by β(1 − β), or is the KL at the ends.
template <class T>
quad quad_js(const T* a, const T* b, std::size_t n, quad beta, bool scaled, quad tau = 1) {
    const auto lp = quad_log_softmax(a, n, tau), lq = quad_log_softmax(b, n, tau);
    if (scaled && beta == 0) return quad_kl(lp, lq);
    if (scaled && beta == 1) return quad_kl(lq, lp);
    quad total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        // log(p/m) = −log1p((m − p)/p) with (m − p)/p = (1 − β)(q/p − 1): the definition, with the
        // ratios taken through expm1q so that quad keeps 1e-34 relative on every term (nearly
        // equal rows cancel by up to 25 digits in the sum, which 113 bits absorb).
        const quad p = expq(lp[i]), q = expq(lq[i]);
        if (p > 0) total += q > 0 ? -beta * p * log1pq((1 - beta) * expm1q(lq[i] - lp[i])) : beta * p * -logq(beta);
        if (q > 0) total += p > 0 ? -(1 - beta) * q * log1pq(beta * expm1q(lp[i] - lq[i])) : (1 - beta) * q * -logq(1 - beta);
    }
    return scaled ? total / (beta * (1 - beta)) : total;
}

double relative_error(double got, quad reference) {
    if (reference == 0) return got == 0 ? 0.0 : HUGE_VAL;
    return static_cast<double>(fabsq((quad(got) - reference) / reference));
}

template <class T>
void check_against_reference(double spread, double closeness, double tolerance) {
    std::mt19937_64 engine(18);
    std::normal_distribution<double> normal(0.0, 1.0);
    const std::size_t vocabulary = 257, rows = 12;
    std::vector<T> p(rows * vocabulary), q(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
        p[i] = static_cast<T>(spread * normal(engine) + 30.0);  // an offset: softmax must not care
        q[i] = closeness > 0 ? static_cast<T>(double(p[i]) + closeness * normal(engine))
                             : static_cast<T>(spread * normal(engine));
    }
    std::vector<T> out(rows);
    for (const double beta : {0.0, 1e-10, 0.1, 0.5, 0.9, 1.0 - 1e-10, 1.0}) {
        for (const bool scaled : {false, true}) {
            kldiv::row_options options;
            options.beta = beta;
            if (scaled)
                kldiv::scaled_js_divergence_rows(std::span<const T>(p), std::span<const T>(q), vocabulary,
                                                 std::span<T>(out), options);
            else
                kldiv::js_divergence_rows(std::span<const T>(p), std::span<const T>(q), vocabulary, std::span<T>(out),
                                          options);
            for (std::size_t row = 0; row < rows; ++row) {
                const quad reference =
                    quad_js(p.data() + row * vocabulary, q.data() + row * vocabulary, vocabulary, quad(beta), scaled);
                INFO("beta " << beta << " scaled " << scaled << " row " << row << " got " << out[row] << " want "
                             << double(reference));
                if (!scaled && (beta == 0 || beta == 1))
                    CHECK(out[row] == 0);
                else
                    CHECK(relative_error(double(out[row]), reference) <= tolerance);
            }
        }
    }
}

}  // namespace

TEST_CASE("JSD_beta rows match the quad definition, far apart and nearly equal", "[discrete][js]") {
    check_against_reference<double>(3.0, 0.0, 1e-13);
    check_against_reference<float>(3.0, 0.0, 1e-6);
    // JSD ~ closeness²: 1e-10 → JSD ~ 1e-20, where P·log P − M·log M would have lost everything.
    check_against_reference<double>(3.0, 1e-10, 1e-12);
    check_against_reference<double>(1.0, 1e-5, 1e-12);
    check_against_reference<float>(3.0, 1e-3, 1e-6);  // float logits differ by whole ulps at least
}

TEST_CASE("JSD_beta of nearly equal rows keeps its digits at JSD = 1e-20", "[discrete][js]") {
    const std::vector<double> p{0.5, -1.25, 2.0, 0.0, 3.5}, q{0.5 + 1e-10, -1.25 - 2e-10, 2.0 + 0.5e-10, 0.0, 3.5};
    std::vector<double> out(1);
    kldiv::js_divergence_rows(p, q, p.size(), out);
    const quad reference = quad_js(p.data(), q.data(), p.size(), quad(0.5), false);
    CHECK(double(reference) < 1e-20);
    CHECK(double(reference) > 1e-22);
    CHECK(relative_error(out[0], reference) <= 1e-12);
}

TEST_CASE("scaled JSD is continuous at the ends and equals the KLs there", "[discrete][js]") {
    std::mt19937_64 engine(7);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    const std::size_t vocabulary = 1000;
    std::vector<float> p(vocabulary), q(vocabulary);
    for (std::size_t i = 0; i < vocabulary; ++i) {
        p[i] = normal(engine);
        q[i] = normal(engine);
    }
    const quad kl_pq = quad_js(p.data(), q.data(), vocabulary, quad(0), true);
    const quad kl_qp = quad_js(p.data(), q.data(), vocabulary, quad(1), true);
    std::vector<float> out(1);
    kldiv::row_options options;
    for (const double beta : {0.0, 1e-12, 1e-9}) {
        options.beta = beta;
        kldiv::scaled_js_divergence_rows(p, q, vocabulary, out, options);
        CHECK(relative_error(out[0], kl_pq) <= 2e-7);
        options.beta = 1.0 - beta;
        kldiv::scaled_js_divergence_rows(p, q, vocabulary, out, options);
        CHECK(relative_error(out[0], kl_qp) <= 2e-7);
    }
    // β = ½: 4·JS, and JS ≤ log 2.
    options.beta = 0.5;
    std::vector<float> plain(1), scaled(1);
    kldiv::js_divergence_rows(p, q, vocabulary, plain, options);
    kldiv::scaled_js_divergence_rows(p, q, vocabulary, scaled, options);
    CHECK(std::fabs(scaled[0] - 4 * plain[0]) <= 4e-7f * scaled[0]);
    CHECK(plain[0] <= std::log(2.0f));
}

TEST_CASE("JSD_beta rows: zero-probability outcomes, temperature, mask and reductions", "[discrete][js]") {
    const double inf = std::numeric_limits<double>::infinity();
    // −inf on one side only: finite JSD, infinite end-point KL.
    const std::vector<double> p{0.0, 1.0, -inf, 2.0}, q{0.5, -inf, 0.25, 1.0};
    std::vector<double> out(1);
    kldiv::row_options options;
    options.beta = 0.3;
    kldiv::js_divergence_rows(p, q, 4, out, options);
    CHECK(relative_error(out[0], quad_js(p.data(), q.data(), 4, quad(0.3), false)) <= 1e-14);
    options.beta = 0.0;
    kldiv::scaled_js_divergence_rows(p, q, 4, out, options);
    CHECK(out[0] == inf);

    // Temperature divides both sides.
    std::mt19937_64 engine(3);
    std::normal_distribution<double> normal(0.0, 4.0);
    const std::size_t vocabulary = 50, rows = 4;
    std::vector<double> a(rows * vocabulary), b(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        a[i] = normal(engine);
        b[i] = normal(engine);
    }
    options = {};
    options.temperature = 2.5;
    options.beta = 0.7;
    std::vector<double> per_row(rows);
    kldiv::js_divergence_rows(a, b, vocabulary, per_row, options);
    for (std::size_t row = 0; row < rows; ++row)
        CHECK(relative_error(per_row[row], quad_js(a.data() + row * vocabulary, b.data() + row * vocabulary,
                                                   vocabulary, quad(0.7), false, quad(2.5))) <= 1e-13);

    // Mask: row 1 is skipped (NaN per row, not read: it holds NaN), reductions over the others.
    std::vector<double> padded = a;
    padded[vocabulary + 3] = std::numeric_limits<double>::quiet_NaN();
    const std::vector<std::uint8_t> mask{1, 0, 1, 1};
    options.mask = mask;
    kldiv::js_divergence_rows(padded, b, vocabulary, per_row, options);
    CHECK(std::isnan(per_row[1]));
    std::vector<double> reduced(1);
    options.reduction = kldiv::row_reduction::sum;
    kldiv::js_divergence_rows(padded, b, vocabulary, reduced, options);
    const double sum = per_row[0] + per_row[2] + per_row[3];
    CHECK(std::fabs(reduced[0] - sum) <= 1e-15 * sum);
    options.reduction = kldiv::row_reduction::mean;
    kldiv::js_divergence_rows(padded, b, vocabulary, reduced, options);
    CHECK(std::fabs(reduced[0] - sum / 3) <= 1e-15 * sum);
    const std::vector<std::uint8_t> none_selected(rows, 0);
    options.mask = none_selected;
    kldiv::js_divergence_rows(padded, b, vocabulary, reduced, options);
    CHECK(std::isnan(reduced[0]));
}

TEST_CASE("JSD_beta rows validate their inputs and name the row", "[discrete][js][errors]") {
    const std::vector<float> p(6, 0.0f), q(6, 1.0f);
    std::vector<float> out(2);
    kldiv::row_options options;
    options.beta = 1.5;
    CHECK_THROWS_WITH(kldiv::js_divergence_rows(p, q, 3, out, options), Catch::Contains("beta must lie in [0, 1]"));
    options.beta = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_AS(kldiv::js_divergence_rows(p, q, 3, out, options), kldiv::domain_error);
    options = {};
    options.temperature = 0;
    CHECK_THROWS_WITH(kldiv::scaled_js_divergence_rows(p, q, 3, out, options), Catch::Contains("temperature"));
    options = {};
    std::vector<float> bad = p;
    bad[4] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_WITH(kldiv::js_divergence_rows(bad, q, 3, out, options), Catch::Contains("p logits row 1[1] is NaN"));
    bad[4] = std::numeric_limits<float>::infinity();
    CHECK_THROWS_WITH(kldiv::js_divergence_rows(q, bad, 3, out, options), Catch::Contains("q logits row 1[1] is +inf"));
    CHECK_THROWS_WITH(kldiv::js_divergence_rows(p, q, 4, out, options), Catch::Contains("not a multiple"));
    std::vector<float> wrong(3);
    CHECK_THROWS_WITH(kldiv::js_divergence_rows(p, q, 3, wrong, options), Catch::Contains("the output holds 3"));
    const std::vector<std::uint8_t> short_mask{1};
    options.mask = short_mask;
    CHECK_THROWS_WITH(kldiv::js_divergence_rows(p, q, 3, out, options), Catch::Contains("mask"));
    const std::vector<std::uint8_t> mask{1, 0};
    options.mask = mask;
    CHECK_NOTHROW(kldiv::js_divergence_rows(bad, q, 3, out, options));  // the bad row is masked
}

namespace {

/// Rows of length vocabulary (not a multiple of any lane block) at temperature τ against the
/// quad definition: every β and both forms. closeness > 0: q = p + closeness·N(0, 1) (for float,
/// at least one ulp apart somewhere), else independent rows.
template <class T>
void check_lane_rows(std::size_t vocabulary, double spread, double offset, double closeness, double tau,
                     double tolerance, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    const std::size_t rows = 2;
    std::vector<T> p(rows * vocabulary), q(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
        p[i] = static_cast<T>(spread * normal(engine) + offset);
        q[i] = closeness > 0 ? static_cast<T>(double(p[i]) + closeness * normal(engine))
                             : static_cast<T>(spread * normal(engine));
    }
    std::vector<T> out(rows);
    for (const double beta : {0.0, 1e-9, 0.3, 0.5, 1.0 - 1e-9, 1.0}) {
        for (const bool scaled : {false, true}) {
            kldiv::row_options options;
            options.beta = beta;
            options.temperature = tau;
            if (scaled)
                kldiv::unchecked::scaled_js_divergence_rows(std::span<const T>(p), std::span<const T>(q), vocabulary,
                                                            std::span<T>(out), options);
            else
                kldiv::unchecked::js_divergence_rows(std::span<const T>(p), std::span<const T>(q), vocabulary,
                                                     std::span<T>(out), options);
            for (std::size_t row = 0; row < rows; ++row) {
                const quad reference = quad_js(p.data() + row * vocabulary, q.data() + row * vocabulary, vocabulary,
                                               quad(beta), scaled, quad(tau));
                INFO("vocabulary " << vocabulary << " beta " << beta << " scaled " << scaled << " tau " << tau
                                   << " row " << row << " got " << out[row] << " want " << double(reference));
                if (!scaled && (beta == 0 || beta == 1))
                    CHECK(out[row] == 0);
                else
                    CHECK(relative_error(double(out[row]), reference) <= tolerance);
            }
        }
    }
}

}  // namespace

TEST_CASE("JSD_beta lane kernel: ragged rows, temperature, both forms, every beta", "[discrete][js][lanes]") {
    const kldiv::test::isa_guard guard;
    for (const auto set : kldiv::test::available_isas()) {  // every lane width: 2, 4 and 8 doubles
        kldiv::simd::limit_isa(set);
        for (const std::size_t vocabulary : {std::size_t{1}, std::size_t{3}, std::size_t{17}, std::size_t{1003}}) {
            check_lane_rows<double>(vocabulary, 3.0, 30.0, 0.0, 1.0, 1e-12, 1);
            check_lane_rows<double>(vocabulary, 3.0, -5.0, 0.0, 0.7, 1e-12, 2);
            check_lane_rows<float>(vocabulary, 3.0, 30.0, 0.0, 1.0, 1e-6, 3);
            check_lane_rows<float>(vocabulary, 2.0, 0.0, 0.0, 2.5, 1e-6, 4);
            // Nearly equal rows, also at τ ≠ 1 and shifted by a constant (softmax must not care).
            check_lane_rows<double>(vocabulary, 3.0, 30.0, 1e-9, 1.0, 1e-12, 5);
            check_lane_rows<double>(vocabulary, 1.0, 0.0, 1e-6, 0.3, 1e-12, 6);
            check_lane_rows<float>(vocabulary, 3.0, 0.0, 1e-2, 1.7, 1e-6, 7);
        }
    }
}

TEST_CASE("JSD_beta lane kernel keeps its digits at JSD ~ 1e-20 in float and double", "[discrete][js][lanes]") {
    // Logits of size ~1e-3 whose float ulps are ~1e-10: q one to three ulps from p, so every
    // d ~ 1e-10 and JSD ~ 1e-21 (P·log P − M·log M would return noise of order 1e-16).
    const std::size_t vocabulary = 1001;
    std::mt19937_64 engine(11);
    std::normal_distribution<double> normal(0.0, 1e-3);
    std::uniform_int_distribution<int> steps(1, 3);
    std::vector<float> pf(vocabulary), qf(vocabulary);
    std::vector<double> pd(vocabulary), qd(vocabulary);
    for (std::size_t i = 0; i < vocabulary; ++i) {
        pf[i] = static_cast<float>(normal(engine));
        qf[i] = pf[i];
        const int n = (i % 3 == 0) ? 0 : steps(engine);
        for (int s = 0; s < n; ++s) qf[i] = std::nextafter(qf[i], (i % 2) ? 1.0f : -1.0f);
        pd[i] = double(pf[i]);
        qd[i] = pd[i] + 1e-10 * normal(engine) * 1e3;
    }
    const kldiv::test::isa_guard guard;
    for (const auto set : kldiv::test::available_isas())
        for (const double beta : {0.5, 0.1, 1e-9}) {
            kldiv::simd::limit_isa(set);
            for (const bool scaled : {false, true}) {
                kldiv::row_options options;
                options.beta = beta;
                std::vector<float> outf(1);
                std::vector<double> outd(1);
                if (scaled) {
                    kldiv::scaled_js_divergence_rows(pf, qf, vocabulary, outf, options);
                    kldiv::scaled_js_divergence_rows(pd, qd, vocabulary, outd, options);
                } else {
                    kldiv::js_divergence_rows(pf, qf, vocabulary, outf, options);
                    kldiv::js_divergence_rows(pd, qd, vocabulary, outd, options);
                }
                const quad reference_f = quad_js(pf.data(), qf.data(), vocabulary, quad(beta), scaled);
                const quad reference_d = quad_js(pd.data(), qd.data(), vocabulary, quad(beta), scaled);
                INFO("beta " << beta << " scaled " << scaled << " float " << outf[0] << " want " << double(reference_f)
                             << " double " << outd[0] << " want " << double(reference_d));
                if (beta == 0.5 && !scaled) {
                    CHECK(double(reference_f) < 1e-18);
                    CHECK(double(reference_d) < 1e-18);
                }
                CHECK(relative_error(double(outf[0]), reference_f) <= 1e-6);
                CHECK(relative_error(outd[0], reference_d) <= 1e-12);
            }
        }
}

TEST_CASE("JSD_beta rows the lanes decline: -inf logits and very wide ranges", "[discrete][js][lanes]") {
    const double inf = std::numeric_limits<double>::infinity();
    const std::size_t vocabulary = 37;
    std::mt19937_64 engine(9);
    std::normal_distribution<double> normal(0.0, 2.0);
    std::vector<double> p(3 * vocabulary), q(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
        p[i] = normal(engine);
        q[i] = normal(engine);
    }
    p[3] = -inf;                     // row 0: −inf on one side
    q[vocabulary + 5] = -inf;        // row 1: on the other
    p[vocabulary + 5] = -inf;        //        and on both at one outcome
    p[2 * vocabulary + 7] = -800.0;  // row 2: a range beyond 600 (an outcome of probability ~e^−800)
    q[2 * vocabulary + 8] = 700.0;
    std::vector<float> pf(p.begin(), p.end()), qf(q.begin(), q.end());
    for (const double beta : {1e-9, 0.5, 0.8}) {
        kldiv::row_options options;
        options.beta = beta;
        std::vector<double> out(3);
        std::vector<float> outf(3);
        kldiv::js_divergence_rows(p, q, vocabulary, out, options);
        kldiv::js_divergence_rows(pf, qf, vocabulary, outf, options);
        for (std::size_t row = 0; row < 3; ++row) {
            INFO("beta " << beta << " row " << row);
            CHECK(relative_error(out[row], quad_js(p.data() + row * vocabulary, q.data() + row * vocabulary, vocabulary,
                                                   quad(beta), false)) <= 1e-12);
            CHECK(relative_error(double(outf[row]), quad_js(pf.data() + row * vocabulary, qf.data() + row * vocabulary,
                                                            vocabulary, quad(beta), false)) <= 1e-6);
        }
    }
}

TEST_CASE("nearly equal double rows at a temperature keep their digits (KL and JSD)", "[discrete][js][rows]") {
    // Logits ~N(0, 2²) and the other row 1e-7 away: each dᵢ = (bᵢ − aᵢ)/τ ~ 1e-7/τ. Dividing
    // each logit by τ first would carry ~1e-16·|aᵢ/τ| of rounding into dᵢ, 1e-9 of it, and the
    // KL (~1e-14) would be off by ~1e-6 relative. The quad reference divides exactly.
    const std::size_t vocabulary = 257;
    std::mt19937_64 engine(17);
    std::normal_distribution<double> normal(0.0, 2.0);
    std::vector<double> a(vocabulary), b(vocabulary);
    for (std::size_t i = 0; i < vocabulary; ++i) {
        a[i] = normal(engine);
        b[i] = a[i] + 1e-7 * normal(engine);
    }
    for (const double tau : {1.7, 0.3}) {
        kldiv::row_options options;
        options.temperature = tau;
        std::vector<double> kl(1), js(1);
        kldiv::kl_divergence_rows(a, b, vocabulary, kl, options);
        kldiv::js_divergence_rows(a, b, vocabulary, js, options);
        const auto lp = quad_log_softmax(a.data(), vocabulary, quad(tau));
        const auto lq = quad_log_softmax(b.data(), vocabulary, quad(tau));
        INFO("tau " << tau << " KL " << kl[0] << " want " << double(quad_kl(lp, lq)));
        CHECK(relative_error(kl[0], quad_kl(lp, lq)) <= 1e-12);
        CHECK(relative_error(js[0], quad_js(a.data(), b.data(), vocabulary, quad(0.5), false, quad(tau))) <= 1e-12);
    }
}

TEST_CASE("JSD rows at a temperature with logits far from each other's maxima (found by fuzz:discrete)",
          "[discrete][js][rows]") {
    // p: ten logits 2.6e122 (and four near 0): uniform over outcomes 4…13 at τ = 439.7. q: one
    // logit 2.9e7, the rest ≤ 33: one-hot at outcome 9 (every other qᵢ ≈ e^−65536). Grouping the
    // logit difference as (bᵢ − aᵢ) − (s_q − s_p) loses 2.9e7 against 2.6e122 and gave 0.9157,
    // above JSD_β's bound H(β) = 0.5623; grouped as (bᵢ − s_q) − (aᵢ − s_p) it is exact here.
    // Exact: ¾·[0.9·log(4/3) + 0.1·log(0.1/0.325)] + ¼·log(1/0.325) (mpmath, 30 digits).
    const double tiny = -7.8969589372544814e-84, huge = 2.6183001116790237e+122;
    const std::vector<double> p{tiny, tiny, tiny, -7.8966238098072507e-84, huge, huge, huge,
                                huge, huge, huge, huge, huge, huge, huge};
    const std::vector<double> q{tiny, tiny, tiny, tiny, tiny, tiny, tiny, tiny, 1.3952718718956193e-11,
                                28817335.717647057, -1.0505535549794196e-296, 32.50196173798804,
                                32.501960784313724, 32.462898284313724};
    // Outcome 9 is q's argmax and inside p's support; recheck the layout the comment describes.
    REQUIRE(q[9] == 28817335.717647057);
    kldiv::row_options options;
    options.temperature = 439.7176470588235;
    options.beta = 0.75;
    std::vector<double> out(1);
    kldiv::js_divergence_rows(p, q, p.size(), out, options);
    CHECK(out[0] == Approx(0.386768798342428558929788153).epsilon(1e-14));
}
