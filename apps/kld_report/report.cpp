// kld-report's per-token computation and its statistics (see kld_report/report.hpp).
#include "kld_report/report.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <span>

#include <kldiv/core/instruction_set.hpp>
#include <kldiv/discrete/js_divergence.hpp>
#include <kldiv/discrete/logits.hpp>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace kld_report {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr float float_inf = std::numeric_limits<float>::infinity();
constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();

// ---------------------------------------------------------------------------------------------
// One row: validation, maximum and top-K in one pass.

struct top_entry {
    float value;
    std::int32_t index;
};

/// Scans a row once: returns the index of the first NaN or +inf (n if none; the caller reports
/// it), and fills `best` with the k largest entries, largest first, ties in favour of the lower
/// index (llama.cpp's argmax rule). Entries of −inf never enter: an outcome of probability 0 is
/// nobody's top choice, so a row with fewer than k finite logits has a shorter list; neither do
/// a quantized row's absent entries (value `absent`; pass NaN when there are none).
std::size_t scan_row(const float* v, std::size_t n, std::size_t k, float absent, std::vector<top_entry>& best) {
    best.clear();
    float threshold = -float_inf;  // the k-th largest so far; entering takes strictly more
    constexpr std::size_t block = 16;
    std::size_t i = 0;
    const auto visit = [&](std::size_t j) -> bool {
        const float x = v[j];
        if (!(x < float_inf)) return false;  // NaN or +inf
        if (!(x > threshold) || x == absent) return true;
        std::size_t at = 0;
        while (at < best.size() && best[at].value >= x) ++at;  // after equal values: lower index first
        if (best.size() == k) best.pop_back();                   // at ≤ k − 1 since x > best[k − 1]
        best.insert(best.begin() + static_cast<std::ptrdiff_t>(at), top_entry{x, static_cast<std::int32_t>(j)});
        if (best.size() == k) threshold = best.back().value;
        return true;
    };
    for (; i + block <= n; i += block) {
        // Nearly every block of a long row has nothing above the K-th largest so far and no
        // NaN/+inf; one comparison per entry, vectorisable, tells.
        int needs_look = 0;
        for (std::size_t j = 0; j < block; ++j) needs_look |= static_cast<int>(!(v[i + j] <= threshold));
        if (needs_look == 0) continue;
        for (std::size_t j = i; j < i + block; ++j)
            if (!visit(j)) return j;
    }
    for (; i < n; ++i)
        if (!visit(i)) return i;
    return n;
}

/// Σ exp(xᵢ − m) over n float logits xᵢ ≤ m, m finite (−inf entries give 0). eᵗ = 2ᵏ·eʳ with
/// k = round(t/ln 2) (by the 1.5·2⁵² shifter, so no double → int conversion is needed),
/// r = t − k·ln2 in two parts (k·ln2_hi exact for |k| < 2¹¹), eʳ by its Taylor polynomial of
/// degree 12 (|r| ≤ ln2/2: truncation < 2e-16 relative); t is clamped at −700, where a term
/// weighs < 1e-304 against the maximum's 1. Eight partial sums in fixed order, so the compiler
/// vectorises it and the result does not depend on anything but the row: ~1e-15 relative.
/// (kldiv's simd::exp is ≤ 1 ulp per value but ~7× slower here, and the sum needs less.)
[[gnu::always_inline]] inline double sum_exp_body(const float* x, std::size_t n, double m) noexcept {
    constexpr double log2e = 0x1.71547652b82fep0, shifter = 0x1.8p52;
    constexpr double ln2_hi = 0x1.62e42fee00000p-1, ln2_lo = 0x1.a39ef35793c76p-33;
    constexpr std::uint64_t shifter_bits = std::bit_cast<std::uint64_t>(shifter);
    constexpr std::uint64_t floor_bits = std::bit_cast<std::uint64_t>(-700.0);
    constexpr int lanes = 8;
    double partial[lanes] = {};
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes) {
        for (int j = 0; j < lanes; ++j) {
            double t = double(x[i + std::size_t(j)]) - m;  // exact: the difference of two floats
            // max(t, −700) as a bitwise blend: GCC 12 turns ?: into a branch here and stops vectorising
            const std::uint64_t low = 0 - static_cast<std::uint64_t>(t < -700.0);
            t = std::bit_cast<double>((std::bit_cast<std::uint64_t>(t) & ~low) | (floor_bits & low));
            const double y = t * log2e + shifter;
            const double k = y - shifter;
            const double r = (t - k * ln2_hi) - k * ln2_lo;
            double p = 1.0 / 479001600;
            p = p * r + 1.0 / 39916800;
            p = p * r + 1.0 / 3628800;
            p = p * r + 1.0 / 362880;
            p = p * r + 1.0 / 40320;
            p = p * r + 1.0 / 5040;
            p = p * r + 1.0 / 720;
            p = p * r + 1.0 / 120;
            p = p * r + 1.0 / 24;
            p = p * r + 1.0 / 6;
            p = p * r + 0.5;
            p = p * r + 1.0;
            p = p * r + 1.0;
            const std::uint64_t scale = (std::bit_cast<std::uint64_t>(y) - shifter_bits + 1023) << 52;  // 2ᵏ
            partial[j] += p * std::bit_cast<double>(scale);
        }
    }
    double sum = 0;
    for (int j = 0; j < lanes; ++j) sum += partial[j];
    for (; i < n; ++i) sum += std::exp(double(x[i]) - m);
    return sum;
}

#if defined(__GNUC__) && defined(__x86_64__) && !defined(KLDIV_FORCE_SCALAR)
[[gnu::target("avx2,fma")]] double sum_exp_avx2(const float* x, std::size_t n, double m) noexcept {
    return sum_exp_body(x, n, m);
}
#endif
double sum_exp_portable(const float* x, std::size_t n, double m) noexcept { return sum_exp_body(x, n, m); }

/// log Σ exp(vᵢ) of a row whose maximum is max (finite): max + log Σ exp(vᵢ − max), on the
/// instruction set kldiv's dispatch chose (AVX2+FMA or the portable build).
double log_sum_exp_row(const float* v, std::size_t n, float max) {
#if defined(__GNUC__) && defined(__x86_64__) && !defined(KLDIV_FORCE_SCALAR)
    static const bool avx2 = kldiv::simd::active_isa() != kldiv::simd::isa::scalar;
    if (avx2) return double(max) + std::log(sum_exp_avx2(v, n, double(max)));
#endif
    return double(max) + std::log(sum_exp_portable(v, n, double(max)));
}

/// x with the entries that `other` marks absent replaced by (x's largest remaining entry −
/// absent_logit_gap): the distribution of x conditioned on other's support, to double
/// precision. Returns false if x has no finite entry left (x gives that support probability 0).
bool condition_on_support(const float* x, const logit_row& other, std::size_t n, std::vector<float>& out) {
    float kept_max = -float_inf;
    for (std::size_t i = 0; i < n; ++i)
        if (other.values[i] != other.absent_value) kept_max = std::max(kept_max, x[i]);
    if (kept_max == -float_inf) return false;
    const auto absent = static_cast<float>(double(kept_max) - absent_logit_gap);
    for (std::size_t i = 0; i < n; ++i) out[i] = other.values[i] == other.absent_value ? absent : x[i];
    return true;
}

/// KL(softmax(a) ‖ softmax(b)) in nats by kldiv's row kernel (float rows: the lane kernel,
/// ≤ 1 ulp; rows with −inf or a range beyond 600 take its exact scalar path).
double kl_row(const float* a, const float* b, std::size_t n) {
    float out = 0;
    kldiv::unchecked::kl_divergence_rows<float>(std::span<const float>(a, n), std::span<const float>(b, n), n,
                                                std::span<float>(&out, 1));
    return out;
}

/// Jensen–Shannon divergence in nats of softmax(a) and softmax(b), ½KL(P‖M) + ½KL(Q‖M), given
/// each row's log-sum-exp, by kldiv's JSD_β lane kernel (simd/js_kernel.hpp,
/// js_row_given_log_sums: no shift pass, the report has the log-sum-exps) at β = ½ in its double
/// grade: every term ≥ 0, ~1e-14 relative plus the log-sum-exps' own error in log qᵢ − log pᵢ;
/// rows the lanes decline (−inf logits, a range beyond 600) take kldiv's exact scalar path.
double jsd_row(const float* a, const float* b, std::size_t n, double log_sum_a, double log_sum_b) {
#if defined(KLDIV_HAVE_FLOAT_LANES)
    constexpr kldiv::simd::detail::js_row_constants half{0.5, 0.5, 0.5, 0.5, 1.0};
    double nats = 0;
    bool lanes_ok = false;
    auto finish = [&](std::size_t, bool ok, double value) {
        lanes_ok = ok;
        nats = value;
    };
    kldiv::simd::detail::dispatch_lanes<
        kldiv::simd::detail::js_rows_given_log_sums_body<kldiv::simd::detail::js_within_2e15>>(
        a, b, n, std::size_t{1}, half, &log_sum_a, &log_sum_b, finish);
    if (lanes_ok) return nats;
#else
    (void)log_sum_a;
    (void)log_sum_b;
#endif
    const kldiv::detail::js_skew<double> half_skew(0.5, false);
    return kldiv::detail::logits_js_nats<double, float>(std::span<const float>(a, n), std::span<const float>(b, n),
                                                        half_skew, 1.0);
}

/// Runs body(chunk) for chunks 0..count−1 on `threads` threads (0: all); chunks are
/// independent work items, taken in any order.
template <class Body>
void for_each_chunk(std::size_t count, unsigned threads, Body&& body) {
#if defined(_OPENMP)
    const int n_threads = threads == 0 ? omp_get_max_threads() : static_cast<int>(threads);
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
    for (std::size_t c = 0; c < count; ++c) body(c);
#else
    (void)threads;
    for (std::size_t c = 0; c < count; ++c) body(c);
#endif
}

[[nodiscard]] bool on_first_thread() noexcept {
#if defined(_OPENMP)
    return omp_get_thread_num() == 0;
#else
    return true;
#endif
}

std::uint64_t vocabulary_offset(const logit_source& s) {
    return s.llama() != nullptr ? 12 : s.npy()->header_offset;
}
std::uint64_t rows_offset(const logit_source& s) { return s.llama() != nullptr ? 8 : s.npy()->header_offset; }

/// Scratch space of one worker.
struct scratch {
    std::vector<float> base, test, base_conditioned, test_conditioned;
    std::vector<top_entry> top_base, top_test;
    explicit scratch(std::size_t n)
        : base(n), test(n), base_conditioned(n), test_conditioned(n) {}
};

}  // namespace

const std::vector<double>& kld_fractions() {
    static const std::vector<double> f{0.999, 0.99, 0.95, 0.90, 0.10, 0.05, 0.01, 0.001};
    return f;
}
const std::vector<double>& delta_p_fractions() {
    static const std::vector<double> f{0.999, 0.99, 0.95, 0.90, 0.75, 0.25, 0.10, 0.05, 0.01, 0.001};
    return f;
}

per_token_values compute_per_token(const logit_source& base, const logit_source& test, const token_source* tokens,
                                   const report_options& options) {
    const std::size_t n = base.vocabulary(), rows = base.rows();
    if (test.vocabulary() != n)
        throw input_error(test.name(), vocabulary_offset(test),
                          "a vocabulary of " + std::to_string(n) + " (as " + base.name() + ")",
                          std::to_string(test.vocabulary()));
    if (test.rows() != rows)
        throw input_error(test.name(), rows_offset(test),
                          std::to_string(rows) + " scored tokens (as " + base.name() + ")",
                          std::to_string(test.rows()));
    if (base.llama() != nullptr && test.llama() != nullptr) {
        const llama_kld_file &a = *base.llama(), &b = *test.llama();
        if (a.header().n_ctx != b.header().n_ctx)
            throw input_error(test.name(), 8, "n_ctx " + std::to_string(a.header().n_ctx) + " (as " + base.name() + ")",
                              std::to_string(b.header().n_ctx));
        for (std::uint64_t i = 0; i < a.header().token_count(); ++i)
            if (a.token_at(i) != b.token_at(i))
                throw input_error(test.name(), llama_kld_header::tokens_offset() + 4 * i,
                                  "token " + std::to_string(a.token_at(i)) + " (as " + base.name() + ")",
                                  std::to_string(b.token_at(i)));
    }
    if (tokens != nullptr) {
        if (base.has_tokens() || test.has_tokens())
            throw usage_error("--tokens is for two .npy inputs: a llama.cpp file carries its own tokens");
        if (tokens->size() != rows)
            throw input_error(tokens->name(), 0, std::to_string(rows) + " tokens (one per row of " + base.name() + ")",
                              std::to_string(tokens->size()));
        tokens->check_range(n);
    }
    const bool have_tokens = tokens != nullptr || base.has_tokens() || test.has_tokens();
    const auto token_of = [&](std::size_t r) -> std::int32_t {
        if (tokens != nullptr) return (*tokens)[r];
        return base.has_tokens() ? base.next_token(r) : test.next_token(r);
    };

    std::vector<std::size_t> ks;
    for (const std::size_t k : options.top_k) ks.push_back(std::min(k, n));
    const std::size_t k_max = std::max<std::size_t>(1, ks.empty() ? 1 : *std::max_element(ks.begin(), ks.end()));

    per_token_values v;
    v.kl.resize(rows);
    v.kl_reverse.resize(rows);
    v.jsd.resize(rows);
    if (have_tokens) {
        v.nll_base.resize(rows);
        v.nll_test.resize(rows);
    }
    v.top_p_base.resize(rows);
    v.sum_error_base.resize(rows);
    v.sum_error_test.resize(rows);
    v.argmax_base.resize(rows);
    v.argmax_test.resize(rows);
    v.top_k_overlap.assign(ks.size(), std::vector<double>(rows));

    const std::size_t chunk = std::max<std::size_t>(1, options.chunk_tokens);
    const std::size_t chunks = (rows + chunk - 1) / chunk;
    std::vector<std::exception_ptr> errors(chunks);
    std::atomic<std::size_t> first_failed{chunks};
    std::atomic<std::size_t> done{0};

    const auto process_row = [&](std::size_t r, scratch& s) {
        const logit_row p = base.row(r, s.base);
        const logit_row q = test.row(r, s.test);
        const std::size_t bad_p = scan_row(p.values, n, k_max, p.has_absent ? p.absent_value : nan_f, s.top_base);
        if (bad_p < n)
            throw input_error(base.name(), base.value_offset(r, bad_p), "a finite or −inf logit (row " + std::to_string(r) + ")",
                              std::isnan(p.values[bad_p]) ? "NaN" : "+inf");
        if (s.top_base.empty())
            throw input_error(base.name(), base.value_offset(r, 0),
                              "a row with a finite logit (row " + std::to_string(r) + ")", "only −inf");
        const std::size_t bad_q = scan_row(q.values, n, k_max, q.has_absent ? q.absent_value : nan_f, s.top_test);
        if (bad_q < n)
            throw input_error(test.name(), test.value_offset(r, bad_q), "a finite or −inf logit (row " + std::to_string(r) + ")",
                              std::isnan(q.values[bad_q]) ? "NaN" : "+inf");
        if (s.top_test.empty())
            throw input_error(test.name(), test.value_offset(r, 0),
                              "a row with a finite logit (row " + std::to_string(r) + ")", "only −inf");

        const double log_zp = log_sum_exp_row(p.values, n, s.top_base.front().value);
        const double log_zq = log_sum_exp_row(q.values, n, s.top_test.front().value);

        // KL(base ‖ test) on base conditioned on test's support (all of it unless test is a
        // quantized row with absent entries), and the reverse likewise.
        constexpr double infinity = std::numeric_limits<double>::infinity();
        if (!q.has_absent) {
            v.kl[r] = kl_row(p.values, q.values, n);
        } else {
            v.kl[r] = condition_on_support(p.values, q, n, s.base_conditioned)
                          ? kl_row(s.base_conditioned.data(), q.values, n)
                          : infinity;
        }
        if (!p.has_absent) {
            v.kl_reverse[r] = kl_row(q.values, p.values, n);
        } else {
            v.kl_reverse[r] = condition_on_support(q.values, p, n, s.test_conditioned)
                                  ? kl_row(s.test_conditioned.data(), p.values, n)
                                  : infinity;
        }
        v.jsd[r] = jsd_row(p.values, q.values, n, log_zp, log_zq);

        if (have_tokens) {
            const auto t = static_cast<std::size_t>(token_of(r));
            // A token below a quantized row's floor has no value: its upper bound, the floor,
            // stands in (as llama.cpp reads code 0).
            const auto log_p_of = [&](const logit_row& x, double log_z) {
                const bool absent = x.has_absent && x.values[t] == x.absent_value;
                return (absent ? double(x.floor_log_prob) : double(x.values[t])) - log_z;
            };
            v.nll_base[r] = -log_p_of(p, log_zp);
            v.nll_test[r] = -log_p_of(q, log_zq);
        }
        v.top_p_base[r] = std::exp(double(s.top_base.front().value) - log_zp);
        // Decoded llama.cpp rows are log-probabilities already: Σp − 1 = e^(log Z) − 1.
        v.sum_error_base[r] = p.quantized ? std::fabs(std::expm1(log_zp)) : 0.0;
        v.sum_error_test[r] = q.quantized ? std::fabs(std::expm1(log_zq)) : 0.0;
        v.argmax_base[r] = s.top_base.front().index;
        v.argmax_test[r] = s.top_test.front().index;
        for (std::size_t j = 0; j < ks.size(); ++j) {
            const std::size_t k = ks[j];
            std::size_t common = 0;
            const std::size_t kb = std::min(k, s.top_base.size()), kt = std::min(k, s.top_test.size());
            for (std::size_t a = 0; a < kb; ++a)
                for (std::size_t b = 0; b < kt; ++b) common += s.top_base[a].index == s.top_test[b].index ? 1 : 0;
            v.top_k_overlap[j][r] = k == 0 ? nan : double(common) / double(k);
        }
    };

    for_each_chunk(chunks, options.threads, [&](std::size_t c) {
        if (c > first_failed.load(std::memory_order_relaxed)) return;  // an earlier chunk failed
        try {
            scratch s(n);
            const std::size_t end = std::min(rows, (c + 1) * chunk);
            for (std::size_t r = c * chunk; r < end; ++r) process_row(r, s);
            const std::size_t now = done.fetch_add(end - c * chunk) + (end - c * chunk);
            if (options.progress && on_first_thread()) options.progress(now, rows);
        } catch (...) {
            errors[c] = std::current_exception();
            std::size_t seen = first_failed.load();
            while (c < seen && !first_failed.compare_exchange_weak(seen, c)) {
            }
        }
    });
    if (first_failed.load() < chunks) std::rethrow_exception(errors[first_failed.load()]);
    if (options.progress) options.progress(rows, rows);
    return v;
}

report summarize_report(const per_token_values& v, const logit_source& base, const logit_source& test,
                        const std::vector<std::size_t>& top_k) {
    report r;
    r.base_name = base.name();
    r.test_name = test.name();
    r.base_description = base.description();
    r.test_description = test.description();
    r.tokens = v.kl.size();
    r.vocabulary = base.vocabulary();
    r.have_tokens = !v.nll_base.empty();
    r.base_quantized = base.llama() != nullptr;
    r.test_quantized = test.llama() != nullptr;
    const std::size_t n = r.tokens;
    const auto count = static_cast<double>(n);

    if (r.have_tokens) {
        r.mean_nll_test = mean_and_uncertainty(v.nll_test);
        r.mean_nll_base = mean_and_uncertainty(v.nll_base);
        const auto exp_of = [](const value_with_uncertainty& x) {
            const double e = std::exp(x.value);
            return value_with_uncertainty{e, e * x.uncertainty};
        };
        r.ppl_test = exp_of(r.mean_nll_test);
        r.ppl_base = exp_of(r.mean_nll_base);
        r.nll_covariance = covariance_of_means(v.nll_test, v.nll_base);
        r.nll_correlation = r.nll_covariance / (r.mean_nll_test.uncertainty * r.mean_nll_base.uncertainty);
        // ln(PPL(Q)/PPL(base)) = mean of the differences; its uncertainty s/√N of the differences
        // equals √(u_Q² + u_base² − 2·cov) without the cancellation.
        std::vector<double> difference(n), delta_p(n), delta_p2(n);
        for (std::size_t t = 0; t < n; ++t) {
            difference[t] = v.nll_test[t] - v.nll_base[t];
            // p_test − p_base = p_base·expm1(nll_base − nll_test): no cancellation when close
            delta_p[t] = std::exp(-v.nll_base[t]) * std::expm1(v.nll_base[t] - v.nll_test[t]);
            delta_p2[t] = delta_p[t] * delta_p[t];
        }
        r.ln_ppl_ratio = mean_and_uncertainty(difference);
        r.ppl_ratio = exp_of(r.ln_ppl_ratio);
        const double ppl_cov = r.ppl_test.value * r.ppl_base.value * r.nll_covariance;
        r.ppl_difference.value = r.ppl_test.value - r.ppl_base.value;
        r.ppl_difference.uncertainty =
            std::sqrt(std::max(0.0, r.ppl_test.uncertainty * r.ppl_test.uncertainty +
                                        r.ppl_base.uncertainty * r.ppl_base.uncertainty - 2 * ppl_cov));
        r.delta_p = summarize(delta_p, delta_p_fractions());
        const value_with_uncertainty mse = mean_and_uncertainty(delta_p2);
        r.rms_delta_p.value = std::sqrt(mse.value);
        r.rms_delta_p.uncertainty = 0.5 / r.rms_delta_p.value * mse.uncertainty;
    }
    r.kld = summarize(v.kl, kld_fractions());
    r.kld_reverse = summarize(v.kl_reverse, kld_fractions());
    r.jsd = summarize(v.jsd, kld_fractions());

    std::size_t same = 0;
    for (std::size_t t = 0; t < n; ++t) same += v.argmax_base[t] == v.argmax_test[t] ? 1 : 0;
    r.same_top_p.value = double(same) / count;
    r.same_top_p.uncertainty = n > 1 ? std::sqrt(r.same_top_p.value * (1 - r.same_top_p.value) / (count - 1)) : nan;

    r.top_k = top_k;
    for (const auto& overlap : v.top_k_overlap) r.top_k_agreement.push_back(mean_and_uncertainty(overlap));

    // Buckets [0, .25), [.25, .5), [.5, .75), [.75, .95), [.95, 1] (a top probability rounded
    // just above 1 belongs to the last).
    static constexpr double edges[] = {0.0, 0.25, 0.5, 0.75, 0.95, 1.0};
    constexpr std::size_t bucket_count = std::size(edges) - 1;
    std::vector<std::vector<double>> members(bucket_count);
    for (std::size_t t = 0; t < n; ++t) {
        std::size_t b = 0;
        while (b + 1 < bucket_count && v.top_p_base[t] >= edges[b + 1]) ++b;
        members[b].push_back(v.kl[t]);
    }
    for (std::size_t b = 0; b < bucket_count; ++b) {
        top_p_bucket bucket;
        bucket.low = edges[b];
        bucket.high = edges[b + 1];
        bucket.count = members[b].size();
        const distribution_summary s = summarize(members[b], {});
        bucket.mean_kld = s.mean.value;
        bucket.median_kld = s.median;
        r.buckets.push_back(bucket);
    }
    for (std::size_t t = 0; t < n; ++t) {
        r.max_sum_error_base = std::max(r.max_sum_error_base, v.sum_error_base[t]);
        r.max_sum_error_test = std::max(r.max_sum_error_test, v.sum_error_test[t]);
    }
    return r;
}

// ---------------------------------------------------------------------------------------------
// Output

namespace {

__attribute__((format(printf, 2, 3))) void append(std::string& out, const char* format, ...) {
    char buffer[512];
    va_list args;
    va_start(args, format);
    const int length = std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    if (length > 0) out.append(buffer, std::min<std::size_t>(static_cast<std::size_t>(length), sizeof buffer - 1));
}

std::string percent_label(double f) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%4.1f%%", 100 * f);
    return buffer;
}

void distribution_block(std::string& out, const distribution_summary& s, const char* name) {
    append(out, "Mean    %s: %10.6f ± %10.6f\n", name, s.mean.value, s.mean.uncertainty);
    append(out, "Maximum %s: %10.6f\n", name, s.maximum);
    for (std::size_t i = 0; i < s.fractions.size(); ++i) {
        if (s.fractions[i] < 0.5 && (i == 0 || s.fractions[i - 1] > 0.5))
            append(out, "Median  %s: %10.6f\n", name, s.median);
        append(out, "%-7s %s: %10.6f\n", percent_label(s.fractions[i]).c_str(), name, s.percentiles[i]);
    }
    append(out, "Minimum %s: %10.6f\n", name, s.minimum);
}

}  // namespace

std::string format_text(const report& r) {
    std::string out;
    append(out, "kld-report: base %s (%s)\n", r.base_name.c_str(), r.base_description.c_str());
    append(out, "            test %s (%s)\n", r.test_name.c_str(), r.test_description.c_str());
    append(out, "%zu tokens, vocabulary %zu. KL is computed exactly (kldiv) on the distributions the rows stand for,\n",
           r.tokens, r.vocabulary);
    out += "decoded and renormalised: every per-token KL is >= 0. llama.cpp does not renormalise the decoded\n"
           "base, so its per-token KL can be slightly negative.\n";
    if (r.base_quantized)
        append(out, "Decoded base rows: max |sum p - 1| = %.3g before renormalising.\n", r.max_sum_error_base);
    if (r.test_quantized)
        append(out, "Decoded test rows: max |sum p - 1| = %.3g before renormalising.\n", r.max_sum_error_test);
    out += "\n";
    if (r.have_tokens) {
        out += "====== Perplexity statistics ======\n";
        append(out, "Mean PPL(Q)                   : %10.6f ± %10.6f\n", r.ppl_test.value, r.ppl_test.uncertainty);
        append(out, "Mean PPL(base)                : %10.6f ± %10.6f\n", r.ppl_base.value, r.ppl_base.uncertainty);
        append(out, "Cor(ln(PPL(Q)), ln(PPL(base))): %6.2f%%\n", 100 * r.nll_correlation);
        append(out, "Mean ln(PPL(Q)/PPL(base))     : %10.6f ± %10.6f\n", r.ln_ppl_ratio.value, r.ln_ppl_ratio.uncertainty);
        append(out, "Mean PPL(Q)/PPL(base)         : %10.6f ± %10.6f\n", r.ppl_ratio.value, r.ppl_ratio.uncertainty);
        append(out, "Mean PPL(Q)-PPL(base)         : %10.6f ± %10.6f\n", r.ppl_difference.value,
               r.ppl_difference.uncertainty);
        out += "\n";
    } else {
        out += "(No tokens: perplexity and Δp statistics need a llama.cpp file or --tokens.)\n\n";
    }
    out += "====== KL divergence statistics ======\n";
    distribution_block(out, r.kld, "KLD");
    out += "\n";
    out += "====== Token probability statistics ======\n";
    if (r.have_tokens) {
        const distribution_summary& d = r.delta_p;
        append(out, "Mean    Δp: %6.3f ± %5.3f %%\n", 100 * d.mean.value, 100 * d.mean.uncertainty);
        append(out, "Maximum Δp: %6.3f%%\n", 100 * d.maximum);
        for (std::size_t i = 0; i < d.fractions.size(); ++i) {
            if (d.fractions[i] < 0.5 && (i == 0 || d.fractions[i - 1] > 0.5))
                append(out, "Median  Δp: %6.3f%%\n", 100 * d.median);
            append(out, "%-7s Δp: %6.3f%%\n", percent_label(d.fractions[i]).c_str(), 100 * d.percentiles[i]);
        }
        append(out, "Minimum Δp: %6.3f%%\n", 100 * d.minimum);
        append(out, "RMS Δp    : %6.3f ± %5.3f %%\n", 100 * r.rms_delta_p.value, 100 * r.rms_delta_p.uncertainty);
    }
    append(out, "Same top p: %6.3f ± %5.3f %%\n", 100 * r.same_top_p.value, 100 * r.same_top_p.uncertainty);
    out += "\n";
    out += "====== Beyond llama.cpp (kld-report) ======\n";
    out += "Reverse KL, KL(Q||base):\n";
    distribution_block(out, r.kld_reverse, "KLD");
    out += "Jensen-Shannon divergence (nats, at most ln 2):\n";
    distribution_block(out, r.jsd, "JSD");
    for (std::size_t j = 0; j < r.top_k.size(); ++j)
        append(out, "Top-%-3zu agreement |top-k(base) ∩ top-k(Q)|/k: %6.3f ± %5.3f %%\n", r.top_k[j],
               100 * r.top_k_agreement[j].value, 100 * r.top_k_agreement[j].uncertainty);
    out += "KLD by the base's top probability:\n";
    for (const top_p_bucket& b : r.buckets)
        append(out, "  p_top in [%.2f, %.2f%s  tokens %8zu  mean KLD %10.6f  median KLD %10.6f\n", b.low, b.high,
               b.high == 1.0 ? "]" : ")", b.count, b.mean_kld, b.median_kld);
    return out;
}

namespace {

std::string json_number(double x) {
    if (std::isnan(x)) return "null";
    if (std::isinf(x)) return x > 0 ? "\"inf\"" : "\"-inf\"";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.17g", x);
    return buffer;
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", u);
            out += buffer;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string json_value(const value_with_uncertainty& x) {
    return "{\"value\": " + json_number(x.value) + ", \"uncertainty\": " + json_number(x.uncertainty) + "}";
}

std::string json_fraction_key(double f) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%g", 100 * f);
    return buffer;
}

std::string json_distribution(const distribution_summary& s) {
    std::string out = "{\"mean\": " + json_number(s.mean.value) + ", \"uncertainty\": " + json_number(s.mean.uncertainty) +
                      ", \"maximum\": " + json_number(s.maximum) + ", \"median\": " + json_number(s.median) +
                      ", \"minimum\": " + json_number(s.minimum) + ", \"percentiles\": {";
    for (std::size_t i = 0; i < s.fractions.size(); ++i)
        out += (i ? ", \"" : "\"") + json_fraction_key(s.fractions[i]) + "\": " + json_number(s.percentiles[i]);
    return out + "}}";
}

}  // namespace

std::string format_json(const report& r) {
    std::string out = "{\n";
    out += "  \"base\": {\"file\": " + json_string(r.base_name) + ", \"format\": " + json_string(r.base_description) +
           ", \"quantized\": " + (r.base_quantized ? "true" : "false") +
           ", \"max_sum_error\": " + (r.base_quantized ? json_number(r.max_sum_error_base) : "null") + "},\n";
    out += "  \"test\": {\"file\": " + json_string(r.test_name) + ", \"format\": " + json_string(r.test_description) +
           ", \"quantized\": " + (r.test_quantized ? "true" : "false") +
           ", \"max_sum_error\": " + (r.test_quantized ? json_number(r.max_sum_error_test) : "null") + "},\n";
    out += "  \"tokens\": " + std::to_string(r.tokens) + ",\n";
    out += "  \"vocabulary\": " + std::to_string(r.vocabulary) + ",\n";
    if (r.have_tokens) {
        out += "  \"perplexity\": {\n";
        out += "    \"ln_ppl_test\": " + json_value(r.mean_nll_test) + ",\n";
        out += "    \"ln_ppl_base\": " + json_value(r.mean_nll_base) + ",\n";
        out += "    \"ppl_test\": " + json_value(r.ppl_test) + ",\n";
        out += "    \"ppl_base\": " + json_value(r.ppl_base) + ",\n";
        out += "    \"ln_ppl_covariance\": " + json_number(r.nll_covariance) + ",\n";
        out += "    \"ln_ppl_correlation\": " + json_number(r.nll_correlation) + ",\n";
        out += "    \"ln_ppl_ratio\": " + json_value(r.ln_ppl_ratio) + ",\n";
        out += "    \"ppl_ratio\": " + json_value(r.ppl_ratio) + ",\n";
        out += "    \"ppl_difference\": " + json_value(r.ppl_difference) + "\n";
        out += "  },\n";
    } else {
        out += "  \"perplexity\": null,\n";
    }
    out += "  \"kld\": " + json_distribution(r.kld) + ",\n";
    out += "  \"delta_p\": " + (r.have_tokens ? json_distribution(r.delta_p) : std::string("null")) + ",\n";
    out += "  \"rms_delta_p\": " + (r.have_tokens ? json_value(r.rms_delta_p) : std::string("null")) + ",\n";
    out += "  \"same_top_p\": " + json_value(r.same_top_p) + ",\n";
    out += "  \"kld_reverse\": " + json_distribution(r.kld_reverse) + ",\n";
    out += "  \"jsd\": " + json_distribution(r.jsd) + ",\n";
    out += "  \"top_k_agreement\": [";
    for (std::size_t j = 0; j < r.top_k.size(); ++j)
        out += std::string(j ? ", " : "") + "{\"k\": " + std::to_string(r.top_k[j]) +
               ", \"value\": " + json_number(r.top_k_agreement[j].value) +
               ", \"uncertainty\": " + json_number(r.top_k_agreement[j].uncertainty) + "}";
    out += "],\n";
    out += "  \"kld_by_base_top_p\": [";
    for (std::size_t b = 0; b < r.buckets.size(); ++b)
        out += std::string(b ? ", " : "") + "{\"low\": " + json_number(r.buckets[b].low) +
               ", \"high\": " + json_number(r.buckets[b].high) + ", \"count\": " + std::to_string(r.buckets[b].count) +
               ", \"mean_kld\": " + json_number(r.buckets[b].mean_kld) +
               ", \"median_kld\": " + json_number(r.buckets[b].median_kld) + "}";
    out += "]\n}\n";
    return out;
}

}  // namespace kld_report
