// The general recipe: for any convex f with f(1) = 0, the per-sample estimator
// f(r) − f'(1)(r − 1) of D_f(p‖q) = E_q[f(r)], r = p/q, with built-ins evaluated in log space.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <numbers>
#include <limits>
#include <span>
#include <utility>

#include "kldiv/core/detail/chunked.hpp"
#include "kldiv/core/error.hpp"
#include "kldiv/core/execution.hpp"
#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/detail/error_free.hpp"
#include "kldiv/core/log1pmx.hpp"
#include "kldiv/core/running_stats.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/estimators/kl_estimates.hpp"

namespace kldiv {

/// A generator of an f-divergence: value(r) = f(r) for r ≥ 0 (convex, f(1) = 0) and
/// derivative(r) = f'(r). Optional members that kldiv uses when present:
/// second_derivative(r) (the local curvature f''(1)), residual(l) (an accurate evaluation of
/// f(eˡ) − f'(1)(eˡ − 1) from the log-ratio l), and `static constexpr bool tangent_corrected`
/// (false for an f not differentiable at 1, such as total variation: then the estimator is
/// f(r) itself).
template <class G>
concept f_generator = requires(const G& g, double r) {
    { g.value(r) } -> std::convertible_to<double>;
    { g.derivative(r) } -> std::convertible_to<double>;
};

/// The built-in generators. D_f(p‖q) = E_q[f(p/q)]; every one is evaluated from l = log r
/// without cancellation near r = 1 (≤ 4 ulp relative in double unless stated).
/// Special values of every built-in's estimate f(eˡ) − f'(1)(eˡ − 1): ≥ 0 and never NaN for a
/// non-NaN l; l = 0 gives 0; l = +inf, and any l where the estimate overflows, gives +inf;
/// l = −inf (p = 0 at the sample) gives the limit f(0) + f'(1): 1 for kl_pq and chi_squared,
/// +inf for kl_qp, ½ for squared_hellinger and total_variation, ½ln 2 for jensen_shannon, 1/α
/// (α > 0) or +inf (α < 0) for alpha_divergence; NaN gives NaN (tested in hostile_input_tests).
namespace f_divergences {

/// KL[p‖q]: f(r) = r·log r. Estimator r·l − (r − 1) (rlogr_residual), unbiased, ≥ 0.
struct kl_pq {
    static double value(double r) noexcept { return r == 0 ? 0.0 : r * std::log(r); }
    static double derivative(double r) noexcept { return std::log(r) + 1; }
    static double second_derivative(double r) noexcept { return 1 / r; }
    static double residual(double l) noexcept { return rlogr_residual(l); }
};

/// KL[q‖p]: f(r) = −log r. Estimator eˡ − 1 − l = k3 (expm1mx), unbiased, ≥ 0.
struct kl_qp {
    static double value(double r) noexcept { return -std::log(r); }
    static double derivative(double r) noexcept { return -1 / r; }
    static double second_derivative(double r) noexcept { return 1 / (r * r); }
    static double residual(double l) noexcept { return expm1mx(l); }
};

/// Pearson χ²(p‖q): f(r) = (r − 1)². f'(1) = 0, so the estimator is (eˡ − 1)² = expm1(l)².
struct chi_squared {
    static double value(double r) noexcept { return (r - 1) * (r - 1); }
    static double derivative(double r) noexcept { return 2 * (r - 1); }
    static double second_derivative(double) noexcept { return 2; }
    static double residual(double l) noexcept {
        const double e = std::expm1(l);
        return e * e;
    }
};

/// Squared Hellinger distance H² = ½∫(√p − √q)²: f(r) = ½(√r − 1)², f''(1) = ¼.
/// Estimator ½·expm1(l/2)².
struct squared_hellinger {
    static double value(double r) noexcept { return 0.5 * (std::sqrt(r) - 1) * (std::sqrt(r) - 1); }
    static double derivative(double r) noexcept { return 0.5 * (1 - 1 / std::sqrt(r)); }
    static double second_derivative(double r) noexcept { return 0.25 / (r * std::sqrt(r)); }
    static double residual(double l) noexcept {
        const double e = std::expm1(0.5 * l);
        return 0.5 * e * e;
    }
};

/// Jensen–Shannon divergence ½KL(p‖m) + ½KL(q‖m), m = (p + q)/2, in nats:
/// f(r) = ½[r·log(2r/(r + 1)) + log(2/(r + 1))], f'(1) = 0, f''(1) = ¼, bounded by log 2.
/// With s = tanh(l/2) = (r − 1)/(r + 1): f = ½[(r − 1)s + r·log1pmx(s) + log1pmx(−s)], a
/// cancellation of at most a factor 2; for |l| > 20 the asymptotic forms are exact to rounding.
/// At l = −inf (p = 0 at the sample) the estimate is ½ln 2; at l = +inf, and wherever
/// ½eˡ·ln 2 overflows (l > 709), +inf.
struct jensen_shannon {
    static double value(double r) noexcept {
        if (r == 0) return 0.5 * std::numbers::ln2;
        return 0.5 * (r * std::log(2 * r / (r + 1)) + std::log(2 / (r + 1)));
    }
    static double derivative(double r) noexcept { return 0.5 * std::log(2 * r / (r + 1)); }
    static double second_derivative(double r) noexcept { return 0.5 * (1 / r - 1 / (r + 1)); }
    static double residual(double l) noexcept {
        constexpr double ln2 = std::numbers::ln2;
        if (l > 20) {  // r = eˡ huge: log(2r/(r+1)) = ln2 − log1p(e⁻ˡ), log(2/(r+1)) = ln2 − l − log1p(e⁻ˡ)
            if (l > 709) return std::numeric_limits<double>::infinity();  // r·(ln2 − tail) overflows; l = +inf too
            const double tail = std::log1p(std::exp(-l));
            return 0.5 * (std::exp(l) * (ln2 - tail) + (ln2 - l - tail));
        }
        if (l < -20) {  // r tiny: log(2r/(r+1)) = l + ln2 − log1p(r), log(2/(r+1)) = ln2 − log1p(r)
            const double r = std::exp(l), tail = std::log1p(r);
            if (r == 0) return 0.5 * ln2;  // l ≤ −745 or −inf: the limit f(0) = ½ln2 (no 0·(−inf))
            return 0.5 * (r * (l + ln2 - tail) + (ln2 - tail));
        }
        const double s = std::tanh(0.5 * l), r = std::exp(l);
        return 0.5 * ((std::expm1(l) * s + r * log1pmx(s)) + log1pmx(-s));
    }
};

/// Total variation ½∫|p − q|: f(r) = ½|r − 1|. Not differentiable at 1, so no tangent
/// correction: the estimator is ½|eˡ − 1| itself (unbiased, ≥ 0).
struct total_variation {
    static constexpr bool tangent_corrected = false;
    static double value(double r) noexcept { return 0.5 * std::fabs(r - 1); }
    static double derivative(double r) noexcept { return r > 1 ? 0.5 : (r < 1 ? -0.5 : 0.0); }
    static double residual(double l) noexcept { return 0.5 * std::fabs(std::expm1(l)); }
};

/// Amari's α-divergence: f(r) = (r^α − α·r + α − 1)/(α(α − 1)), f'(1) = 0, f''(1) = 1
/// (α → 1 gives KL[p‖q], α → 0 gives KL[q‖p]; α = ½ is 4× squared Hellinger).
/// Estimator [φ(α·l) − α·φ(l)]/(α(α − 1)) with φ = expm1mx (expm1 differences for |l| ≥ 2.5):
/// ≤ 16 ulp relative for |α(α − 1)| ≳ 0.25; the cancellation grows like 1/|α(α − 1)| as α → 0, 1.
/// Never NaN for a non-NaN l: where e^(α·l) or eˡ overflows (α·l ≳ 709.8, l = ±inf) the
/// estimate is +inf; l = −inf gives the limit 1/α for α > 0 and +inf for α < 0.
/// Throws kldiv::domain_error for α = 0, α = 1 (use kl_qp / kl_pq) or non-finite α.
struct alpha_divergence {
    double alpha;
    explicit alpha_divergence(double a) : alpha(a) {
        if (!std::isfinite(a) || a == 0.0 || a == 1.0)
            detail::fail("alpha_divergence", "alpha must be finite and not 0 or 1 (use kl_qp or kl_pq)", a);
    }
    double value(double r) const noexcept {
        return (std::pow(r, alpha) - alpha * r + alpha - 1) / (alpha * (alpha - 1));
    }
    double derivative(double r) const noexcept { return (std::pow(r, alpha - 1) - 1) / (alpha - 1); }
    double second_derivative(double r) const noexcept { return std::pow(r, alpha - 2); }
    double residual(double l) const noexcept {
        // Near 0 the ±α·l terms cancel exactly inside φ; far out, expm1(αl) − α·expm1(l) avoids
        // subtracting two large φ values that differ by (α − 1)-ish.
        // α·l is carried exactly (hi + lo): its rounding would cost |α·l|·ε relative in e^(αl).
        const auto al = detail::two_product(alpha, l);
        // lo only where it is finite and its factor is too (α·l near the overflow threshold or
        // beyond it makes lo ±inf/NaN or e^(α·l) infinite: a correction of 0·inf must not be NaN).
        const auto correction = [&](double factor) { return (al.lo == 0 || !std::isfinite(factor) || !std::isfinite(al.lo)) ? 0.0 : factor * al.lo; };
        const double numerator = std::fabs(l) < 2.5
                                     ? (expm1mx(al.hi) + correction(std::expm1(al.hi))) - alpha * expm1mx(l)
                                     : (std::expm1(al.hi) + correction(std::exp(al.hi))) - alpha * std::expm1(l);
        const double value = numerator / (alpha * (alpha - 1));
        // The estimate is ≥ 0; it is non-finite only when e^(α·l) or eˡ overflows (or α(α − 1)
        // does), and then the true value is beyond the double range: +inf, never NaN.
        if (std::isfinite(value)) return value > 0 ? value : 0.0;
        return std::isnan(l) ? l : std::numeric_limits<double>::infinity();
    }
};

}  // namespace f_divergences

/// The general recipe as an estimator: for samples x ~ q with l = log p(x) − log q(x),
/// operator()(l) = f(eˡ) − f'(1)(eˡ − 1) ≥ 0 is unbiased for D_f(p‖q) and never negative (the
/// tangent of a convex f lies below it). Built-ins use their log-space residual(l); a
/// user-defined generator without one is evaluated as written (it cancels near r = 1 — give
/// it a residual(l) for accuracy there). Generators marked tangent_corrected = false (total
/// variation) use f(r) itself.
template <f_generator G>
class f_divergence_estimator {
public:
    explicit f_divergence_estimator(G generator = G{}) : generator_(std::move(generator)) {}

    /// The per-sample estimate from a log-ratio l = log p − log q.
    [[nodiscard]] double operator()(double l) const noexcept {
        if constexpr (requires { generator_.residual(l); }) {
            return generator_.residual(l);
        } else {
            const double r = std::exp(l);
            if (!tangent_corrected()) return generator_.value(r);
            return generator_.value(r) - generator_.derivative(1.0) * std::expm1(l);
        }
    }

    /// The plain estimator f(eˡ), without the control variate (for comparison: also unbiased,
    /// but it can be negative and has more variance).
    [[nodiscard]] double plain(double l) const noexcept { return generator_.value(std::exp(l)); }

    /// Whether the tangent correction −f'(1)(r − 1) is applied.
    [[nodiscard]] static constexpr bool tangent_corrected() noexcept {
        if constexpr (requires { G::tangent_corrected; })
            return G::tangent_corrected;
        else
            return true;
    }

    /// f''(1): every f-divergence with f''(1) = 1 agrees with KL to second order,
    /// D_f(p_θ‖p_θ+δ) ≈ (f''(1)/2)·δᵀFδ. NaN when the generator has no second_derivative.
    [[nodiscard]] double curvature_at_one() const noexcept {
        if constexpr (requires { generator_.second_derivative(1.0); })
            return generator_.second_derivative(1.0);
        else
            return std::numeric_limits<double>::quiet_NaN();
    }

    /// Mean, variance and standard error of the estimator over samples x ~ q given as log-densities.
    /// Special values per sample as operator() (NaN log-densities give NaN statistics).
    /// Throws kldiv::domain_error if the sizes differ or the inputs are empty (no samples: no
    /// estimate, as kl_estimates).
    template <real_vector Q, real_vector P>
    [[nodiscard]] running_stats estimate(const Q& log_q, const P& log_p) const {
        const auto q = as_span(log_q);
        const auto p = as_span(log_p);
        detail::check_same_size("f_divergence_estimator::estimate", q.size(), p.size());
        if (q.empty()) detail::fail("f_divergence_estimator::estimate", "log_q and log_p are empty: no samples, no estimate");
        running_stats stats;
        for (std::size_t i = 0; i < q.size(); ++i)
            stats.push((*this)(static_cast<double>(p[i]) - static_cast<double>(q[i])));
        return stats;
    }

    /// estimate with an execution policy: `est.estimate(kldiv::par, log_q, log_p)`. Samples are
    /// cut into chunks of kl_estimates_chunk_size (2¹⁶) by index, each pushed one by one as
    /// estimate does, and the chunk statistics merged in chunk order: the same bits for
    /// kldiv::seq and every thread count (the policy-free estimate, one stream of pushes, agrees
    /// to rounding). Accuracy as the generator's residual; errors as estimate.
    template <execution_policy E, real_vector Q, real_vector P>
    [[nodiscard]] running_stats estimate(const E& policy, const Q& log_q, const P& log_p) const {
        const auto q = as_span(log_q);
        const auto p = as_span(log_p);
        detail::check_same_size("f_divergence_estimator::estimate", q.size(), p.size());
        if (q.empty()) detail::fail("f_divergence_estimator::estimate", "log_q and log_p are empty: no samples, no estimate");
        running_stats stats;
        detail::ordered_chunks(
            policy, detail::chunk_count(q.size(), kl_estimates_chunk_size), q.size(),
            [&](std::size_t c) noexcept {
                const std::size_t begin = c * kl_estimates_chunk_size;
                const std::size_t end = std::min(q.size(), begin + kl_estimates_chunk_size);
                running_stats chunk;
                for (std::size_t i = begin; i < end; ++i)
                    chunk.push((*this)(static_cast<double>(p[i]) - static_cast<double>(q[i])));
                return chunk;
            },
            [&](const running_stats& chunk) noexcept { stats.merge(chunk); });
        return stats;
    }

    [[nodiscard]] const G& generator() const noexcept { return generator_; }

private:
    G generator_;
};

}  // namespace kldiv
