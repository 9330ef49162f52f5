// Distillation losses over logit rows: a teacher and a student over a 32 000-word vocabulary.
// KL both ways, the generalized Jensen–Shannon divergence JSD_β (plain and scaled) for several β,
// top-k KL with its tail bucket beside the full KL and the truncated sum, gradient norms, and the
// difference bf16 storage makes. Every claim printed is checked; the program exits non-zero if
// one fails.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <cstdio>
#include <random>
#include <span>
#include <vector>

#include <kldiv/core/half_precision.hpp>
#include <kldiv/core/logsumexp.hpp>
#include <kldiv/discrete/half_precision_rows.hpp>
#include <kldiv/discrete/js_divergence.hpp>
#include <kldiv/discrete/logits.hpp>
#include <kldiv/discrete/row_gradients.hpp>
#include <kldiv/discrete/topk.hpp>

namespace {

int failures = 0;

void claim(bool holds, const char* what) {
    std::printf("  [%s] %s\n", holds ? "ok" : "FAILED", what);
    if (!holds) ++failures;
}

double norm(const std::vector<float>& v) {
    double total = 0;
    for (const float x : v) total += double(x) * x;
    return std::sqrt(total);
}

}  // namespace

int main() {
    constexpr std::size_t vocabulary = 32000, rows = 4;
    // Teacher logits with a Zipf-like head; the student a noisy copy of them.
    std::mt19937_64 engine(2026);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    std::vector<float> teacher(rows * vocabulary), student(rows * vocabulary);
    for (std::size_t row = 0; row < rows; ++row)
        for (std::size_t i = 0; i < vocabulary; ++i) {
            const float head = -1.5f * std::log(1.0f + static_cast<float>((i * 7919 + row * 104729) % vocabulary));
            teacher[row * vocabulary + i] = 12.0f + head + 0.5f * noise(engine);
            student[row * vocabulary + i] = teacher[row * vocabulary + i] + 0.8f * noise(engine);
        }
    const std::span<const float> p(teacher), q(student);

    std::printf("Teacher P, student Q: %zu rows x %zu words\n\n", rows, vocabulary);
    std::vector<float> forward(rows), reverse(rows);
    kldiv::kl_divergence_rows(p, q, vocabulary, std::span<float>(forward));
    kldiv::kl_divergence_rows(q, p, vocabulary, std::span<float>(reverse));
    std::printf("row  KL(P||Q)    KL(Q||P)\n");
    for (std::size_t row = 0; row < rows; ++row) std::printf("%3zu  %.6f  %.6f\n", row, forward[row], reverse[row]);

    std::printf("\nJSD_beta, M = beta*P + (1-beta)*Q, row 0 (scaled = JSD/(beta(1-beta)))\n");
    std::printf(" beta          JSD_beta      scaled\n");
    kldiv::row_options options;
    std::vector<float> plain(rows), scaled(rows);
    bool bounded = true, ends_zero = true, ends_kl = true, continuous = true;
    for (const double beta : {0.0, 1e-9, 0.1, 0.5, 0.9, 1.0 - 1e-9, 1.0}) {
        options.beta = beta;
        kldiv::js_divergence_rows(p, q, vocabulary, std::span<float>(plain), options);
        kldiv::scaled_js_divergence_rows(p, q, vocabulary, std::span<float>(scaled), options);
        std::printf(" %-12.10g  %.6e  %.6f\n", beta, plain[0], scaled[0]);
        for (std::size_t row = 0; row < rows; ++row) {
            const double binary_entropy =
                (beta > 0 && beta < 1) ? -beta * std::log(beta) - (1 - beta) * std::log1p(-beta) : 0.0;
            bounded = bounded && plain[row] >= 0 && plain[row] <= binary_entropy * (1 + 1e-6);
            if (beta == 0 || beta == 1) ends_zero = ends_zero && plain[row] == 0;
            const float end_kl = beta < 0.5 ? forward[row] : reverse[row];
            if (beta == 0 || beta == 1) ends_kl = ends_kl && std::fabs(scaled[row] - end_kl) <= 1e-6f * end_kl;
            if (beta == 1e-9 || beta == 1.0 - 1e-9)
                continuous = continuous && std::fabs(scaled[row] - end_kl) <= 2e-7f * end_kl;
        }
    }
    claim(bounded, "0 <= JSD_beta <= H(beta) (at beta = 1/2: <= log 2)");
    claim(ends_zero, "JSD_beta = 0 at beta = 0 and beta = 1");
    claim(ends_kl, "scaled JSD = KL(P||Q) at beta = 0 and KL(Q||P) at beta = 1");
    claim(continuous, "scaled JSD at beta within 1e-9 of an end agrees with its KL to float precision (no jump)");

    std::printf("\nTop-k KL with its tail (teacher's top-k stored sparsely) vs the full KL, row 0\n");
    std::printf("   k   tail KL     truncated sum   full KL\n");
    bool never_above = true, non_negative = true, some_truncated_negative = false;
    for (const std::size_t k : {std::size_t(1), std::size_t(8), std::size_t(64)}) {
        // What a distillation pipeline stores: the teacher's k largest log-probs and their indices.
        std::vector<std::int32_t> indices(rows * k);
        std::vector<float> log_probs(rows * k);
        std::vector<float> truncated(rows);
        for (std::size_t row = 0; row < rows; ++row) {
            const auto t = p.subspan(row * vocabulary, vocabulary);
            const auto s = q.subspan(row * vocabulary, vocabulary);
            std::vector<std::pair<float, std::size_t>> order;
            for (std::size_t i = 0; i < vocabulary; ++i) order.emplace_back(t[i], i);
            std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                              [](const auto& x, const auto& y) { return x.first > y.first; });
            const double t_lse = kldiv::log_sum_exp<float>(t), s_lse = kldiv::log_sum_exp<float>(s);
            double sum = 0;
            for (std::size_t j = 0; j < k; ++j) {
                const std::size_t i = order[j].second;
                const double log_p = double(t[i]) - t_lse, log_q = double(s[i]) - s_lse;
                indices[row * k + j] = static_cast<std::int32_t>(i);
                log_probs[row * k + j] = static_cast<float>(log_p);
                sum += std::exp(log_p) * (log_p - log_q);
            }
            truncated[row] = static_cast<float>(sum);
        }
        std::vector<float> tail_kl(rows);
        kldiv::kl_divergence_topk_rows(std::span<const std::int32_t>(indices), std::span<const float>(log_probs), k, q,
                                       vocabulary, std::span<float>(tail_kl));
        std::printf(" %3zu   %.6f    %+.6f       %.6f\n", k, tail_kl[0], truncated[0], forward[0]);
        for (std::size_t row = 0; row < rows; ++row) {
            never_above = never_above && tail_kl[row] <= forward[row] * (1 + 1e-6f);
            non_negative = non_negative && tail_kl[row] >= 0;
            some_truncated_negative = some_truncated_negative || truncated[row] < 0;
        }
    }
    claim(non_negative, "top-k + tail KL >= 0 on every row");
    claim(never_above, "top-k + tail KL <= the full KL on every row (data processing)");
    claim(some_truncated_negative, "the truncated top-k sum is negative somewhere (it is not a KL)");

    std::printf("\nGradients w.r.t. the student's logits (mean over rows), Euclidean norms\n");
    options = {};
    options.reduction = kldiv::row_reduction::mean;
    std::vector<float> loss(1), grad(rows * vocabulary);
    const kldiv::row_gradients<float> student_gradient{{}, grad};
    kldiv::kl_divergence_rows(p, q, vocabulary, std::span<float>(loss), options, student_gradient);
    const double forward_norm = norm(grad);
    std::printf("  forward KL(P||Q)      %.6f  |grad| %.6f\n", loss[0], forward_norm);
    double row_sum = 0;
    for (float g : grad) row_sum += g;
    claim(std::fabs(row_sum) <= 1e-6, "the gradient of a softmax loss sums to 0 over each row's logits");
    options.beta = 0.5;
    kldiv::js_divergence_rows(p, q, vocabulary, std::span<float>(loss), options, student_gradient);
    std::printf("  JSD_1/2               %.6f  |grad| %.6f\n", loss[0], norm(grad));
    options.temperature = 2.0;
    kldiv::kl_divergence_rows(p, q, vocabulary, std::span<float>(loss), options, student_gradient);
    std::printf("  forward KL at tau = 2 %.6f  |grad| %.6f\n", loss[0], norm(grad));

    std::printf("\nbf16 storage: the same rows rounded to bfloat16\n");
    std::vector<kldiv::bfloat16> teacher16, student16;
    for (std::size_t i = 0; i < teacher.size(); ++i) {
        teacher16.emplace_back(teacher[i]);
        student16.emplace_back(student[i]);
    }
    std::vector<float> forward16(rows);
    kldiv::kl_divergence_rows(std::span<const kldiv::bfloat16>(teacher16), std::span<const kldiv::bfloat16>(student16),
                              vocabulary, std::span<float>(forward16));
    double largest_change = 0;
    for (std::size_t row = 0; row < rows; ++row)
        largest_change = std::max(largest_change, std::fabs(double(forward16[row]) - forward[row]) / forward[row]);
    std::printf("  KL(P||Q) row 0: float %.6f, bf16 %.6f; largest relative change %.2e\n", forward[0], forward16[0],
                largest_change);
    // bf16 keeps 8 significant bits: logits near 12 move by up to 2^-5, so the KL moves by a few
    // percent at most here (the computation itself adds nothing: bf16 rows are widened exactly).
    claim(largest_change > 0 && largest_change < 0.1, "bf16 storage changes KL by the storage's rounding only");

    std::printf("\n%s\n", failures == 0 ? "All claims hold." : "Some claims FAILED.");
    return failures == 0 ? 0 : 1;
}
