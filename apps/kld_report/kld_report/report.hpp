// kld-report's computation: per-token quantities from two inputs (rows in parallel chunks, each
// token's values written to its own slot), then the statistics in token order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "logit_source.hpp"
#include "statistics.hpp"

namespace kld_report {

/// How to run.
struct report_options {
    unsigned threads = 0;            ///< 0: every core
    std::size_t chunk_tokens = 16;   ///< rows per work item
    std::vector<std::size_t> top_k{1, 5, 10};
    /// Called now and then with (tokens done, total), from one thread at a time; may be empty.
    std::function<void(std::size_t, std::size_t)> progress;
};

/// The per-token quantities, in token order. KL values in nats.
struct per_token_values {
    std::vector<double> kl;             ///< KL(base ‖ test), exact on the (renormalised, decoded) rows
    std::vector<double> kl_reverse;     ///< KL(test ‖ base)
    std::vector<double> jsd;            ///< Jensen–Shannon divergence
    std::vector<double> nll_base;       ///< −log p_base(actual token) (empty without tokens)
    std::vector<double> nll_test;       ///< −log p_test(actual token)
    std::vector<double> top_p_base;     ///< the base's largest probability
    std::vector<double> sum_error_base; ///< |Σp − 1| of a decoded llama.cpp row before renormalising (else 0)
    std::vector<double> sum_error_test;
    std::vector<std::int32_t> argmax_base, argmax_test;  ///< lowest index among ties
    std::vector<std::vector<double>> top_k_overlap;      ///< per --top-k: |top-k(base) ∩ top-k(test)|/k
};

/// Checks that base and test (and tokens, if given) describe the same tokens and vocabulary,
/// then computes every per-token value. Throws input_error (mismatch, NaN or +inf logits, a
/// row of only −inf, a bad record) naming the file and byte offset; the lowest bad offset
/// in token order wins, whatever the thread count.
[[nodiscard]] per_token_values compute_per_token(const logit_source& base, const logit_source& test,
                                                 const token_source* tokens, const report_options& options);

/// One bucket of tokens by the base's top probability.
struct top_p_bucket {
    double low = 0, high = 0;  ///< [low, high), the last one [0.95, 1]
    std::size_t count = 0;
    double mean_kld = 0, median_kld = 0;  ///< NaN when empty
};

/// Every number kld-report prints.
struct report {
    std::string base_name, test_name, base_description, test_description;
    std::size_t tokens = 0, vocabulary = 0;
    bool have_tokens = false, base_quantized = false, test_quantized = false;

    // llama.cpp's "Perplexity statistics" (with tokens)
    value_with_uncertainty mean_nll_test, mean_nll_base;  ///< ln PPL(Q), ln PPL(base)
    value_with_uncertainty ppl_test, ppl_base;
    double nll_covariance = 0;   ///< covariance of the two mean NLLs
    double nll_correlation = 0;  ///< Cor(ln PPL(Q), ln PPL(base))
    value_with_uncertainty ln_ppl_ratio, ppl_ratio, ppl_difference;

    // "KL divergence statistics"
    distribution_summary kld;
    // "Token probability statistics" (with tokens)
    distribution_summary delta_p;
    value_with_uncertainty rms_delta_p;
    value_with_uncertainty same_top_p;

    // beyond llama.cpp
    distribution_summary kld_reverse, jsd;
    std::vector<std::size_t> top_k;
    std::vector<value_with_uncertainty> top_k_agreement;
    std::vector<top_p_bucket> buckets;
    double max_sum_error_base = 0, max_sum_error_test = 0;
};

/// The percentiles llama.cpp prints for KLD (and kld-report for reverse KL and JSD) and for Δp.
[[nodiscard]] const std::vector<double>& kld_fractions();
[[nodiscard]] const std::vector<double>& delta_p_fractions();

/// The statistics of per-token values, in token order.
[[nodiscard]] report summarize_report(const per_token_values& values, const logit_source& base,
                                      const logit_source& test, const std::vector<std::size_t>& top_k);

/// The text report (llama.cpp's blocks, then kld-report's own).
[[nodiscard]] std::string format_text(const report& r);
/// Every number of the report as JSON, full precision (%.17g); null for an undefined value,
/// "inf"/"-inf" for infinities.
[[nodiscard]] std::string format_json(const report& r);

}  // namespace kld_report
