// kl_divergence_rows / entropy_rows with options, top-k KL with its tail, and the gradients of the
// row functions, against independent quad-precision references: softmax, the coarsened KL and
// the analytic gradients written from their definitions in __float128, and central finite
// differences of those quad values.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "kldiv/discrete/js_divergence.hpp"
#include "kldiv/discrete/row_gradients.hpp"
#include "support/isa.hpp"
#include "kldiv/discrete/topk.hpp"
#include "support/catch.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::quad;

namespace {

std::vector<quad> q_log_softmax(const std::vector<quad>& a, quad tau) {
    quad m = -HUGE_VALQ;
    for (quad v : a) m = fmaxq(m, v / tau);
    quad sum = 0;
    for (quad v : a) sum += expq(v / tau - m);
    std::vector<quad> out;
    for (quad v : a) out.push_back(v / tau - m - logq(sum));
    return out;
}

template <class T>
std::vector<quad> widen(const T* a, std::size_t n) {
    return std::vector<quad>(a, a + n);
}

/// KL(P‖Q) from the definition, with q/p − 1 through expm1q (nearly equal rows keep 1e-34).
quad q_kl(const std::vector<quad>& a, const std::vector<quad>& b, quad tau) {
    const auto lp = q_log_softmax(a, tau), lq = q_log_softmax(b, tau);
    quad total = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const quad p = expq(lp[i]);
        if (p > 0) total -= p * log1pq(expm1q(lq[i] - lp[i]));
    }
    return total;
}

quad q_entropy(const std::vector<quad>& a, quad tau) {
    const auto lp = q_log_softmax(a, tau);
    quad total = 0;
    for (quad l : lp) total -= expq(l) * l;
    return total;
}

/// JSD_β from the definition (see test_js_divergence.cpp), all outcomes positive.
quad q_js(const std::vector<quad>& a, const std::vector<quad>& b, quad beta, quad tau) {
    const auto lp = q_log_softmax(a, tau), lq = q_log_softmax(b, tau);
    quad total = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        total -= beta * expq(lp[i]) * log1pq((1 - beta) * expm1q(lq[i] - lp[i]));
        total -= (1 - beta) * expq(lq[i]) * log1pq(beta * expm1q(lp[i] - lq[i]));
    }
    return total;
}

/// Coarsened KL over the buckets {i} for i in support, and the rest: masses summed in quad.
quad q_coarse_kl(const std::vector<quad>& log_p, const std::vector<quad>& log_q, const std::vector<std::size_t>& support) {
    std::vector<bool> kept(log_p.size(), false);
    quad total = 0, p_kept = 0, q_kept = 0;
    for (std::size_t i : support) {
        kept[i] = true;
        const quad p = expq(log_p[i]), q = expq(log_q[i]);
        p_kept += p;
        q_kept += q;
        if (p > 0) total += p * (log_p[i] - log_q[i]);
    }
    quad p_tail = 0, q_tail = 0;
    for (std::size_t i = 0; i < log_p.size(); ++i)
        if (!kept[i]) {
            p_tail += expq(log_p[i]);
            q_tail += expq(log_q[i]);
        }
    if (p_tail > 0) total += p_tail * logq(p_tail / q_tail);
    return total;
}

double rel(double got, quad want) {
    if (want == 0) return got == 0 ? 0.0 : HUGE_VAL;
    return static_cast<double>(fabsq((quad(got) - want) / want));
}

/// Central difference of f at x along coordinate i, in quad (h = 1e-9: truncation ~1e-18 relative,
/// rounding ~1e-25).
quad q_derivative(const std::function<quad(const std::vector<quad>&)>& f, std::vector<quad> x, std::size_t i) {
    const quad h = quad(1e-9);
    const quad x0 = x[i];
    x[i] = x0 + h;
    const quad up = f(x);
    x[i] = x0 - h;
    const quad down = f(x);
    return (up - down) / (2 * h);
}

template <class T>
void random_rows(std::vector<T>& p, std::vector<T>& q, std::size_t n, double spread, double closeness, unsigned seed) {
    std::mt19937_64 engine(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    p.resize(n);
    q.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        p[i] = static_cast<T>(spread * normal(engine));
        q[i] = closeness > 0 ? static_cast<T>(double(p[i]) + closeness * normal(engine))
                             : static_cast<T>(spread * normal(engine));
    }
}

/// The worst error of one gradient row (got, n entries) against its quad reference, relative to
/// each entry plus floor × the largest entry of both sides (largest).
template <class T>
double worst_gradient_error(const T* got, const std::vector<quad>& want, quad largest, double floor) {
    double worst = 0;
    for (std::size_t i = 0; i < want.size(); ++i)
        worst = std::max(worst, double(fabsq(quad(got[i]) - want[i]) / (fabsq(want[i]) + floor * largest)));
    return worst;
}

/// The largest |entry| of two quad gradient rows.
quad largest_entry(const std::vector<quad>& ga, const std::vector<quad>& gb) {
    quad largest = 0;
    for (std::size_t i = 0; i < ga.size(); ++i) largest = fmaxq(largest, fmaxq(fabsq(ga[i]), fabsq(gb[i])));
    return largest;
}

}  // namespace

TEST_CASE("kl_divergence_rows and entropy_rows with options: temperature, mask, reductions", "[discrete][rows]") {
    const std::size_t vocabulary = 300, rows = 5;
    std::vector<float> p, q;
    random_rows(p, q, rows * vocabulary, 3.0, 0.0, 1);
    kldiv::row_options options;
    options.temperature = 0.7;
    std::vector<float> out(rows), entropies(rows);
    kldiv::kl_divergence_rows(p, q, vocabulary, out, options);
    kldiv::entropy_rows(p, vocabulary, entropies, options);
    for (std::size_t row = 0; row < rows; ++row) {
        const auto a = widen(p.data() + row * vocabulary, vocabulary), b = widen(q.data() + row * vocabulary, vocabulary);
        CHECK(rel(out[row], q_kl(a, b, quad(0.7))) <= 1e-6);
        CHECK(rel(entropies[row], q_entropy(a, quad(0.7))) <= 1e-6);
    }
    // The plain call and τ = 1 with options agree exactly (the same lane kernel).
    std::vector<float> plain(rows), with_options(rows);
    kldiv::kl_divergence_rows(p, q, vocabulary, plain);
    kldiv::kl_divergence_rows(p, q, vocabulary, with_options, kldiv::row_options{});
    CHECK(plain == with_options);
    // Mask and mean over the unmasked rows; masked rows are not read.
    std::vector<float> padded = p;
    padded[2 * vocabulary] = std::numeric_limits<float>::quiet_NaN();
    const std::vector<std::uint8_t> mask{1, 1, 0, 1, 1};
    options = {};
    options.mask = mask;
    kldiv::kl_divergence_rows(padded, q, vocabulary, out, options);
    CHECK(std::isnan(out[2]));
    CHECK(out[0] == plain[0]);
    options.reduction = kldiv::row_reduction::mean;
    std::vector<float> mean(1);
    kldiv::kl_divergence_rows(padded, q, vocabulary, mean, options);
    const double expected = (double(plain[0]) + plain[1] + plain[3] + plain[4]) / 4;
    CHECK(std::fabs(mean[0] - expected) <= 1e-6 * expected);
    options.reduction = kldiv::row_reduction::sum;
    kldiv::entropy_rows(padded, vocabulary, mean, options);
    kldiv::entropy_rows(p, vocabulary, entropies);
    const double entropy_sum = double(entropies[0]) + entropies[1] + entropies[3] + entropies[4];
    CHECK(std::fabs(mean[0] - entropy_sum) <= 1e-6 * entropy_sum);
    CHECK_THROWS_WITH(kldiv::kl_divergence_rows(padded, q, vocabulary, out, kldiv::row_options{}),
                      Catch::Contains("p logits row 2[0] is NaN"));
    options.temperature = -1;
    CHECK_THROWS_WITH(kldiv::entropy_rows(p, vocabulary, mean, options), Catch::Contains("temperature"));
}

TEST_CASE("top-k KL with its tail: a true KL, the quad reference, at most the full KL", "[discrete][topk]") {
    const std::size_t vocabulary = 400, rows = 6;
    for (const double closeness : {0.0, 1e-3}) {
        std::vector<double> p, q;
        random_rows(p, q, rows * vocabulary, 2.5, closeness, 11);
        for (const std::size_t k : {std::size_t(1), std::size_t(8), std::size_t(64), vocabulary}) {
            for (const auto support :
                 {kldiv::topk_support::teacher, kldiv::topk_support::student, kldiv::topk_support::union_of_both}) {
                std::vector<double> out(rows), full(rows);
                kldiv::kl_divergence_topk_rows(std::span<const double>(p), std::span<const double>(q), vocabulary, k,
                                               support, std::span<double>(out));
                kldiv::kl_divergence_rows(p, q, vocabulary, full);
                for (std::size_t row = 0; row < rows; ++row) {
                    const auto a = widen(p.data() + row * vocabulary, vocabulary);
                    const auto b = widen(q.data() + row * vocabulary, vocabulary);
                    std::vector<std::size_t> order(vocabulary), kept;
                    for (const auto* side : {&a, &b}) {
                        if ((side == &a && support == kldiv::topk_support::student) ||
                            (side == &b && support == kldiv::topk_support::teacher))
                            continue;
                        std::iota(order.begin(), order.end(), std::size_t(0));
                        std::stable_sort(order.begin(), order.end(),
                                         [&](std::size_t x, std::size_t y) { return (*side)[x] > (*side)[y]; });
                        kept.insert(kept.end(), order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k));
                    }
                    std::sort(kept.begin(), kept.end());
                    kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
                    const quad reference = q_coarse_kl(q_log_softmax(a, 1), q_log_softmax(b, 1), kept);
                    INFO("k " << k << " closeness " << closeness << " row " << row);
                    CHECK(out[row] >= 0);
                    CHECK(out[row] <= full[row] * (1 + 1e-14));
                    CHECK(rel(out[row], reference) <= 1e-12);
                }
            }
        }
    }
}

TEST_CASE("top-k KL from a sparse teacher: stored log-probs, tail by -expm1, errors named", "[discrete][topk]") {
    const std::size_t vocabulary = 500, rows = 4, k = 16;
    std::vector<float> teacher, student;
    random_rows(teacher, student, rows * vocabulary, 2.0, 0.0, 5);
    std::vector<std::int32_t> indices(rows * k);
    std::vector<float> log_probs(rows * k);
    std::vector<std::vector<std::size_t>> kept(rows);
    for (std::size_t row = 0; row < rows; ++row) {
        const auto a = widen(teacher.data() + row * vocabulary, vocabulary);
        const auto la = q_log_softmax(a, 1);
        std::vector<std::size_t> order(vocabulary);
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return a[x] > a[y]; });
        for (std::size_t j = 0; j < k; ++j) {
            indices[row * k + j] = static_cast<std::int32_t>(order[k - 1 - j]);  // any order
            log_probs[row * k + j] = static_cast<float>(la[order[k - 1 - j]]);
            kept[row].push_back(order[j]);
        }
    }
    std::vector<float> out(rows), truncated_check(rows);
    std::vector<float> grad(rows * vocabulary);
    kldiv::row_gradients<float> gradients;
    gradients.q_logits = grad;
    kldiv::kl_divergence_topk_rows(std::span<const std::int32_t>(indices), std::span<const float>(log_probs), k,
                                   std::span<const float>(student), vocabulary, std::span<float>(out), {}, gradients);
    for (std::size_t row = 0; row < rows; ++row) {
        // The reference uses the stored (float-rounded) log-probs for p's kept buckets and
        // −expm1(lse) for its tail, as documented.
        std::vector<quad> lp(vocabulary, -HUGE_VALQ);
        quad kept_mass = 0;
        for (std::size_t j = 0; j < k; ++j) {
            lp[std::size_t(indices[row * k + j])] = log_probs[row * k + j];
            kept_mass += expq(quad(log_probs[row * k + j]));
        }
        const auto b = widen(student.data() + row * vocabulary, vocabulary);
        const auto lq = q_log_softmax(b, 1);
        quad total = 0, q_kept = 0;
        for (std::size_t i : kept[row]) {
            total += expq(lp[i]) * (lp[i] - lq[i]);
            q_kept += expq(lq[i]);
        }
        const quad p_tail = 1 - kept_mass, q_tail = 1 - q_kept;
        total += p_tail * logq(p_tail / q_tail);
        CHECK(rel(out[row], total) <= 1e-6);
        CHECK(out[row] >= 0);
        // Gradient: q − p on the kept outcomes, q·(1 − P_T/Q_T) in the tail.
        std::vector<bool> is_kept(vocabulary, false);
        for (std::size_t i : kept[row]) is_kept[i] = true;
        for (std::size_t i = 0; i < vocabulary; ++i) {
            const quad want = is_kept[i] ? expq(lq[i]) - expq(lp[i]) : expq(lq[i]) * (1 - p_tail / q_tail);
            CHECK(std::fabs(double(grad[row * vocabulary + i]) - double(want)) <= 1e-6 * std::fabs(double(want)) + 1e-12);
        }
    }
    // Errors name the row.
    std::vector<std::int32_t> bad = indices;
    bad[2 * k + 3] = bad[2 * k + 4];
    CHECK_THROWS_WITH(kldiv::kl_divergence_topk_rows(std::span<const std::int32_t>(bad), std::span<const float>(log_probs),
                                                     k, std::span<const float>(student), vocabulary,
                                                     std::span<float>(out)),
                      Catch::Contains("p indices row 2 repeat"));
    bad = indices;
    bad[k + 1] = static_cast<std::int32_t>(vocabulary);
    CHECK_THROWS_WITH(kldiv::kl_divergence_topk_rows(std::span<const std::int32_t>(bad), std::span<const float>(log_probs),
                                                     k, std::span<const float>(student), vocabulary,
                                                     std::span<float>(out)),
                      Catch::Contains("p index row 1[1] is outside"));
    CHECK_THROWS_WITH(kldiv::kl_divergence_topk_rows(std::span<const std::int32_t>(indices),
                                                     std::span<const float>(log_probs), 0,
                                                     std::span<const float>(student), vocabulary,
                                                     std::span<float>(out)),
                      Catch::Contains("k must be at least 1"));
    std::vector<float> too_big = log_probs;
    too_big[3] = 0.0f;
    too_big[4] = 0.0f;
    CHECK_THROWS_WITH(kldiv::kl_divergence_topk_rows(std::span<const std::int32_t>(indices),
                                                     std::span<const float>(too_big), k,
                                                     std::span<const float>(student), vocabulary,
                                                     std::span<float>(out)),
                      Catch::Contains("p probabilities row 0 sum to more than 1"));
    CHECK_THROWS_WITH(kldiv::kl_divergence_topk_rows(std::span<const float>(teacher), std::span<const float>(student),
                                                     vocabulary, vocabulary + 1, kldiv::topk_support::teacher,
                                                     std::span<float>(out)),
                      Catch::Contains("k exceeds the vocabulary"));
}

TEST_CASE("row gradients match quad finite differences (KL, reverse, JSD, scaled JSD, top-k)", "[discrete][gradients]") {
    const std::size_t vocabulary = 12;
    std::vector<double> p, q;
    random_rows(p, q, vocabulary, 1.5, 0.0, 21);
    const double tau = 1.3;
    kldiv::row_options options;
    options.temperature = tau;
    std::vector<double> gp(vocabulary), gq(vocabulary), out(1);
    const kldiv::row_gradients<double> both{gp, gq};
    const auto a = widen(p.data(), vocabulary), b = widen(q.data(), vocabulary);
    const auto check = [&](const std::function<quad(const std::vector<quad>&, const std::vector<quad>&)>& f) {
        for (std::size_t i = 0; i < vocabulary; ++i) {
            const quad dp = q_derivative([&](const std::vector<quad>& x) { return f(x, b); }, a, i);
            const quad dq = q_derivative([&](const std::vector<quad>& x) { return f(a, x); }, b, i);
            CHECK(std::fabs(gp[i] - double(dp)) <= 1e-9 * (std::fabs(double(dp)) + 1e-6));
            CHECK(std::fabs(gq[i] - double(dq)) <= 1e-9 * (std::fabs(double(dq)) + 1e-6));
        }
    };
    kldiv::kl_divergence_rows(std::span<const double>(p), std::span<const double>(q), vocabulary,
                              std::span<double>(out), options, both);
    CHECK(rel(out[0], q_kl(a, b, quad(tau))) <= 1e-13);
    check([&](const auto& x, const auto& y) { return q_kl(x, y, quad(tau)); });
    for (const double beta : {0.0, 0.1, 0.5, 1.0}) {
        options.beta = beta;
        kldiv::js_divergence_rows(std::span<const double>(p), std::span<const double>(q), vocabulary,
                                  std::span<double>(out), options, both);
        check([&](const auto& x, const auto& y) { return q_js(x, y, quad(beta), quad(tau)); });
        kldiv::scaled_js_divergence_rows(std::span<const double>(p), std::span<const double>(q), vocabulary,
                                         std::span<double>(out), options, both);
        check([&](const auto& x, const auto& y) {
            if (beta == 0) return q_kl(x, y, quad(tau));
            if (beta == 1) return q_kl(y, x, quad(tau));
            return q_js(x, y, quad(beta), quad(tau)) / (quad(beta) * (1 - quad(beta)));
        });
    }
    // Top-k with the teacher's 3 outcomes held fixed.
    options = {};
    kldiv::kl_divergence_topk_rows(std::span<const double>(p), std::span<const double>(q), vocabulary, 3,
                                   kldiv::topk_support::teacher, std::span<double>(out), options, both);
    std::vector<std::size_t> order(vocabulary);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return p[x] > p[y]; });
    const std::vector<std::size_t> support(order.begin(), order.begin() + 3);
    check([&](const auto& x, const auto& y) { return q_coarse_kl(q_log_softmax(x, 1), q_log_softmax(y, 1), support); });
}

TEST_CASE("gradients keep their digits at P ≈ Q (float and double vs quad)", "[discrete][gradients]") {
    const std::size_t vocabulary = 1000;
    std::vector<float> p, q;
    random_rows(p, q, vocabulary, 2.0, 1e-4, 9);  // float logits 1e-4 apart: q − p ~ 1e-4·p
    std::vector<float> gp(vocabulary), gq(vocabulary), out(1);
    kldiv::row_options options;
    kldiv::kl_divergence_rows(std::span<const float>(p), std::span<const float>(q), vocabulary, std::span<float>(out),
                              options, kldiv::row_gradients<float>{gp, gq});
    const auto a = widen(p.data(), vocabulary), b = widen(q.data(), vocabulary);
    const auto la = q_log_softmax(a, 1), lb = q_log_softmax(b, 1);
    quad kl = 0;
    for (std::size_t i = 0; i < vocabulary; ++i) kl += expq(la[i]) * (la[i] - lb[i]);
    double worst_q = 0, worst_p = 0;
    for (std::size_t i = 0; i < vocabulary; ++i) {
        worst_q = std::max(worst_q, rel(gq[i], expq(lb[i]) - expq(la[i])));
        worst_p = std::max(worst_p, rel(gp[i], expq(la[i]) * (la[i] - lb[i] - kl)));
    }
    CHECK(worst_q <= 1e-6);
    CHECK(worst_p <= 1e-5);  // pᵢ(log pᵢ/qᵢ − KL): KL is subtracted from terms of its own size
    // JSD at β = ½, double, logits 1e-9 apart.
    std::vector<double> pd, qd;
    random_rows(pd, qd, vocabulary, 2.0, 1e-9, 10);
    std::vector<double> gpd(vocabulary), gqd(vocabulary), outd(1);
    kldiv::js_divergence_rows(std::span<const double>(pd), std::span<const double>(qd), vocabulary,
                              std::span<double>(outd), options, kldiv::row_gradients<double>{gpd, gqd});
    const auto ad = widen(pd.data(), vocabulary), bd = widen(qd.data(), vocabulary);
    const auto lad = q_log_softmax(ad, 1), lbd = q_log_softmax(bd, 1);
    quad kl_pm = 0;
    std::vector<quad> u(vocabulary);
    for (std::size_t i = 0; i < vocabulary; ++i) {
        u[i] = log1pq(quad(0.5) * expm1q(lbd[i] - lad[i]));  // log(m/p)
        kl_pm -= expq(lad[i]) * u[i];
    }
    double worst = 0;
    for (std::size_t i = 0; i < vocabulary; ++i)
        worst = std::max(worst, rel(gpd[i], -quad(0.5) * expq(lad[i]) * (u[i] + kl_pm)));
    CHECK(worst <= 1e-9);
}

#include "kldiv/discrete/half_precision_rows.hpp"

TEST_CASE("bfloat16 and float16 rows equal the float rows of the widened logits", "[discrete][half]") {
    const std::size_t vocabulary = 700, rows = 3;
    std::vector<float> p, q;
    random_rows(p, q, rows * vocabulary, 3.0, 0.0, 31);
    std::vector<kldiv::bfloat16> pb, qb;
    std::vector<kldiv::float16> ph, qh;
    std::vector<float> pw, qw, pwh, qwh;
    for (std::size_t i = 0; i < p.size(); ++i) {
        pb.emplace_back(p[i]);
        qb.emplace_back(q[i]);
        ph.emplace_back(p[i]);
        qh.emplace_back(q[i]);
        pw.push_back(static_cast<float>(pb.back()));
        qw.push_back(static_cast<float>(qb.back()));
        pwh.push_back(static_cast<float>(ph.back()));
        qwh.push_back(static_cast<float>(qh.back()));
    }
    kldiv::row_options options;
    options.beta = 0.3;
    std::vector<float> got(rows), want(rows), grad(rows * vocabulary), want_grad(rows * vocabulary);
    kldiv::kl_divergence_rows(std::span<const kldiv::bfloat16>(pb), std::span<const kldiv::bfloat16>(qb), vocabulary,
                              std::span<float>(got));
    kldiv::kl_divergence_rows(pw, qw, vocabulary, want);
    CHECK(got == want);
    kldiv::js_divergence_rows(std::span<const kldiv::float16>(ph), std::span<const kldiv::float16>(qh), vocabulary,
                              std::span<float>(got), options, kldiv::row_gradients<float>{{}, grad});
    kldiv::js_divergence_rows(std::span<const float>(pwh), std::span<const float>(qwh), vocabulary,
                              std::span<float>(want), options, kldiv::row_gradients<float>{{}, want_grad});
    CHECK(got == want);
    CHECK(grad == want_grad);
    // Mean with a mask: gradient rows scaled by 1/count, masked row zero.
    const std::vector<std::uint8_t> mask{1, 0, 1};
    options.mask = mask;
    options.reduction = kldiv::row_reduction::mean;
    std::vector<float> mean(1);
    kldiv::scaled_js_divergence_rows(std::span<const kldiv::bfloat16>(pb), std::span<const kldiv::bfloat16>(qb),
                                     vocabulary, std::span<float>(mean), options, kldiv::row_gradients<float>{grad, {}});
    std::vector<float> per_row(rows);
    options.mask = {};
    options.reduction = kldiv::row_reduction::none;
    kldiv::scaled_js_divergence_rows(std::span<const float>(pw), std::span<const float>(qw), vocabulary,
                                     std::span<float>(per_row), options, kldiv::row_gradients<float>{want_grad, {}});
    CHECK(std::fabs(mean[0] - (per_row[0] + per_row[2]) / 2) <= 1e-6f * mean[0]);
    CHECK(grad[vocabulary + 5] == 0.0f);
    CHECK(grad[5] == want_grad[5] * 0.5f);
    std::vector<kldiv::bfloat16> bad = pb;
    bad[vocabulary + 2] = kldiv::bfloat16(std::numeric_limits<float>::infinity());
    options = {};
    CHECK_THROWS_WITH(kldiv::kl_divergence_rows(std::span<const kldiv::bfloat16>(bad),
                                                std::span<const kldiv::bfloat16>(qb), vocabulary,
                                                std::span<float>(got), options),
                      Catch::Contains("p logits row 1[2] is +inf"));
}

namespace {

/// The JSD_β gradients (plain or scaled) of one row from their closed forms in quad:
/// ∂/∂aᵢ = −(p_factor/τ)·pᵢ·(uᵢ + KL(P‖M)), uᵢ = log1p((1 − β)·expm1(log qᵢ − log pᵢ)), and
/// likewise for b; at the scaled form's ends the KLs' own −pᵢ·expm1(log qᵢ − log pᵢ)/τ.
void q_js_gradients(const std::vector<quad>& a, const std::vector<quad>& b, quad beta, quad tau, bool scaled,
                    std::vector<quad>& ga, std::vector<quad>& gb) {
    const auto lp = q_log_softmax(a, tau), lq = q_log_softmax(b, tau);
    const std::size_t n = a.size();
    std::vector<quad> u(n), v(n);
    quad kl_p = 0, kl_q = 0;
    for (std::size_t i = 0; i < n; ++i) {
        u[i] = log1pq((1 - beta) * expm1q(lq[i] - lp[i]));
        v[i] = log1pq(beta * expm1q(lp[i] - lq[i]));
        kl_p -= expq(lp[i]) * u[i];
        kl_q -= expq(lq[i]) * v[i];
    }
    const quad p_factor = scaled ? (beta < 1 ? 1 / (1 - beta) : quad(0)) : beta;
    const quad q_factor = scaled ? (beta > 0 ? 1 / beta : quad(0)) : 1 - beta;
    ga.assign(n, 0);
    gb.assign(n, 0);
    if (!scaled && (beta == 0 || beta == 1)) return;
    for (std::size_t i = 0; i < n; ++i) {
        ga[i] = (scaled && beta == 1) ? -expq(lp[i]) * expm1q(lq[i] - lp[i]) / tau
                                      : -p_factor / tau * expq(lp[i]) * (u[i] + kl_p);
        gb[i] = (scaled && beta == 0) ? -expq(lq[i]) * expm1q(lp[i] - lq[i]) / tau
                                      : -q_factor / tau * expq(lq[i]) * (v[i] + kl_q);
    }
}

template <class T>
void check_js_gradient_lanes(double closeness, double tolerance, double floor) {
    const std::size_t vocabulary = 1003, rows = 2;  // not a multiple of any lane block
    std::vector<T> p, q;
    random_rows(p, q, rows * vocabulary, 2.0, closeness, 31);
    const double tau = 1.7;
    for (const double beta : {0.0, 1e-9, 0.3, 0.5, 1.0 - 1e-9, 1.0}) {
        for (const bool scaled : {false, true}) {
            kldiv::row_options options;
            options.beta = beta;
            options.temperature = tau;
            std::vector<T> gp(p.size()), gq(q.size()), out(rows);
            const kldiv::row_gradients<T> both{gp, gq};
            if (scaled)
                kldiv::scaled_js_divergence_rows(std::span<const T>(p), std::span<const T>(q), vocabulary,
                                                 std::span<T>(out), options, both);
            else
                kldiv::js_divergence_rows(std::span<const T>(p), std::span<const T>(q), vocabulary, std::span<T>(out),
                                          options, both);
            for (std::size_t row = 0; row < rows; ++row) {
                const auto a = widen(p.data() + row * vocabulary, vocabulary);
                const auto b = widen(q.data() + row * vocabulary, vocabulary);
                std::vector<quad> ga, gb;
                q_js_gradients(a, b, quad(beta), quad(tau), scaled, ga, gb);
                const quad largest = largest_entry(ga, gb);
                const double worst = std::max(worst_gradient_error(gp.data() + row * vocabulary, ga, largest, floor),
                                              worst_gradient_error(gq.data() + row * vocabulary, gb, largest, floor));
                INFO("beta " << beta << " scaled " << scaled << " row " << row << " closeness " << closeness
                             << " worst " << worst);
                CHECK(worst <= tolerance);
            }
        }
    }
}

}  // namespace

// Float rows (the lane kernel's gradient pass): each entry within 1e-6 of the quad closed form,
// relative, plus 1e-12 of the row's largest entry.
TEST_CASE("JSD_beta gradients from the lane kernel: ragged rows, temperature, every beta, P ≈ Q",
          "[discrete][gradients][lanes]") {
    const kldiv::test::isa_guard guard;
    for (const auto set : kldiv::test::available_isas()) {
        kldiv::simd::limit_isa(set);
        check_js_gradient_lanes<float>(0.0, 1e-6, 1e-6);
        check_js_gradient_lanes<float>(1e-3, 1e-6, 1e-6);
    }
}

TEST_CASE("gradients at a temperature so small that 1/τ overflows: 0 stays 0, never NaN", "[discrete][gradients][edge]") {
    // τ = 1e-320: both rows are one-hot at their (shared) largest logit, KL = JSD = 0 and every
    // derivative is exactly 0; scale/τ overflows, and 0·inf would be NaN.
    const std::size_t vocabulary = 5;
    const std::vector<double> p{0.5, 2.0, -1.0, 0.25, 1.0}, q{0.75, 2.0, -3.0, 0.5, 1.5};
    kldiv::row_options options;
    options.temperature = 1e-320;
    std::vector<double> gp(vocabulary, -1.0), gq(vocabulary, -1.0), out(1, -1.0);
    const kldiv::row_gradients<double> both{gp, gq};
    kldiv::kl_divergence_rows(std::span<const double>(p), std::span<const double>(q), vocabulary,
                              std::span<double>(out), options, both);
    CHECK(out[0] == 0.0);
    for (std::size_t i = 0; i < vocabulary; ++i) {
        CHECK(gp[i] == 0.0);
        CHECK(gq[i] == 0.0);
    }
    std::fill(gp.begin(), gp.end(), -1.0);
    std::fill(gq.begin(), gq.end(), -1.0);
    kldiv::js_divergence_rows(std::span<const double>(p), std::span<const double>(q), vocabulary,
                              std::span<double>(out), options, both);
    CHECK(out[0] == 0.0);
    for (std::size_t i = 0; i < vocabulary; ++i) {
        CHECK(gp[i] == 0.0);
        CHECK(gq[i] == 0.0);
    }
}

namespace {

/// Quad closed forms of KL(P‖Q)'s gradients at τ: ∂/∂bᵢ = (qᵢ − pᵢ)/τ, ∂/∂aᵢ = pᵢ(log pᵢ/qᵢ − KL)/τ.
void q_kl_gradients(const std::vector<quad>& a, const std::vector<quad>& b, quad tau, std::vector<quad>& ga,
                    std::vector<quad>& gb) {
    const auto lp = q_log_softmax(a, tau), lq = q_log_softmax(b, tau);
    const quad kl = q_kl(a, b, tau);
    ga.assign(a.size(), 0);
    gb.assign(a.size(), 0);
    for (std::size_t i = 0; i < a.size(); ++i) {
        gb[i] = expq(lp[i]) * expm1q(lq[i] - lp[i]) / tau;
        ga[i] = expq(lp[i]) * (lp[i] - lq[i] - kl) / tau;
    }
}

}  // namespace

// Float rows through the lane kernel's gradient pass (three passes: range, sums, gradients):
// every entry within 1e-6 relative of the quad closed form plus 1e-12 of the row's largest, the
// value within 1e-6, on rows that are not a multiple of any lane block, at τ = 1 and τ ≠ 1, for
// unrelated rows and rows 1e-3 apart, under every instruction set.
TEST_CASE("KL gradients from the lane kernel: ragged rows, temperature, P ≈ Q, every ISA",
          "[discrete][gradients][lanes]") {
    const kldiv::test::isa_guard guard;
    const std::size_t vocabulary = 1003, rows = 3;
    for (const auto set : kldiv::test::available_isas()) {
        kldiv::simd::limit_isa(set);
        for (const double closeness : {0.0, 1e-3, 1e-6}) {
            std::vector<float> p, q;
            random_rows(p, q, rows * vocabulary, 2.0, closeness, 41);
            for (const double tau : {1.0, 0.7, 2.0}) {
                kldiv::row_options options;
                options.temperature = tau;
                std::vector<float> gp(p.size()), gq(q.size()), out(rows), plain(rows);
                kldiv::kl_divergence_rows(std::span<const float>(p), std::span<const float>(q), vocabulary,
                                          std::span<float>(out), options, kldiv::row_gradients<float>{gp, gq});
                kldiv::kl_divergence_rows(std::span<const float>(p), std::span<const float>(q), vocabulary,
                                          std::span<float>(plain), options);
                for (std::size_t row = 0; row < rows; ++row) {
                    const auto a = widen(p.data() + row * vocabulary, vocabulary);
                    const auto b = widen(q.data() + row * vocabulary, vocabulary);
                    std::vector<quad> ga, gb;
                    q_kl_gradients(a, b, quad(tau), ga, gb);
                    const quad largest = largest_entry(ga, gb);
                    const double worst_a = worst_gradient_error(gp.data() + row * vocabulary, ga, largest, 1e-12);
                    const double worst_b = worst_gradient_error(gq.data() + row * vocabulary, gb, largest, 1e-12);
                    INFO("isa " << static_cast<int>(set) << " closeness " << closeness << " tau " << tau << " row "
                                << row << " worst a " << worst_a << " worst b " << worst_b);
                    CHECK(rel(out[row], q_kl(a, b, quad(tau))) <= 1e-6);
                    CHECK(std::fabs(out[row] - plain[row]) <= 2.5e-7 * plain[row]);  // the gradient-free call's, to an ulp
                    CHECK(worst_b <= 1e-6);
                    // pᵢ(log pᵢ/qᵢ − KL) subtracts KL from terms of its own size (as the scalar path).
                    CHECK(worst_a <= (closeness > 0 ? 1e-4 : 1e-6));
                }
            }
        }
    }
}

namespace {

/// Quad gradients of the coarsened KL over the buckets {i ∈ support} + tail, at τ:
/// ∂/∂bᵢ = (qᵢ − pᵢ)/τ on the support, qᵢ(1 − P_T/Q_T)/τ in the tail; ∂/∂aᵢ = pᵢ(log(p̃/q̃) − KL)/τ
/// of its bucket.
quad q_coarse_gradients(const std::vector<quad>& a, const std::vector<quad>& b, quad tau,
                        const std::vector<std::size_t>& support, std::vector<quad>& ga, std::vector<quad>& gb) {
    const auto lp = q_log_softmax(a, tau), lq = q_log_softmax(b, tau);
    const quad kl = q_coarse_kl(lp, lq, support);
    std::vector<bool> kept(a.size(), false);
    for (std::size_t i : support) kept[i] = true;
    quad p_tail = 0, q_tail = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!kept[i]) {
            p_tail += expq(lp[i]);
            q_tail += expq(lq[i]);
        }
    ga.assign(a.size(), 0);
    gb.assign(a.size(), 0);
    for (std::size_t i = 0; i < a.size(); ++i) {
        const quad p = expq(lp[i]), q = expq(lq[i]);
        if (kept[i]) {
            gb[i] = p * expm1q(lq[i] - lp[i]) / tau;
            ga[i] = p * (lp[i] - lq[i] - kl) / tau;
        } else {
            gb[i] = q * (1 - p_tail / q_tail) / tau;
            ga[i] = p * (logq(p_tail / q_tail) - kl) / tau;
        }
    }
    return kl;
}

std::vector<std::size_t> top_indices(const std::vector<quad>& a, const std::vector<quad>& b, std::size_t k,
                                     kldiv::topk_support support) {
    std::vector<std::size_t> order(a.size()), kept;
    for (const auto* side : {&a, &b}) {
        if ((side == &a && support == kldiv::topk_support::student) ||
            (side == &b && support == kldiv::topk_support::teacher))
            continue;
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return (*side)[x] > (*side)[y]; });
        kept.insert(kept.end(), order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k));
    }
    std::sort(kept.begin(), kept.end());
    kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
    return kept;
}

}  // namespace

// Float rows through the lanes (range, tail sums, support in double, gradient pass): value within
// 1e-6 of the quad coarsened KL and never above the full KL, every gradient entry within 1e-6
// relative plus 1e-12 of the row's largest; ragged rows, τ ≠ 1, rows 1e-3 apart, a confident
// student (Q_T < P_T/2: the tail's Q mass summed apart), every support kind and ISA.
TEST_CASE("top-k KL with its tail from the lane kernel: value and gradients vs quad, every ISA",
          "[discrete][topk][lanes]") {
    const kldiv::test::isa_guard guard;
    const std::size_t vocabulary = 1003, rows = 2;
    for (const auto set : kldiv::test::available_isas()) {
        kldiv::simd::limit_isa(set);
        for (const int kind : {0, 1, 2}) {  // unrelated rows, rows 1e-3 apart, a confident student
            std::vector<float> p, q;
            random_rows(p, q, rows * vocabulary, 2.0, kind == 1 ? 1e-3 : 0.0, 51);
            if (kind == 2)  // q piles its mass on p's largest logits: Q_T ≪ P_T
                for (std::size_t i = 0; i < p.size(); ++i) q[i] = p[i] > 2.5f ? 3.0f * p[i] : q[i] - 4.0f;
            for (const double tau : {1.0, 1.5}) {
                for (const std::size_t k : {std::size_t(1), std::size_t(8), std::size_t(64), vocabulary}) {
                    for (const auto which : {kldiv::topk_support::teacher, kldiv::topk_support::student,
                                             kldiv::topk_support::union_of_both}) {
                        kldiv::row_options options;
                        options.temperature = tau;
                        std::vector<float> gp(p.size()), gq(q.size()), out(rows), value_only(rows), full(rows);
                        kldiv::kl_divergence_topk_rows(std::span<const float>(p), std::span<const float>(q), vocabulary,
                                                       k, which, std::span<float>(out), options,
                                                       kldiv::row_gradients<float>{gp, gq});
                        kldiv::kl_divergence_topk_rows(std::span<const float>(p), std::span<const float>(q), vocabulary,
                                                       k, which, std::span<float>(value_only), options);
                        kldiv::kl_divergence_rows(std::span<const float>(p), std::span<const float>(q), vocabulary,
                                                  std::span<float>(full), options);
                        for (std::size_t row = 0; row < rows; ++row) {
                            const auto a = widen(p.data() + row * vocabulary, vocabulary);
                            const auto b = widen(q.data() + row * vocabulary, vocabulary);
                            std::vector<quad> ga, gb;
                            const quad reference = q_coarse_gradients(a, b, quad(tau), top_indices(a, b, k, which), ga, gb);
                            const quad largest = largest_entry(ga, gb);
                            const double worst =
                                std::max(worst_gradient_error(gp.data() + row * vocabulary, ga, largest, 1e-12),
                                         worst_gradient_error(gq.data() + row * vocabulary, gb, largest, 1e-12));
                            INFO("isa " << static_cast<int>(set) << " kind " << kind << " tau " << tau << " k " << k
                                        << " support " << static_cast<int>(which) << " row " << row << " worst " << worst);
                            CHECK(out[row] >= 0);
                            CHECK(std::fabs(out[row] - value_only[row]) <= 2.5e-7 * value_only[row]);  // tiers differ by an ulp
                            CHECK(out[row] <= full[row] * (1 + 1e-6));
                            CHECK(rel(out[row], reference) <= 1e-6);
                            CHECK(worst <= (kind == 1 ? 1e-4 : 1e-6));  // ∂/∂a subtracts KL from terms of its size
                        }
                    }
                }
            }
        }
    }
}

// bfloat16 rows without gradients go straight into the float kernel's lanes (validated on the
// bits): the same values as the float rows of the exactly widened logits, bit for bit, under every
// ISA, with a temperature, a mask and a mean, a row with −inf logits (scalar path), a NaN and a
// +inf named by row and index, and nothing written when a later row is bad.
TEST_CASE("bfloat16 KL rows through the lanes equal the widened float rows, every ISA", "[discrete][half][lanes]") {
    const kldiv::test::isa_guard guard;
    const std::size_t vocabulary = 1003, rows = 4;
    std::vector<float> p, q;
    random_rows(p, q, rows * vocabulary, 3.0, 0.0, 61);
    std::vector<kldiv::bfloat16> pb, qb;
    std::vector<float> pw, qw;
    for (std::size_t i = 0; i < p.size(); ++i) {
        pb.emplace_back(p[i]);
        qb.emplace_back(q[i]);
    }
    pb[2 * vocabulary + 7] = kldiv::bfloat16(-std::numeric_limits<float>::infinity());  // row 2: scalar path
    for (std::size_t i = 0; i < p.size(); ++i) {
        pw.push_back(static_cast<float>(pb[i]));
        qw.push_back(static_cast<float>(qb[i]));
    }
    const std::vector<std::uint8_t> mask{1, 1, 1, 0};
    for (const auto set : kldiv::test::available_isas()) {
        kldiv::simd::limit_isa(set);
        for (const double tau : {1.0, 0.8}) {
            for (const bool masked : {false, true}) {
                kldiv::row_options options;
                options.temperature = tau;
                if (masked) {
                    options.mask = mask;
                    options.reduction = kldiv::row_reduction::mean;
                }
                const std::size_t outputs = masked ? 1 : rows;
                std::vector<float> got(outputs), want(outputs);
                kldiv::kl_divergence_rows(std::span<const kldiv::bfloat16>(pb), std::span<const kldiv::bfloat16>(qb),
                                          vocabulary, std::span<float>(got), options);
                kldiv::kl_divergence_rows(std::span<const float>(pw), std::span<const float>(qw), vocabulary,
                                          std::span<float>(want), options);
                INFO("isa " << static_cast<int>(set) << " tau " << tau << " masked " << masked);
                CHECK(got == want);
            }
        }
        for (const std::uint16_t bits : {std::uint16_t(0x7fc0), std::uint16_t(0x7f80), std::uint16_t(0xffc1)}) {
            std::vector<kldiv::bfloat16> bad = qb;
            bad[3 * vocabulary + 1000] = kldiv::bfloat16::from_bits(bits);  // row 3, in the last partial block
            std::vector<float> out(rows, -1.0f);
            CHECK_THROWS_WITH(kldiv::kl_divergence_rows(std::span<const kldiv::bfloat16>(pb),
                                                        std::span<const kldiv::bfloat16>(bad), vocabulary,
                                                        std::span<float>(out)),
                              Catch::Contains(bits == 0x7f80 ? "q logits row 3[1000] is +inf" : "q logits row 3[1000] is NaN"));
            CHECK(out[0] == -1.0f);  // nothing written before every row passed
        }
    }
}

// A sparse teacher against float student rows through the lanes (q's tail weight in one lane pass,
// the support in double): value and ∂/∂q within 1e-6 (relative, plus 1e-12 of the row's largest
// entry) of the double-input call on the same numbers (the scalar path, itself held to quad
// above), under every ISA, at τ = 1 and 1.5, on rows that are not a multiple of a lane block,
// with a kept outcome of probability 0 (−inf) and a row whose kept mass leaves a tail of ~1e-9.
TEST_CASE("sparse top-k through the lanes equals the scalar path, every ISA", "[discrete][topk][lanes]") {
    const kldiv::test::isa_guard guard;
    const std::size_t vocabulary = 1003, rows = 3, k = 24;
    std::vector<float> teacher, student;
    random_rows(teacher, student, rows * vocabulary, 2.0, 0.0, 71);
    for (std::size_t i = 0; i < 20; ++i) teacher[2 * vocabulary + i] = 40.0f;  // row 2: 20 outcomes hold all but ~1e-9
    std::vector<std::int32_t> indices(rows * k);
    std::vector<float> log_probs(rows * k);
    for (std::size_t row = 0; row < rows; ++row) {
        const auto la = q_log_softmax(widen(teacher.data() + row * vocabulary, vocabulary), 1);
        std::vector<std::size_t> order(vocabulary);
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return la[x] > la[y]; });
        for (std::size_t j = 0; j < k; ++j) {
            indices[row * k + j] = static_cast<std::int32_t>(order[(j * 7) % k]);  // any order
            log_probs[row * k + j] = static_cast<float>(la[order[(j * 7) % k]]);
        }
    }
    log_probs[k + 5] = -std::numeric_limits<float>::infinity();  // row 1: a kept outcome of probability 0
    const std::vector<double> student_d(student.begin(), student.end()), log_probs_d(log_probs.begin(), log_probs.end());
    for (const auto set : kldiv::test::available_isas()) {
        kldiv::simd::limit_isa(set);
        for (const double tau : {1.0, 1.5}) {
            kldiv::row_options options;
            options.temperature = tau;
            std::vector<float> out(rows), grad(rows * vocabulary);
            std::vector<double> want(rows), want_grad(rows * vocabulary);
            kldiv::kl_divergence_topk_rows(std::span<const std::int32_t>(indices), std::span<const float>(log_probs), k,
                                           std::span<const float>(student), vocabulary, std::span<float>(out), options,
                                           kldiv::row_gradients<float>{{}, grad});
            kldiv::kl_divergence_topk_rows(std::span<const std::int32_t>(indices), std::span<const double>(log_probs_d),
                                           k, std::span<const double>(student_d), vocabulary, std::span<double>(want),
                                           options, kldiv::row_gradients<double>{{}, want_grad});
            for (std::size_t row = 0; row < rows; ++row) {
                double largest = 0, worst = 0;
                for (std::size_t i = 0; i < vocabulary; ++i)
                    largest = std::max(largest, std::fabs(want_grad[row * vocabulary + i]));
                for (std::size_t i = 0; i < vocabulary; ++i) {
                    const double w = want_grad[row * vocabulary + i], g = grad[row * vocabulary + i];
                    worst = std::max(worst, std::fabs(g - w) / (std::fabs(w) + 1e-12 * largest));
                }
                INFO("isa " << static_cast<int>(set) << " tau " << tau << " row " << row << " worst " << worst);
                CHECK(out[row] >= 0);
                CHECK(std::fabs(out[row] - want[row]) <= 1e-6 * want[row]);
                CHECK(worst <= 1e-6);
            }
        }
    }
}
