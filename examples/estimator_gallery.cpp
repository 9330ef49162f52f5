// A gallery of KL estimators on several pairs: for each, samples x ~ q, and the bias and spread
// of k1, k2, k3 (for KL[q‖p]) and the reverse estimator (for KL[p‖q]) against the exact values,
// including the pair where heavy-tailed ratios break the ratio-based estimators.
#include <kldiv/kldiv.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

/// Draws n samples from q, evaluates both log-densities and prints one row per estimator.
template <class Q, class P>
void show(const std::string& title, const Q& q, const P& p, std::size_t n, std::uint64_t seed) {
    kldiv::random_engine engine(seed);
    std::vector<double> x(n), log_q(n), log_p(n);
    sample(q, engine, std::span<double>(x));
    log_pdf(q, std::span<const double>(x), std::span<double>(log_q));
    log_pdf(p, std::span<const double>(x), std::span<double>(log_p));
    const auto e = kldiv::kl_estimates(log_q, log_p);
    const double kl_qp = kldiv::kl_divergence(q, p), kl_pq = kldiv::kl_divergence(p, q);
    std::printf("\n%s — KL[q‖p] = %.6g, KL[p‖q] = %.6g, %zu samples from q\n\n", title.c_str(), kl_qp, kl_pq, n);
    std::printf("| estimator | target | mean | (mean − exact)/SE | std / exact |\n|---|---|---:|---:|---:|\n");
    const auto row = [](const char* name, const char* target, const kldiv::running_stats& s, double exact) {
        std::printf("| %s | %s | %.6g | %+.2f | %.3g |\n", name, target, s.mean(), (s.mean() - exact) / s.standard_error(),
                    s.stddev() / exact);
    };
    row("k1", "KL[q‖p]", e.k1, kl_qp);
    row("k2", "KL[q‖p]", e.k2, kl_qp);
    row("k3", "KL[q‖p]", e.k3, kl_qp);
    row("reverse", "KL[p‖q]", e.reverse, kl_pq);
}

/// The categorical case from logits: exact KL over the vocabulary, and the estimators from
/// sampled tokens (the RL setting: per-token KL penalties).
void show_categorical(std::size_t n, std::uint64_t seed) {
    const std::vector<double> policy_logits{2.0, 1.0, 0.5, 0.0, -1.0, -3.0};
    const std::vector<double> reference_logits{1.5, 1.2, 0.0, 0.3, -0.5, -2.0};
    const double kl_qp = kldiv::kl_divergence(kldiv::logits(policy_logits), kldiv::logits(reference_logits));
    const double kl_pq = kldiv::kl_divergence(kldiv::logits(reference_logits), kldiv::logits(policy_logits));
    const double lse_q = kldiv::log_sum_exp(std::span<const double>(policy_logits));
    const double lse_p = kldiv::log_sum_exp(std::span<const double>(reference_logits));
    std::vector<double> cumulative;
    double total = 0;
    for (double v : policy_logits) cumulative.push_back(total += std::exp(v - lse_q));
    kldiv::random_engine engine(seed);
    std::vector<double> log_q(n), log_p(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double u = kldiv::uniform01(engine) * total;
        std::size_t token = 0;
        while (token + 1 < cumulative.size() && u >= cumulative[token]) ++token;
        log_q[i] = policy_logits[token] - lse_q;
        log_p[i] = reference_logits[token] - lse_p;
    }
    const auto e = kldiv::kl_estimates(log_q, log_p);
    std::printf("\nCategorical policy q vs reference p (6 tokens, from logits) — exact KL[q‖p] = %.6g, "
                "KL[p‖q] = %.6g\n\n",
                kl_qp, kl_pq);
    std::printf("| estimator | target | mean | (mean − exact)/SE | std / exact |\n|---|---|---:|---:|---:|\n");
    std::printf("| k1 | KL[q‖p] | %.6g | %+.2f | %.3g |\n", e.k1.mean(), (e.k1.mean() - kl_qp) / e.k1.standard_error(),
                e.k1.stddev() / kl_qp);
    std::printf("| k2 | KL[q‖p] | %.6g | %+.2f | %.3g |\n", e.k2.mean(), (e.k2.mean() - kl_qp) / e.k2.standard_error(),
                e.k2.stddev() / kl_qp);
    std::printf("| k3 | KL[q‖p] | %.6g | %+.2f | %.3g |\n", e.k3.mean(), (e.k3.mean() - kl_qp) / e.k3.standard_error(),
                e.k3.stddev() / kl_qp);
    std::printf("| reverse | KL[p‖q] | %.6g | %+.2f | %.3g |\n", e.reverse.mean(),
                (e.reverse.mean() - kl_pq) / e.reverse.standard_error(), e.reverse.stddev() / kl_pq);
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t n = argc > 1 ? std::stoul(argv[1]) : 1000000;
    std::printf("KL estimator gallery (kldiv %s). Unbiased estimators should show |(mean − exact)/SE| of a\n"
                "few units at most; k2 is biased by design.\n",
                KLDIV_VERSION_STRING);
    show("q = Laplace(0, 1), p = N(0, 1.5²)", kldiv::laplace<double>(0, 1), kldiv::normal<double>(0, 1.5), n, 1);
    show("q = Exponential(1), p = Exponential(1.3)", kldiv::exponential<double>(1), kldiv::exponential<double>(1.3), n,
         2);
    show("q = Gamma(2, 1.5), p = Exponential(1)", kldiv::gamma<double>(2, 1.5), kldiv::exponential<double>(1), n, 6);
    show("q = Uniform(0, 1), p = Exponential(2)", kldiv::uniform<double>(0, 1), kldiv::exponential<double>(2), n, 3);
    show_categorical(n, 4);
    show("heavy tails: q = N(0, 1), p = Laplace(0, 1)", kldiv::normal<double>(0, 1), kldiv::laplace<double>(0, 1), n,
         5);
    std::printf("\nUniform vs Exponential: p puts mass outside q's support [0, 1], so E_q[r] = P_p([0, 1]) < 1\n"
                "and the control variate r − 1 of k3 (and of the reverse estimator) no longer has mean 0:\n"
                "both are biased, and KL[p‖q] = inf cannot be estimated from samples of q at all. k1 is\n"
                "unbiased whenever KL[q‖p] is finite.\n");
    std::printf("\nIn the last table r = p/q grows like e^(x²/2 − |x|) in the tails: the ratio-based k3 and\n"
                "reverse estimators have a heavy right tail (huge std/exact, slow convergence), while\n"
                "k1 = −ℓ stays well behaved. Use k1 when r can be heavy-tailed; k3 when q ≈ p.\n");
    return 0;
}
