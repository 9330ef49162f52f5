// A tour of kldiv's numerics core: why KL code needs the exp residual φ(x) = eˣ − 1 − x and the
// log residual, printed beside the naive forms that lose every digit (reference/figures.md).
#include <kldiv/kldiv.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

namespace {

// Exact KL between two Bernoulli distributions, written as a sum of non-negative residuals:
// KL = p·ψ((q − p)/p) + (1 − p)·ψ((p − q)/(1 − p)), ψ(t) = t − log1p(t) = −log1pmx(t).
double bernoulli_kl(double p, double q) {
    return -p * kldiv::log1pmx((q - p) / p) - (1.0 - p) * kldiv::log1pmx((p - q) / (1.0 - p));
}

double bernoulli_kl_naive(double p, double q) {
    return p * std::log(p / q) + (1.0 - p) * std::log((1.0 - p) / (1.0 - q));
}

}  // namespace

int main() {
    std::printf("kldiv %s — numerics tour\n\n", KLDIV_VERSION_STRING);

    std::printf("k3 for one sample, φ(ℓ) = e^ℓ − 1 − ℓ, in float:\n");
    std::printf("| ℓ | exp(ℓ) − 1 − ℓ | expm1(ℓ) − ℓ | kldiv::expm1mx |\n|---|---|---|---|\n");
    for (float l : {1e-2f, 1e-4f, 1e-6f, -1e-6f, 1e-8f}) {
        volatile float v = l;  // keep the compiler from folding the naive forms
        std::printf("| %g | %.8g | %.8g | %.8g |\n", double(l), double(std::exp(v) - 1.0f - v),
                    double(std::expm1(v) - v), double(kldiv::expm1mx(l)));
    }

    std::printf("\nKL between Bernoulli(p) and Bernoulli(p + δ), p = 0.3 (truth ≈ δ²/(2p(1−p))):\n");
    std::printf("| δ | textbook Σ p log(p/q) | residual form | δ²/(2p(1−p)) |\n|---|---|---|---|\n");
    for (double delta : {1e-2, 1e-5, 1e-8, 1e-10}) {
        const double p = 0.3, q = p + delta;
        std::printf("| %g | %.6e | %.6e | %.6e |\n", delta, bernoulli_kl_naive(p, q), bernoulli_kl(p, q),
                    delta * delta / (2 * p * (1 - p)));
    }

    std::printf("\nThe reverse-direction residual r·ℓ − (r − 1), r = e^ℓ:\n");
    for (double l : {-50.0, -1.0, 1e-9, 1.0, 50.0})
        std::printf("  ℓ = %6g  →  %.17g\n", l, kldiv::rlogr_residual(l));

    const std::vector<double> logits{1000.0, 999.0, -1e300};
    std::printf("\nlog Σ exp over {1000, 999, −1e300} = %.17g (no overflow)\n",
                kldiv::log_sum_exp(std::span<const double>(logits)));
    return 0;
}
