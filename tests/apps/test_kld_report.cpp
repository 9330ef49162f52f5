// kld-report: the readers, the llama.cpp writer, and every number of the report checked against
// an independent long-double implementation written here (straight loops: log-softmax,
// Σp·log(p/q), sorted percentiles, llama.cpp's sum/sum² formulas); bad inputs run through the
// program itself (exit code 2, one line naming the file and the byte offset).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "kld_report/float16.hpp"
#include "kld_report/llama_kld.hpp"
#include "kld_report/logit_source.hpp"
#include "kld_report/npy.hpp"
#include "kld_report/report.hpp"
#include "support/catch.hpp"

namespace kr = kld_report;
using ld = long double;

namespace {

// ---------------------------------------------------------------------------------------------
// Data

/// Base logits a and test logits b (rows × vocabulary) with the rows the issue asks for.
struct dataset {
    std::size_t rows = 0, vocabulary = 0;
    std::vector<float> a, b;
    std::vector<std::int32_t> tokens;  // the token each row predicts
};

dataset make_dataset(std::size_t rows, std::size_t vocabulary, std::uint64_t seed) {
    dataset d;
    d.rows = rows;
    d.vocabulary = vocabulary;
    d.a.resize(rows * vocabulary);
    d.b.resize(rows * vocabulary);
    d.tokens.resize(rows);
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_int_distribution<std::int32_t> token(0, static_cast<std::int32_t>(vocabulary) - 1);
    for (std::size_t r = 0; r < rows; ++r) {
        float* a = d.a.data() + r * vocabulary;
        float* b = d.b.data() + r * vocabulary;
        // Alternate narrow rows (range < 16: nothing clamped in the llama.cpp format) and wide
        // ones (range > 16: a floor, entries below it absent).
        const double spread = r % 2 == 0 ? 1.0 : 4.0;
        for (std::size_t i = 0; i < vocabulary; ++i) {
            a[i] = static_cast<float>(spread * normal(rng));
            b[i] = static_cast<float>(a[i] + 0.25 * normal(rng));
        }
        d.tokens[r] = token(rng);
        switch (r) {
            case 0:  // a constant base row (uniform distribution; llama.cpp scale 0)
                std::fill(a, a + vocabulary, 0.5f);
                break;
            case 1:  // the base puts (nearly) all its mass on one token
                a[7] = 90.0f;
                d.tokens[r] = 7;
                break;
            case 2:  // ties in the argmax of both rows: the lowest index wins
                a[5] = a[17] = 30.0f;
                b[17] = b[3] = 31.0f;
                d.tokens[r] = 17;
                break;
            case 3:  // identical rows
                std::copy(a, a + vocabulary, b);
                break;
            case 4:  // shifted rows: the same distribution
                for (std::size_t i = 0; i < vocabulary; ++i) b[i] = a[i] + 2.5f;
                break;
            case 5:  // the test puts all its mass on one token
                b[11] = 95.0f;
                break;
            default:
                if (r % 5 == 0) d.tokens[r] = static_cast<std::int32_t>(std::max_element(a, a + vocabulary) - a);
                break;
        }
    }
    return d;
}

std::span<const std::byte> as_bytes(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

std::string npy_f32(const std::vector<float>& x, std::size_t rows, std::size_t vocabulary, int major = 1) {
    return kr::npy_bytes(kr::npy_dtype::float32, {rows, vocabulary}, std::as_bytes(std::span<const float>(x)), major);
}
std::string npy_f16(const std::vector<float>& x, std::size_t rows, std::size_t vocabulary) {
    std::vector<std::uint16_t> h(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) h[i] = kr::float_to_half(x[i]);
    return kr::npy_bytes(kr::npy_dtype::float16, {rows, vocabulary}, std::as_bytes(std::span<const std::uint16_t>(h)));
}
std::string npy_i32(const std::vector<std::int32_t>& t) {
    return kr::npy_bytes(kr::npy_dtype::int32, {t.size()}, std::as_bytes(std::span<const std::int32_t>(t)));
}

/// The llama.cpp file of a dataset: windows of n_ctx tokens, the scored positions' next tokens
/// set to d.tokens, the rest arbitrary valid ids.
std::string llama_file(const dataset& d, std::int32_t n_ctx, const std::vector<float>& logits) {
    const std::size_t per_chunk = static_cast<std::size_t>(n_ctx - 1 - n_ctx / 2);
    REQUIRE(d.rows % per_chunk == 0);
    const auto n_chunk = static_cast<std::int32_t>(d.rows / per_chunk);
    std::vector<std::int32_t> tokens(static_cast<std::size_t>(n_ctx) * static_cast<std::size_t>(n_chunk));
    for (std::size_t i = 0; i < tokens.size(); ++i) tokens[i] = static_cast<std::int32_t>((i * 7919) % d.vocabulary);
    for (std::size_t r = 0; r < d.rows; ++r) {
        const std::size_t chunk = r / per_chunk, j = r % per_chunk;
        tokens[chunk * static_cast<std::size_t>(n_ctx) + static_cast<std::size_t>(n_ctx / 2) + j + 1] = d.tokens[r];
    }
    return kr::llama_kld_bytes(n_ctx, static_cast<std::int32_t>(d.vocabulary), n_chunk, tokens, logits);
}

// ---------------------------------------------------------------------------------------------
// The independent reference (long double, straightforward loops)

/// One row as the report defines it: log-probabilities (−inf where absent or p = 0), which
/// entries are absent (below a llama.cpp floor), the value of code 0, and Σp before normalising.
struct reference_row {
    std::vector<ld> log_p;
    std::vector<bool> absent;
    ld floor_log_prob = 0;
    ld raw_sum = 1;
    bool quantized = false;
};

reference_row reference_from_logits(const float* x, std::size_t n) {
    reference_row row;
    row.absent.assign(n, false);
    ld max = -std::numeric_limits<ld>::infinity();
    for (std::size_t i = 0; i < n; ++i) max = std::max(max, static_cast<ld>(x[i]));
    ld sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += std::exp(static_cast<ld>(x[i]) - max);
    const ld log_z = max + std::log(sum);
    for (std::size_t i = 0; i < n; ++i) row.log_p.push_back(static_cast<ld>(x[i]) - log_z);
    return row;
}

/// Decodes a llama.cpp record from the file bytes by the format's definition: log pᵢ =
/// min_log_prob + scale·codeᵢ rounded to float; code 0 in a row with 65535·scale ≥ 16(1 − 2⁻¹⁰)
/// (and some code > 0) is absent.
reference_row reference_from_record(const std::string& file, std::size_t offset, std::size_t n) {
    reference_row row;
    row.quantized = true;
    float scale = 0, min_log_prob = 0;
    std::memcpy(&scale, file.data() + offset, 4);
    std::memcpy(&min_log_prob, file.data() + offset + 4, 4);
    std::vector<std::uint16_t> codes(n);
    std::memcpy(codes.data(), file.data() + offset + 8, 2 * n);
    const bool clamped = static_cast<ld>(scale) * 65535 >= 16 * (1 - 1.0L / 1024);
    const bool any_positive = std::any_of(codes.begin(), codes.end(), [](std::uint16_t c) { return c > 0; });
    row.floor_log_prob = min_log_prob;
    std::vector<ld> value(n);
    ld sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        row.absent.push_back(clamped && any_positive && codes[i] == 0);
        value[i] = static_cast<float>(static_cast<ld>(min_log_prob) + static_cast<ld>(scale) * codes[i]);
        if (!row.absent[i]) sum += std::exp(value[i]);
    }
    row.raw_sum = sum;
    for (std::size_t i = 0; i < n; ++i)
        row.log_p.push_back(row.absent[i] ? -std::numeric_limits<ld>::infinity() : value[i] - std::log(sum));
    return row;
}

/// KL(x conditioned on y's non-absent entries ‖ y) = Σ x'ᵢ·log(x'ᵢ/yᵢ).
ld reference_kl(const reference_row& x, const reference_row& y) {
    ld mass = 0;
    for (std::size_t i = 0; i < x.log_p.size(); ++i)
        if (!y.absent[i]) mass += std::exp(x.log_p[i]);
    ld kl = 0;
    for (std::size_t i = 0; i < x.log_p.size(); ++i) {
        if (y.absent[i]) continue;
        const ld p = std::exp(x.log_p[i]) / mass;
        if (p == 0) continue;
        kl += p * (std::log(p) - y.log_p[i]);
    }
    return kl;
}

/// ½Σ p·log(2p/(p + q)) + ½Σ q·log(2q/(p + q)).
ld reference_jsd(const reference_row& x, const reference_row& y) {
    ld sum = 0;
    for (std::size_t i = 0; i < x.log_p.size(); ++i) {
        const ld p = std::exp(x.log_p[i]), q = std::exp(y.log_p[i]);
        if (p > 0) sum += p * std::log(2 * p / (p + q));
        if (q > 0) sum += q * std::log(2 * q / (p + q));
    }
    return sum / 2;
}

/// Indices of the k largest log-probabilities (p > 0), ties to the lower index.
std::vector<std::size_t> reference_top(const reference_row& x, std::size_t k) {
    std::vector<std::size_t> order(x.log_p.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return x.log_p[i] > x.log_p[j]; });
    std::vector<std::size_t> top;
    for (std::size_t i = 0; i < order.size() && top.size() < k; ++i)
        if (x.log_p[order[i]] > -std::numeric_limits<ld>::infinity()) top.push_back(order[i]);
    return top;
}

ld reference_nll(const reference_row& x, std::size_t token) {
    if (!x.absent[token]) return -x.log_p[token];
    return -(x.floor_log_prob - std::log(x.raw_sum));  // the floor, renormalised like the rest
}

struct reference_values {
    std::vector<ld> kl, kl_reverse, jsd, nll_base, nll_test, top_p_base, sum_error_base;
    std::vector<std::size_t> argmax_base, argmax_test;
    std::vector<std::vector<ld>> overlap;
};

reference_values reference_per_token(const std::vector<reference_row>& base, const std::vector<reference_row>& test,
                                     const std::vector<std::int32_t>& tokens, const std::vector<std::size_t>& ks) {
    reference_values v;
    v.overlap.resize(ks.size());
    for (std::size_t r = 0; r < base.size(); ++r) {
        const reference_row &p = base[r], &q = test[r];
        v.kl.push_back(reference_kl(p, q));
        v.kl_reverse.push_back(reference_kl(q, p));
        v.jsd.push_back(reference_jsd(p, q));
        const auto t = static_cast<std::size_t>(tokens[r]);
        v.nll_base.push_back(reference_nll(p, t));
        v.nll_test.push_back(reference_nll(q, t));
        v.top_p_base.push_back(std::exp(*std::max_element(p.log_p.begin(), p.log_p.end())));
        v.sum_error_base.push_back(p.quantized ? std::fabs(p.raw_sum - 1) : 0);
        v.argmax_base.push_back(reference_top(p, 1).front());
        v.argmax_test.push_back(reference_top(q, 1).front());
        for (std::size_t j = 0; j < ks.size(); ++j) {
            const auto tp = reference_top(p, ks[j]), tq = reference_top(q, ks[j]);
            std::size_t common = 0;
            for (const std::size_t i : tp) common += static_cast<std::size_t>(std::count(tq.begin(), tq.end(), i));
            v.overlap[j].push_back(static_cast<ld>(common) / static_cast<ld>(ks[j]));
        }
    }
    return v;
}

// llama.cpp's statistics, as its perplexity tool writes them, in long double.
struct mean_unc {
    ld value, uncertainty;
};
mean_unc reference_mean(const std::vector<ld>& x) {
    ld sum = 0, sum2 = 0;
    for (const ld v : x) {
        sum += v;
        sum2 += v * v;
    }
    const auto n = static_cast<ld>(x.size());
    const ld f = sum / n;
    return {f, std::sqrt((sum2 / n - f * f) / (n - 1))};
}
ld reference_covariance(const std::vector<ld>& a, const std::vector<ld>& b) {
    ld sa = 0, sb = 0, sab = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sa += a[i];
        sb += b[i];
        sab += a[i] * b[i];
    }
    const auto n = static_cast<ld>(a.size());
    return (sab / n - (sa / n) * (sb / n)) / (n - 1);
}
ld reference_percentile(std::vector<ld> x, ld f) {
    std::sort(x.begin(), x.end());
    const ld position = f * static_cast<ld>(x.size() - 1);
    const auto i = static_cast<std::size_t>(position);
    const ld t = position - static_cast<ld>(i);
    return (1 - t) * x[i] + t * x[std::min(i + 1, x.size() - 1)];
}
ld reference_median(std::vector<ld> x) {  // the middle value, or the mean of the middle two
    std::sort(x.begin(), x.end());
    const std::size_t n = x.size();
    return n % 2 == 1 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/// |computed − expected| ≤ relative·|expected| + absolute.
bool close(double computed, ld expected, ld relative, ld absolute = 0) {
    if (std::isinf(expected)) return static_cast<ld>(computed) == expected;
    return std::fabs(static_cast<ld>(computed) - expected) <= relative * std::fabs(expected) + absolute;
}

#define CHECK_CLOSE(computed, expected, relative, absolute)                                                       \
    do {                                                                                                          \
        const double c_ = (computed);                                                                             \
        const ld e_ = (expected);                                                                                 \
        INFO(#computed << " = " << c_ << ", reference " << static_cast<double>(e_));                              \
        CHECK(close(c_, e_, (relative), (absolute)));                                                             \
    } while (false)

// Tolerances. Per-token KL comes from kldiv's float row kernel (≤ 1 ulp of float, 6e-8
// relative, measured 0.6 ulp); the log-sum-exps and everything from them (NLL, Δp, top p) are
// double (~1e-15 relative); the JSD row is double. Reductions add only double rounding.
constexpr ld kl_relative = 2e-7L, kl_absolute = 1e-15L;  // absolute: rows with KL = 0 (identical or shifted)
constexpr ld double_relative = 1e-11L;

void check_distribution(const kr::distribution_summary& s, const std::vector<ld>& x, const std::vector<double>& fractions,
                        ld relative, ld absolute) {
    const mean_unc m = reference_mean(x);
    CHECK_CLOSE(s.mean.value, m.value, relative, absolute);
    // s/√N: the reference's Σx²/N − x̄² cancels by (x̄/s)², so its own error grows with it.
    CHECK_CLOSE(s.mean.uncertainty, m.uncertainty, relative * 100, absolute);
    CHECK_CLOSE(s.maximum, *std::max_element(x.begin(), x.end()), relative, absolute);
    CHECK_CLOSE(s.minimum, *std::min_element(x.begin(), x.end()), relative, absolute);
    CHECK_CLOSE(s.median, reference_median(x), relative, absolute);
    REQUIRE(s.fractions == fractions);
    for (std::size_t i = 0; i < fractions.size(); ++i)
        CHECK_CLOSE(s.percentiles[i], reference_percentile(x, static_cast<ld>(fractions[i])), relative, absolute);
}

/// Runs the report in process and compares every per-token value and every statistic with the
/// reference computed from the same files.
void check_report(const kr::logit_source& base, const kr::logit_source& test, const kr::token_source* tokens,
                  const std::vector<reference_row>& ref_base, const std::vector<reference_row>& ref_test,
                  const std::vector<std::int32_t>& token_ids) {
    kr::report_options options;
    options.top_k = {1, 5, 10};
    const kr::per_token_values v = kr::compute_per_token(base, test, tokens, options);
    const reference_values ref = reference_per_token(ref_base, ref_test, token_ids, options.top_k);
    const std::size_t n = ref.kl.size();
    REQUIRE(v.kl.size() == n);
    for (std::size_t t = 0; t < n; ++t) {
        INFO("token " << t);
        CHECK(v.kl[t] >= 0);
        CHECK(v.kl_reverse[t] >= 0);
        CHECK_CLOSE(v.kl[t], ref.kl[t], kl_relative, kl_absolute);
        CHECK_CLOSE(v.kl_reverse[t], ref.kl_reverse[t], kl_relative, kl_absolute);
        CHECK_CLOSE(v.jsd[t], ref.jsd[t], double_relative, 1e-18L);
        CHECK_CLOSE(v.nll_base[t], ref.nll_base[t], double_relative, 1e-13L);
        CHECK_CLOSE(v.nll_test[t], ref.nll_test[t], double_relative, 1e-13L);
        CHECK_CLOSE(v.top_p_base[t], ref.top_p_base[t], double_relative, 0);
        CHECK_CLOSE(v.sum_error_base[t], ref.sum_error_base[t], 1e-6L, 1e-15L);
        CHECK(static_cast<std::size_t>(v.argmax_base[t]) == ref.argmax_base[t]);
        CHECK(static_cast<std::size_t>(v.argmax_test[t]) == ref.argmax_test[t]);
        for (std::size_t j = 0; j < options.top_k.size(); ++j) CHECK(v.top_k_overlap[j][t] == static_cast<double>(ref.overlap[j][t]));
    }

    const kr::report r = kr::summarize_report(v, base, test, options.top_k);
    CHECK(r.tokens == n);
    check_distribution(r.kld, ref.kl, kr::kld_fractions(), kl_relative, kl_absolute);
    check_distribution(r.kld_reverse, ref.kl_reverse, kr::kld_fractions(), kl_relative, kl_absolute);
    check_distribution(r.jsd, ref.jsd, kr::kld_fractions(), 1e-10L, 1e-18L);

    // Perplexity statistics
    const mean_unc nll_q = reference_mean(ref.nll_test), nll_b = reference_mean(ref.nll_base);
    CHECK_CLOSE(r.mean_nll_test.value, nll_q.value, double_relative, 0);
    CHECK_CLOSE(r.mean_nll_base.value, nll_b.value, double_relative, 0);
    CHECK_CLOSE(r.ppl_test.value, std::exp(nll_q.value), double_relative, 0);
    CHECK_CLOSE(r.ppl_test.uncertainty, std::exp(nll_q.value) * nll_q.uncertainty, 1e-9L, 0);
    CHECK_CLOSE(r.ppl_base.value, std::exp(nll_b.value), double_relative, 0);
    CHECK_CLOSE(r.ppl_base.uncertainty, std::exp(nll_b.value) * nll_b.uncertainty, 1e-9L, 0);
    const ld cov = reference_covariance(ref.nll_test, ref.nll_base);
    CHECK_CLOSE(r.nll_covariance, cov, 1e-9L, 0);
    CHECK_CLOSE(r.nll_correlation, cov / (nll_q.uncertainty * nll_b.uncertainty), 1e-9L, 0);
    const ld ln_ratio = nll_q.value - nll_b.value;
    const ld ln_ratio_unc =
        std::sqrt(nll_q.uncertainty * nll_q.uncertainty + nll_b.uncertainty * nll_b.uncertainty - 2 * cov);
    CHECK_CLOSE(r.ln_ppl_ratio.value, ln_ratio, 1e-9L, 1e-15L);
    CHECK_CLOSE(r.ln_ppl_ratio.uncertainty, ln_ratio_unc, 1e-7L, 0);
    CHECK_CLOSE(r.ppl_ratio.value, std::exp(ln_ratio), 1e-12L, 0);
    CHECK_CLOSE(r.ppl_ratio.uncertainty, std::exp(ln_ratio) * ln_ratio_unc, 1e-7L, 0);
    const ld ppl_q = std::exp(nll_q.value), ppl_b = std::exp(nll_b.value);
    const ld ppl_q_unc = ppl_q * nll_q.uncertainty, ppl_b_unc = ppl_b * nll_b.uncertainty;
    CHECK_CLOSE(r.ppl_difference.value, ppl_q - ppl_b, 1e-9L, 1e-12L * ppl_q);
    CHECK_CLOSE(r.ppl_difference.uncertainty,
                std::sqrt(ppl_q_unc * ppl_q_unc + ppl_b_unc * ppl_b_unc - 2 * ppl_q * ppl_b * cov), 1e-6L, 0);

    // Token probability statistics
    std::vector<ld> delta_p(n), delta_p2(n), delta_p4(n);
    for (std::size_t t = 0; t < n; ++t) {
        delta_p[t] = std::exp(-ref.nll_test[t]) - std::exp(-ref.nll_base[t]);
        delta_p2[t] = delta_p[t] * delta_p[t];
    }
    check_distribution(r.delta_p, delta_p, kr::delta_p_fractions(), 1e-9L, 1e-15L);
    const mean_unc mse = reference_mean(delta_p2);
    CHECK_CLOSE(r.rms_delta_p.value, std::sqrt(mse.value), 1e-9L, 0);
    CHECK_CLOSE(r.rms_delta_p.uncertainty, 0.5L / std::sqrt(mse.value) * mse.uncertainty, 1e-7L, 0);
    std::size_t same = 0;
    for (std::size_t t = 0; t < n; ++t) same += ref.argmax_base[t] == ref.argmax_test[t] ? 1 : 0;
    const ld p_same = static_cast<ld>(same) / static_cast<ld>(n);
    CHECK_CLOSE(r.same_top_p.value, p_same, 1e-15L, 0);
    CHECK_CLOSE(r.same_top_p.uncertainty, std::sqrt(p_same * (1 - p_same) / static_cast<ld>(n - 1)), 1e-12L, 0);

    // Beyond llama.cpp
    for (std::size_t j = 0; j < options.top_k.size(); ++j) {
        const mean_unc m = reference_mean(ref.overlap[j]);
        CHECK_CLOSE(r.top_k_agreement[j].value, m.value, 1e-14L, 0);
        CHECK_CLOSE(r.top_k_agreement[j].uncertainty, m.uncertainty, 1e-9L, 0);
    }
    const ld edges[] = {0, 0.25L, 0.5L, 0.75L, 0.95L, 1};
    REQUIRE(r.buckets.size() == 5);
    std::size_t counted = 0;
    for (std::size_t b = 0; b < 5; ++b) {
        std::vector<ld> members;
        for (std::size_t t = 0; t < n; ++t) {
            const ld p = ref.top_p_base[t];
            if (p >= edges[b] && (p < edges[b + 1] || b == 4)) members.push_back(ref.kl[t]);
        }
        CHECK(r.buckets[b].count == members.size());
        counted += r.buckets[b].count;
        if (members.empty()) {
            CHECK(std::isnan(r.buckets[b].mean_kld));
            continue;
        }
        CHECK_CLOSE(r.buckets[b].mean_kld, reference_mean(members).value, kl_relative, kl_absolute);
        CHECK_CLOSE(r.buckets[b].median_kld, reference_median(members), kl_relative, kl_absolute);
    }
    CHECK(counted == n);
    ld max_sum_error = 0;
    for (const ld e : ref.sum_error_base) max_sum_error = std::max(max_sum_error, e);
    CHECK_CLOSE(r.max_sum_error_base, max_sum_error, 1e-6L, 1e-15L);
}

std::vector<reference_row> reference_rows_from_logits(const std::vector<float>& x, std::size_t rows, std::size_t n) {
    std::vector<reference_row> out;
    for (std::size_t r = 0; r < rows; ++r) out.push_back(reference_from_logits(x.data() + r * n, n));
    return out;
}
std::vector<reference_row> reference_rows_from_llama(const std::string& file, std::size_t rows, std::size_t n) {
    const kr::llama_kld_file parsed(as_bytes(file), "reference");
    std::vector<reference_row> out;
    for (std::size_t r = 0; r < rows; ++r)
        out.push_back(reference_from_record(file, static_cast<std::size_t>(parsed.record_offset(r)), n));
    return out;
}

}  // namespace

TEST_CASE("kld-report: two .npy float32 files and --tokens, odd N, against the long-double reference",
          "[kld_report]") {
    const dataset d = make_dataset(301, 1500, 11);
    const std::string a = npy_f32(d.a, d.rows, d.vocabulary), b = npy_f32(d.b, d.rows, d.vocabulary);
    const std::string t = npy_i32(d.tokens);
    const kr::logit_source base(as_bytes(a), "a.npy"), test(as_bytes(b), "b.npy");
    const kr::token_source tokens(as_bytes(t), "t.npy");
    check_report(base, test, &tokens, reference_rows_from_logits(d.a, d.rows, d.vocabulary),
                 reference_rows_from_logits(d.b, d.rows, d.vocabulary), d.tokens);
}

TEST_CASE("kld-report: llama.cpp base and .npy float16 test, even N", "[kld_report]") {
    const dataset d = make_dataset(310, 3000, 12);  // n_ctx 64: 31 scored positions per chunk, 10 chunks
    const std::string base_file = llama_file(d, 64, d.a);
    const std::string test_file = npy_f16(d.b, d.rows, d.vocabulary);
    const kr::logit_source base(as_bytes(base_file), "base.kld"), test(as_bytes(test_file), "test.npy");
    REQUIRE(base.kind() == kr::logit_source::format::llama_kld);
    REQUIRE(test.kind() == kr::logit_source::format::npy_float16);
    std::vector<float> test_values(d.b.size());
    for (std::size_t i = 0; i < d.b.size(); ++i) test_values[i] = kr::half_to_float(kr::float_to_half(d.b[i]));
    check_report(base, test, nullptr, reference_rows_from_llama(base_file, d.rows, d.vocabulary),
                 reference_rows_from_logits(test_values, d.rows, d.vocabulary), d.tokens);
}

TEST_CASE("kld-report: two llama.cpp files (odd vocabulary: padded records), odd N", "[kld_report]") {
    const dataset d = make_dataset(217, 1001, 13);  // n_ctx 64, 7 chunks
    const std::string base_file = llama_file(d, 64, d.a), test_file = llama_file(d, 64, d.b);
    const kr::logit_source base(as_bytes(base_file), "base.kld"), test(as_bytes(test_file), "test.kld");
    check_report(base, test, nullptr, reference_rows_from_llama(base_file, d.rows, d.vocabulary),
                 reference_rows_from_llama(test_file, d.rows, d.vocabulary), d.tokens);
}

TEST_CASE("kld-report: results do not depend on the thread count or the chunk size", "[kld_report]") {
    const dataset d = make_dataset(123, 1200, 14);  // n_ctx 8: 3 scored positions per chunk, 41 chunks
    const std::string base_file = llama_file(d, 8, d.a);
    const std::string test_file = npy_f32(d.b, d.rows, d.vocabulary);
    const kr::logit_source base(as_bytes(base_file), "base.kld"), test(as_bytes(test_file), "test.npy");
    std::string first_json;
    kr::per_token_values first;
    for (const auto& [threads, chunk] : std::vector<std::pair<unsigned, std::size_t>>{{1, 1000}, {2, 1}, {3, 7}, {2, 64}}) {
        kr::report_options options;
        options.threads = threads;
        options.chunk_tokens = chunk;
        const kr::per_token_values v = kr::compute_per_token(base, test, nullptr, options);
        const std::string json = kr::format_json(kr::summarize_report(v, base, test, options.top_k));
        if (first_json.empty()) {
            first_json = json;
            first = v;
            continue;
        }
        INFO("threads " << threads << ", chunk " << chunk);
        CHECK(v.kl == first.kl);
        CHECK(v.kl_reverse == first.kl_reverse);
        CHECK(v.jsd == first.jsd);
        CHECK(v.nll_base == first.nll_base);
        CHECK(json == first_json);
    }
}

TEST_CASE("kld-report: a base row with all mass on one token (−inf elsewhere) and the reverse KL", "[kld_report]") {
    const std::size_t n = 1000, rows = 12;
    std::vector<float> a(rows * n), b(rows * n);
    std::mt19937_64 rng(15);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    for (auto& x : a) x = normal(rng);
    for (auto& x : b) x = normal(rng);
    std::fill(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), -std::numeric_limits<float>::infinity());
    a[42] = 1.5f;  // row 0: p = δ₄₂
    const std::string fa = npy_f32(a, rows, n), fb = npy_f32(b, rows, n);
    const kr::logit_source base(as_bytes(fa), "a.npy"), test(as_bytes(fb), "b.npy");
    const kr::per_token_values v = kr::compute_per_token(base, test, nullptr, {});
    const reference_row q0 = reference_from_logits(b.data(), n);
    CHECK_CLOSE(v.kl[0], -q0.log_p[42], kl_relative, 0);            // KL(δ ‖ q) = −log q₄₂
    CHECK(v.kl_reverse[0] == std::numeric_limits<double>::infinity());  // q has mass where p has none
    CHECK(v.top_p_base[0] == 1.0);
    const kr::report r = kr::summarize_report(v, base, test, {1, 5, 10});
    CHECK(!r.have_tokens);
    CHECK(r.kld_reverse.maximum == std::numeric_limits<double>::infinity());
    CHECK(kr::format_json(r).find("\"perplexity\": null") != std::string::npos);
}

TEST_CASE("llama.cpp format: logits → record → decode within scale/2", "[kld_report]") {
    std::mt19937_64 rng(16);
    std::normal_distribution<double> normal(0.0, 1.0);
    for (const double spread : {0.0, 0.01, 1.0, 3.0, 10.0, 50.0}) {
        for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{999}, std::size_t{4096}}) {
            dataset d;
            d.rows = 1;
            d.vocabulary = n;
            d.a.resize(n);
            for (auto& x : d.a) x = static_cast<float>(spread * normal(rng) + 7.0);
            d.tokens = {0};
            const std::string file = llama_file(d, 3, d.a);  // n_ctx 3: one scored position
            const kr::llama_kld_file parsed(as_bytes(file), "round-trip");
            std::vector<float> decoded(n);
            const kr::llama_kld_row_info info = parsed.decode(0, decoded);
            float scale = 0;
            std::memcpy(&scale, file.data() + parsed.record_offset(0), 4);
            const reference_row exact = reference_from_logits(d.a.data(), n);
            const ld max_log_p = *std::max_element(exact.log_p.begin(), exact.log_p.end());
            INFO("spread " << spread << ", n " << n << ", scale " << scale);
            for (std::size_t i = 0; i < n; ++i) {
                std::uint16_t code = 0;
                std::memcpy(&code, file.data() + parsed.record_offset(0) + 8 + 2 * i, 2);
                if (code > 0 || scale == 0) {
                    // scale/2 from the code, plus the float roundings of min_log_prob and of the result
                    CHECK(std::fabs(static_cast<ld>(decoded[i]) - exact.log_p[i]) <=
                          scale / 2.0L + 4e-7L * (1 + std::fabs(exact.log_p[i])));
                } else {
                    CHECK(exact.log_p[i] <= info.floor_log_prob + scale / 2.0L + 4e-7L * (1 + std::fabs(exact.log_p[i])));
                    if (info.has_absent) CHECK(decoded[i] == info.absent_value);
                }
            }
            CHECK((info.has_absent == (max_log_p - *std::min_element(exact.log_p.begin(), exact.log_p.end()) > 16.01L)));
        }
    }
}

TEST_CASE("llama.cpp format: header fields, tokens and record layout", "[kld_report]") {
    const dataset d = make_dataset(9, 19, 17);  // n_ctx 7: 7 − 1 − 3 = 3 scored positions, 3 chunks
    const std::string file = llama_file(d, 7, d.a);
    const kr::llama_kld_file parsed(as_bytes(file), "f");
    CHECK(parsed.header().n_ctx == 7);
    CHECK(parsed.header().n_vocab == 19);
    CHECK(parsed.header().n_chunk == 3);
    CHECK(parsed.header().record_values() == 2 * 10 + 4);  // 19 codes padded to 20
    CHECK(file.size() == 20 + 4 * 21 + 9 * 48);
    CHECK(std::memcmp(file.data(), "_logits_", 8) == 0);
    for (std::size_t r = 0; r < d.rows; ++r) CHECK(parsed.next_token(r) == d.tokens[r]);
    // Row r = 3c + j predicts tokens[7c + 3 + j + 1].
    std::int32_t t = 0;
    std::memcpy(&t, file.data() + 20 + 4 * (7 * 2 + 3 + 1 + 1), 4);
    CHECK(t == d.tokens[7]);
}

TEST_CASE("NumPy reader: files written by NumPy (v1.0, v2.0, float32, float16, int32)", "[kld_report][numpy]") {
    const char* directory_variable = std::getenv("KLD_REPORT_NPY_DIR");
    const std::filesystem::path directory = directory_variable != nullptr ? directory_variable : KLD_REPORT_NPY_DATA;
    INFO("files from " << directory);
    const auto expected = [](std::size_t i, std::size_t j) {
        return static_cast<float>(static_cast<double>(static_cast<int>((31 * i + 17 * j) % 97) - 48) / 8.0);
    };
    for (const char* name : {"logits_f32_v1.npy", "logits_f16_v1.npy", "logits_f32_v2.npy"}) {
        INFO(name);
        const kr::logit_source source((directory / name).string());
        REQUIRE(source.rows() == 7);
        REQUIRE(source.vocabulary() == 33);
        CHECK(source.npy()->major == (std::string(name).find("v2") != std::string::npos ? 2 : 1));
        std::vector<float> scratch(33);
        for (std::size_t i = 0; i < 7; ++i) {
            const kr::logit_row row = source.row(i, scratch);
            for (std::size_t j = 0; j < 33; ++j) CHECK(row.values[j] == expected(i, j));
        }
    }
    const kr::token_source tokens((directory / "tokens_i32.npy").string());
    REQUIRE(tokens.size() == 7);
    for (std::size_t i = 0; i < 7; ++i) CHECK(tokens[i] == static_cast<std::int32_t>((5 * i) % 33));
    CHECK_THROWS_AS(kr::logit_source((directory / "logits_f8_v1.npy").string()), kr::input_error);
    CHECK_THROWS_AS(kr::logit_source((directory / "logits_fortran.npy").string()), kr::input_error);
}

// ---------------------------------------------------------------------------------------------
// The program itself

namespace {

struct run_result {
    int exit_code = -1;
    std::string out, err;
};

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class scratch_directory {
public:
    scratch_directory() {
        path_ = std::filesystem::temp_directory_path() /
                ("kld_report_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
        std::filesystem::create_directories(path_);
    }
    scratch_directory(const scratch_directory&) = delete;
    scratch_directory& operator=(const scratch_directory&) = delete;
    ~scratch_directory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    [[nodiscard]] std::string file(const std::string& name, const std::string& bytes) const {
        const std::string p = (path_ / name).string();
        kr::write_file(p, bytes);
        return p;
    }
    [[nodiscard]] run_result run(const std::string& arguments) const {
        const std::string out = (path_ / "stdout.txt").string(), err = (path_ / "stderr.txt").string();
        const std::string command = std::string("'") + KLD_REPORT_BINARY + "' " + arguments + " > '" + out + "' 2> '" + err + "'";
        const int status = std::system(command.c_str());
        run_result r;
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r.out = read_text(out);
        r.err = read_text(err);
        return r;
    }
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
    static inline int counter_ = 0;
};

/// The program failed with exit code 2 and one line naming the file and the byte offset.
void check_bad_input(const run_result& r, const std::string& file, std::uint64_t offset, const std::string& expected) {
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.rfind("kld-report: ", 0) == 0);
    CHECK(r.err.find(file + ": byte " + std::to_string(offset) + ": expected ") != std::string::npos);
    CHECK(r.err.find(expected) != std::string::npos);
    CHECK(r.out.empty());
}

}  // namespace

TEST_CASE("kld-report program: the two-command workflow's report, and --json", "[kld_report]") {
    const scratch_directory dir;
    const dataset d = make_dataset(155, 1024, 18);  // n_ctx 64: 31 per chunk, 5 chunks
    const std::string base = dir.file("base.kld", llama_file(d, 64, d.a));
    const std::string test = dir.file("test.kld", llama_file(d, 64, d.b));
    const std::string json = (dir.path() / "report.json").string();
    const run_result r = dir.run("'" + base + "' '" + test + "' --json '" + json + "' --threads 2 --top-k 1,3");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    for (const char* line : {"====== Perplexity statistics ======", "Mean PPL(Q)                   :",
                             "====== KL divergence statistics ======", "Mean    KLD:", "99.9%   KLD:", "Median  KLD:",
                             " 0.1%   KLD:", "====== Token probability statistics ======", "RMS Δp    :", "Same top p:",
                             "Top-3   agreement", "max |sum p - 1| = "})
        CHECK(r.out.find(line) != std::string::npos);
    CHECK(r.err.empty());  // no progress bar: standard error is not a terminal

    // The JSON carries the in-process numbers with every digit.
    const kr::logit_source b(base), t(test);
    kr::report_options options;
    options.top_k = {1, 3};
    const kr::report expected = kr::summarize_report(kr::compute_per_token(b, t, nullptr, options), b, t, options.top_k);
    const std::string text = read_text(json);
    char number[64];
    std::snprintf(number, sizeof number, "\"kld\": {\"mean\": %.17g, ", expected.kld.mean.value);
    CHECK(text.find(number) != std::string::npos);
    std::snprintf(number, sizeof number, "\"ppl_test\": {\"value\": %.17g, ", expected.ppl_test.value);
    CHECK(text.find(number) != std::string::npos);
    CHECK(text.find("{\"k\": 3, ") != std::string::npos);
}

TEST_CASE("kld-report program: bad inputs give one line naming file and byte offset, exit code 2", "[kld_report]") {
    const scratch_directory dir;
    const dataset d = make_dataset(62, 300, 19);  // n_ctx 64: 31 per chunk, 2 chunks
    const std::string good_llama = llama_file(d, 64, d.a);
    const std::string base = dir.file("base.kld", good_llama);
    const std::string good_npy = npy_f32(d.b, d.rows, d.vocabulary);
    const std::string test = dir.file("test.npy", good_npy);
    REQUIRE(dir.run("'" + base + "' '" + test + "'").exit_code == 0);

    SECTION("truncated llama.cpp file") {
        const std::string f = dir.file("truncated.kld", good_llama.substr(0, good_llama.size() - 10));
        check_bad_input(dir.run("'" + f + "' '" + test + "'"), f, good_llama.size() - 10,
                        std::to_string(good_llama.size()) + " bytes");
    }
    SECTION("wrong magic") {
        std::string bytes = good_llama;
        bytes[6] = 'z';
        const std::string f = dir.file("magic.kld", bytes);
        check_bad_input(dir.run("'" + f + "' '" + test + "'"), f, 0, "the magic");
    }
    SECTION("header that does not match the file size") {
        std::string bytes = good_llama;
        const std::int32_t n_chunk = 3;
        std::memcpy(bytes.data() + 16, &n_chunk, 4);
        const std::string f = dir.file("header.kld", bytes);
        check_bad_input(dir.run("'" + f + "' '" + test + "'"), f, good_llama.size(), "n_chunk 3");
    }
    SECTION("truncated .npy") {
        const std::string f = dir.file("truncated.npy", good_npy.substr(0, good_npy.size() - 3));
        check_bad_input(dir.run("'" + base + "' '" + f + "'"), f, good_npy.size() - 3, "bytes (header 128 + ");
    }
    SECTION("mismatched token counts") {
        const std::vector<float> fewer(d.b.begin(), d.b.end() - static_cast<std::ptrdiff_t>(d.vocabulary));
        const std::string f = dir.file("fewer.npy", npy_f32(fewer, d.rows - 1, d.vocabulary));
        check_bad_input(dir.run("'" + base + "' '" + f + "'"), f, 10, "62 scored tokens (as ");
    }
    SECTION("mismatched vocabularies") {
        const std::vector<float> narrower(d.rows * (d.vocabulary - 1), 0.0f);
        const std::string f = dir.file("narrow.npy", npy_f32(narrower, d.rows, d.vocabulary - 1));
        check_bad_input(dir.run("'" + base + "' '" + f + "'"), f, 10, "a vocabulary of 300 (as ");
    }
    SECTION("NaN logit") {
        std::vector<float> bad = d.b;
        bad[37 * d.vocabulary + 11] = std::numeric_limits<float>::quiet_NaN();
        const std::string f = dir.file("nan.npy", npy_f32(bad, d.rows, d.vocabulary));
        const run_result r = dir.run("'" + base + "' '" + f + "' --threads 2 --chunk-tokens 3");
        check_bad_input(r, f, 128 + 4 * (37 * d.vocabulary + 11), "a finite or −inf logit (row 37)");
        CHECK(r.err.find("found NaN") != std::string::npos);
    }
    SECTION("the first bad row wins, whatever the threads") {
        std::vector<float> bad = d.b;
        bad[50 * d.vocabulary + 1] = std::numeric_limits<float>::infinity();
        bad[9 * d.vocabulary + 2] = std::numeric_limits<float>::quiet_NaN();
        const std::string f = dir.file("two.npy", npy_f32(bad, d.rows, d.vocabulary));
        for (const char* threads : {"1", "2", "4"})
            check_bad_input(dir.run("'" + base + "' '" + f + "' --chunk-tokens 1 --threads " + threads), f,
                            128 + 4 * (9 * d.vocabulary + 2), "(row 9)");
    }
    SECTION("unsupported dtype") {
        std::string bytes = good_npy;
        bytes.replace(bytes.find("<f4"), 3, "<f8");
        const std::string f = dir.file("f8.npy", bytes);
        check_bad_input(dir.run("'" + base + "' '" + f + "'"), f, 20, "dtype '<f4' or '<f2'");
    }
    SECTION("unsupported .npy version") {
        std::string bytes = good_npy;
        bytes[6] = 3;
        const std::string f = dir.file("v3.npy", bytes);
        check_bad_input(dir.run("'" + base + "' '" + f + "'"), f, 6, "version 1.0 or 2.0");
    }
    SECTION("tokens file: wrong count, wrong dtype, out of range") {
        const std::string a = dir.file("a.npy", npy_f32(d.a, d.rows, d.vocabulary));
        std::vector<std::int32_t> tokens = d.tokens;
        tokens.pop_back();
        const std::string short_tokens = dir.file("short.npy", npy_i32(tokens));
        check_bad_input(dir.run("'" + a + "' '" + test + "' --tokens '" + short_tokens + "'"), short_tokens, 0,
                        "62 tokens (one per row of ");
        tokens = d.tokens;
        tokens[40] = 300;
        const std::string range = dir.file("range.npy", npy_i32(tokens));
        check_bad_input(dir.run("'" + a + "' '" + test + "' --tokens '" + range + "'"), range, 128 + 4 * 40,
                        "a token id in [0, 300)");
        const std::string float_tokens = dir.file("float_tokens.npy", npy_f32(d.a, d.rows, d.vocabulary));
        check_bad_input(dir.run("'" + a + "' '" + test + "' --tokens '" + float_tokens + "'"), float_tokens, 10,
                        "tokens of dtype '<i4'");
    }
    SECTION("two llama.cpp files with different tokens") {
        std::string bytes = good_llama;
        const std::int32_t other = 1;
        std::memcpy(bytes.data() + 20 + 4 * 70, &other, 4);
        if (std::memcmp(good_llama.data() + 20 + 4 * 70, &other, 4) == 0) bytes[20 + 4 * 70] = 2;
        const std::string f = dir.file("other.kld", bytes);
        check_bad_input(dir.run("'" + base + "' '" + f + "'"), f, 20 + 4 * 70, "(as ");
    }
    SECTION("bad record scale") {
        std::string bytes = good_llama;
        const kr::llama_kld_file parsed(as_bytes(good_llama), "x");
        const float nan = std::numeric_limits<float>::quiet_NaN();
        std::memcpy(bytes.data() + parsed.record_offset(5), &nan, 4);
        const std::string f = dir.file("scale.kld", bytes);
        check_bad_input(dir.run("'" + f + "' '" + test + "'"), f, parsed.record_offset(5), "a finite scale ≥ 0 in record 5");
    }
    SECTION("usage errors") {
        const run_result r = dir.run("'" + base + "'");
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("expected two files") != std::string::npos);
        CHECK(dir.run("'" + base + "' '" + test + "' --threads 0").exit_code == 2);
        CHECK(dir.run("'" + base + "' '" + test + "' --bogus").exit_code == 2);
        CHECK(dir.run("'" + base + "' '" + test + "' --top-k 1,,2").exit_code == 2);
        CHECK(dir.run("'" + base + "' '" + test + "' --tokens '" + test + "'").exit_code == 2);
    }
    SECTION("missing file") {
        const std::string missing = (dir.path() / "missing.kld").string();
        check_bad_input(dir.run("'" + missing + "' '" + test + "'"), missing, 0, "a readable file");
    }
}
