// The local geometry of KL: for shrinking parameter steps δ, the exact KL(p_θ‖p_θ+δ) against
// ½δᵀF(θ)δ, and the same for other f-divergences with f''(1) = 1 (χ²/2, 4·squared Hellinger,
// 4·Jensen–Shannon): all agree to second order, and part at third.
#include <kldiv/kldiv.hpp>

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

namespace {

using vec = Eigen::VectorXd;

/// D_f(P‖Q) = Σ q f(p/q) over a list of (p, q) masses (exact for a categorical, a quadrature for
/// densities on a grid).
struct divergences {
    double kl = 0, chi2_half = 0, hellinger4 = 0, js4 = 0;
};

divergences from_masses(const std::vector<double>& p, const std::vector<double>& q) {
    const kldiv::f_divergence_estimator<kldiv::f_divergences::chi_squared> chi2;
    const kldiv::f_divergence_estimator<kldiv::f_divergences::squared_hellinger> hellinger;
    const kldiv::f_divergence_estimator<kldiv::f_divergences::jensen_shannon> js;
    const kldiv::f_divergence_estimator<kldiv::f_divergences::kl_pq> kl;
    divergences d;
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (q[i] == 0) continue;
        const double l = std::log(p[i]) - std::log(q[i]);  // r = p/q, samples of q
        d.kl += q[i] * kl(l);
        d.chi2_half += 0.5 * q[i] * chi2(l);
        d.hellinger4 += 4 * q[i] * hellinger(l);
        d.js4 += 4 * q[i] * js(l);
    }
    return d;
}

template <class D>
void table(const char* title, const D& d, const vec& direction, const std::function<divergences(const D&, const D&)>& exact) {
    std::printf("\n%s, direction u = (", title);
    for (Eigen::Index i = 0; i < direction.size(); ++i) std::printf("%s%g", i ? ", " : "", direction[i]);
    std::printf("), δ = t·u\n\n| t | KL | ½δᵀFδ | KL / quad | (χ²/2) / quad | 4H² / quad | 4JS / quad |\n");
    std::printf("|---:|---:|---:|---:|---:|---:|---:|\n");
    const vec theta = kldiv::parameters(d);
    for (const double t : {1e-1, 3e-2, 1e-2, 3e-3, 1e-3}) {
        const vec delta = t * direction;
        const D moved = kldiv::with_parameters(d, vec(theta + delta));
        const double quad = kldiv::kl_quadratic(d, delta);
        const divergences div = exact(d, moved);
        std::printf("| %g | %.6e | %.6e | %.6f | %.6f | %.6f | %.6f |\n", t, div.kl, quad, div.kl / quad,
                    div.chi2_half / quad, div.hellinger4 / quad, div.js4 / quad);
    }
}

/// Masses of a density on a fine grid (midpoint rule) for the f-divergences of continuous pairs.
template <class D>
divergences on_grid(const D& p, const D& q, double low, double high, int cells) {
    std::vector<double> pm(cells), qm(cells);
    const double h = (high - low) / cells;
    for (int i = 0; i < cells; ++i) {
        const double x = low + (i + 0.5) * h;
        pm[i] = std::exp(log_pdf(p, x)) * h;
        qm[i] = std::exp(log_pdf(q, x)) * h;
    }
    divergences d = from_masses(pm, qm);
    d.kl = kldiv::kl_divergence(p, q);  // the closed form for KL itself
    return d;
}

}  // namespace

int main() {
    std::printf("Local geometry of KL (kldiv %s): every f-divergence with f''(1) = 1 equals ½δᵀFδ to second\n"
                "order; the ratios tend to 1 as t → 0 and differ from it by O(t).\n",
                KLDIV_VERSION_STRING);
    const std::vector<double> probs{0.1, 0.2, 0.3, 0.4};
    table<kldiv::categorical<double>>(
        "Categorical(0.1, 0.2, 0.3, 0.4) in (p₁, p₂, p₃)", kldiv::categorical<double>(probs),
        (vec(3) << 0.5, -0.3, 0.4).finished(), [](const auto& p, const auto& q) {
            const auto a = p.probabilities(), b = q.probabilities();
            divergences d = from_masses(std::vector<double>(a.begin(), a.end()), std::vector<double>(b.begin(), b.end()));
            d.kl = kldiv::kl_divergence(p, q);
            return d;
        });
    table<kldiv::normal<double>>("Normal(0, 1) in (mean, stddev)", kldiv::normal<double>(0, 1),
                                 (vec(2) << 1.0, 0.5).finished(),
                                 [](const auto& p, const auto& q) { return on_grid(p, q, -14, 14, 400000); });
    table<kldiv::exponential<double>>("Exponential(2) in (rate)", kldiv::exponential<double>(2),
                                      (vec(1) << 1.0).finished(),
                                      [](const auto& p, const auto& q) { return on_grid(p, q, 0, 40, 800000); });
    table<kldiv::bernoulli<double>>("Bernoulli(0.3) in (p)", kldiv::bernoulli<double>(0.3), (vec(1) << 1.0).finished(),
                                    [](const auto& p, const auto& q) {
                                        divergences d = from_masses({1 - p.p(), p.p()}, {1 - q.p(), q.p()});
                                        d.kl = kldiv::kl_divergence(p, q);
                                        return d;
                                    });
    return 0;
}
