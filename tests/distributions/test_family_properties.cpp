// The properties every family shares, one template-list test over all of them: KL(p‖p) = 0,
// KL(p‖q) ≥ 0, the closed form within 5 standard errors of a Monte Carlo estimate, the
// cross-entropy H(p, q) = H(p) + KL(p‖q) against −E_p[log q(x)] by sampling (an independent
// route: log_pdf of q at draws of p, not the closed forms), and bad parameters in each argument
// rejected with a kldiv::domain_error that names the constructor and the value.
// A new family gets one `*_case` struct below and a place in `families`.
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "kldiv/distributions.hpp"
#include "kldiv/divergence.hpp"
#include "kldiv/random/engine.hpp"
#include "support/catch.hpp"
#include "support/closed_form_checks.hpp"

namespace {

using kldiv::test::inf;
using kldiv::test::nan_value;

using engine_type = kldiv::random_engine;

/// A factor near 1: q's parameters are p's moved by a few percent, so that KL is moderate and
/// the Monte Carlo estimates have small, reliable standard errors.
double nearby(engine_type& engine, double spread = 0.15) {
    return std::exp(spread * (2 * kldiv::uniform01(engine) - 1));
}
double between(engine_type& engine, double low, double high) {
    return low + (high - low) * kldiv::uniform01(engine);
}

/// One call that must be rejected: which constructor, the value's text as the message prints it.
struct rejection {
    std::string constructor;
    std::string value_text;
    std::function<void()> construct;
};

// Scalar families: draw(d, engine) and log_density(d, x) go through sample and log_pdf.
struct scalar_values {
    template <class D>
    static double draw(const D& d, engine_type& engine) {
        return static_cast<double>(sample(d, engine));
    }
    template <class D>
    static double log_density(const D& d, double x) {
        return static_cast<double>(log_pdf(d, static_cast<typename D::value_type>(x)));
    }
    static constexpr bool monte_carlo_fallback = true;
};

struct normal_case : scalar_values {
    using type = kldiv::normal<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double m = between(e, -3, 3), s = between(e, 0.2, 5);
        return {type(m, s), type(m + 0.1 * s * between(e, -1, 1), s * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"normal", "nan", [] { (void)type(nan_value, 1.0); }},  {"normal", "inf", [] { (void)type(inf, 1.0); }},
                {"normal", "-inf", [] { (void)type(-inf, 1.0); }},      {"normal", "nan", [] { (void)type(0.0, nan_value); }},
                {"normal", "inf", [] { (void)type(0.0, inf); }},        {"normal", "0", [] { (void)type(0.0, 0.0); }},
                {"normal", "-1", [] { (void)type(0.0, -1.0); }}};
    }
};

struct exponential_case : scalar_values {
    using type = kldiv::exponential<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double r = between(e, 0.1, 10);
        return {type(r), type(r * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"exponential", "nan", [] { (void)type(nan_value); }},
                {"exponential", "inf", [] { (void)type(inf); }},
                {"exponential", "0", [] { (void)type(0.0); }},
                {"exponential", "-2", [] { (void)type(-2.0); }}};
    }
};

struct laplace_case : scalar_values {
    using type = kldiv::laplace<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double m = between(e, -3, 3), b = between(e, 0.2, 5);
        return {type(m, b), type(m + 0.1 * b * between(e, -1, 1), b * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"laplace", "nan", [] { (void)type(nan_value, 1.0); }}, {"laplace", "-inf", [] { (void)type(-inf, 1.0); }},
                {"laplace", "nan", [] { (void)type(0.0, nan_value); }}, {"laplace", "inf", [] { (void)type(0.0, inf); }},
                {"laplace", "0", [] { (void)type(0.0, 0.0); }},         {"laplace", "-3", [] { (void)type(0.0, -3.0); }}};
    }
};

struct uniform_case : scalar_values {
    using type = kldiv::uniform<double>;
    static std::pair<type, type> pair(engine_type& e) {  // q's interval contains p's: a finite KL
        const double a = between(e, -3, 3), w = between(e, 0.5, 4);
        return {type(a, a + w), type(a - 0.1 * w * kldiv::uniform01(e), a + w * nearby(e, 0.1) + 0.1 * w)};
    }
    static std::vector<rejection> rejections() {
        return {{"uniform", "nan", [] { (void)type(nan_value, 1.0); }}, {"uniform", "-inf", [] { (void)type(-inf, 1.0); }},
                {"uniform", "nan", [] { (void)type(0.0, nan_value); }}, {"uniform", "inf", [] { (void)type(0.0, inf); }},
                {"uniform", "1", [] { (void)type(1.0, 1.0); }},         {"uniform", "2", [] { (void)type(2.0, 1.0); }}};
    }
};

struct log_normal_case : scalar_values {
    using type = kldiv::log_normal<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double m = between(e, -1, 1), s = between(e, 0.2, 1);
        return {type(m, s), type(m + 0.1 * s * between(e, -1, 1), s * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"log_normal", "nan", [] { (void)type(nan_value, 1.0); }},
                {"log_normal", "inf", [] { (void)type(inf, 1.0); }},
                {"log_normal", "nan", [] { (void)type(0.0, nan_value); }},
                {"log_normal", "0", [] { (void)type(0.0, 0.0); }},
                {"log_normal", "-1", [] { (void)type(0.0, -1.0); }}};
    }
};

struct half_normal_case : scalar_values {
    using type = kldiv::half_normal<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double s = between(e, 0.2, 5);
        return {type(s), type(s * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"half_normal", "nan", [] { (void)type(nan_value); }},
                {"half_normal", "inf", [] { (void)type(inf); }},
                {"half_normal", "0", [] { (void)type(0.0); }},
                {"half_normal", "-1", [] { (void)type(-1.0); }}};
    }
};

struct cauchy_case : scalar_values {
    using type = kldiv::cauchy<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double m = between(e, -3, 3), s = between(e, 0.2, 5);
        return {type(m, s), type(m + 0.1 * s * between(e, -1, 1), s * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"cauchy", "nan", [] { (void)type(nan_value, 1.0); }}, {"cauchy", "inf", [] { (void)type(inf, 1.0); }},
                {"cauchy", "nan", [] { (void)type(0.0, nan_value); }}, {"cauchy", "0", [] { (void)type(0.0, 0.0); }},
                {"cauchy", "-1", [] { (void)type(0.0, -1.0); }}};
    }
};

struct pareto_case : scalar_values {
    using type = kldiv::pareto<double>;
    static std::pair<type, type> pair(engine_type& e) {  // p's scale ≥ q's: a finite KL
        const double s = between(e, 0.5, 3), a = between(e, 2.5, 6);
        return {type(s, a), type(s / nearby(e, 0.1) * std::exp(-0.1), a * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"pareto", "nan", [] { (void)type(nan_value, 1.0); }}, {"pareto", "inf", [] { (void)type(inf, 1.0); }},
                {"pareto", "0", [] { (void)type(0.0, 1.0); }},         {"pareto", "-1", [] { (void)type(-1.0, 1.0); }},
                {"pareto", "nan", [] { (void)type(1.0, nan_value); }}, {"pareto", "0", [] { (void)type(1.0, 0.0); }},
                {"pareto", "-2", [] { (void)type(1.0, -2.0); }}};
    }
};

struct gumbel_case : scalar_values {
    using type = kldiv::gumbel<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double m = between(e, -3, 3), b = between(e, 0.2, 5);
        return {type(m, b), type(m + 0.1 * b * between(e, -1, 1), b * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"gumbel", "nan", [] { (void)type(nan_value, 1.0); }}, {"gumbel", "-inf", [] { (void)type(-inf, 1.0); }},
                {"gumbel", "nan", [] { (void)type(0.0, nan_value); }}, {"gumbel", "0", [] { (void)type(0.0, 0.0); }},
                {"gumbel", "-1", [] { (void)type(0.0, -1.0); }}};
    }
};

struct gamma_case : scalar_values {
    using type = kldiv::gamma<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double k = between(e, 0.5, 20), r = between(e, 0.1, 10);
        return {type(k, r), type(k * nearby(e), r * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"gamma", "nan", [] { (void)type(nan_value, 1.0); }}, {"gamma", "inf", [] { (void)type(inf, 1.0); }},
                {"gamma", "0", [] { (void)type(0.0, 1.0); }},         {"gamma", "-1", [] { (void)type(-1.0, 1.0); }},
                {"gamma", "nan", [] { (void)type(1.0, nan_value); }}, {"gamma", "inf", [] { (void)type(1.0, inf); }},
                {"gamma", "0", [] { (void)type(1.0, 0.0); }}};
    }
};

struct beta_case : scalar_values {
    using type = kldiv::beta<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double a = between(e, 0.8, 20), b = between(e, 0.8, 20);
        return {type(a, b), type(a * nearby(e), b * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"beta", "nan", [] { (void)type(nan_value, 1.0); }}, {"beta", "inf", [] { (void)type(inf, 1.0); }},
                {"beta", "0", [] { (void)type(0.0, 1.0); }},         {"beta", "-1", [] { (void)type(-1.0, 1.0); }},
                {"beta", "nan", [] { (void)type(1.0, nan_value); }}, {"beta", "inf", [] { (void)type(1.0, inf); }},
                {"beta", "-0.5", [] { (void)type(1.0, -0.5); }}};
    }
};

struct bernoulli_case : scalar_values {
    using type = kldiv::bernoulli<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double p = between(e, 0.05, 0.95);
        return {type(p), type(std::min(0.99, p * nearby(e)))};
    }
    static std::vector<rejection> rejections() {
        return {{"bernoulli", "nan", [] { (void)type(nan_value); }},
                {"bernoulli", "-0.1", [] { (void)type(-0.1); }},
                {"bernoulli", "1.5", [] { (void)type(1.5); }},
                {"bernoulli", "inf", [] { (void)type(inf); }}};
    }
};

struct geometric_case : scalar_values {
    using type = kldiv::geometric<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double p = between(e, 0.1, 0.9);
        return {type(p), type(std::min(0.95, p * nearby(e)))};
    }
    static std::vector<rejection> rejections() {
        return {{"geometric", "nan", [] { (void)type(nan_value); }},
                {"geometric", "0", [] { (void)type(0.0); }},
                {"geometric", "-0.5", [] { (void)type(-0.5); }},
                {"geometric", "2", [] { (void)type(2.0); }}};
    }
};

struct poisson_case : scalar_values {
    using type = kldiv::poisson<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double r = between(e, 0.5, 30);
        return {type(r), type(r * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"poisson", "nan", [] { (void)type(nan_value); }},
                {"poisson", "inf", [] { (void)type(inf); }},
                {"poisson", "-1", [] { (void)type(-1.0); }}};
    }
};

struct binomial_case : scalar_values {
    using type = kldiv::binomial<double>;
    static std::pair<type, type> pair(engine_type& e) {  // the same trials: the closed form
        const auto n = static_cast<std::int64_t>(between(e, 1, 60));
        const double p = between(e, 0.05, 0.95);
        return {type(n, p), type(n, std::min(0.99, p * nearby(e)))};
    }
    static std::vector<rejection> rejections() {
        return {{"binomial", "-1", [] { (void)type(-1, 0.5); }},
                {"binomial", "nan", [] { (void)type(10, nan_value); }},
                {"binomial", "-0.25", [] { (void)type(10, -0.25); }},
                {"binomial", "1.5", [] { (void)type(10, 1.5); }}};
    }
};

struct categorical_case : scalar_values {
    using type = kldiv::categorical<double>;
    static type make(engine_type& e, std::size_t k, const std::vector<double>* near) {
        std::vector<double> w(k);
        double total = 0;
        for (std::size_t i = 0; i < k; ++i) total += w[i] = (near ? (*near)[i] * nearby(e) : between(e, 0.2, 1));
        for (auto& v : w) v /= total;
        return type(w);
    }
    static std::pair<type, type> pair(engine_type& e) {
        const auto k = static_cast<std::size_t>(between(e, 2, 12));
        const type p = make(e, k, nullptr);
        const std::vector<double> pw(p.probabilities().begin(), p.probabilities().end());
        return {p, make(e, k, &pw)};
    }
    static std::vector<rejection> rejections() {
        return {{"categorical", "nan", [] { (void)type(std::vector<double>{0.5, nan_value}); }},
                {"categorical", "-0.5", [] { (void)type(std::vector<double>{1.5, -0.5}); }},
                {"categorical", "inf", [] { (void)type(std::vector<double>{inf, 0.5}); }}};
    }
};

struct dirichlet_case {
    using type = kldiv::dirichlet<double>;
    static constexpr bool monte_carlo_fallback = false;  // vector-valued: no scalar sampler
    static std::pair<type, type> pair(engine_type& e) {
        const auto k = static_cast<std::size_t>(between(e, 2, 6));
        std::vector<double> a(k), b(k);
        for (std::size_t i = 0; i < k; ++i) b[i] = (a[i] = between(e, 0.8, 10)) * nearby(e);
        return {type(a), type(b)};
    }
    static std::vector<double> draw(const type& d, engine_type& engine) {
        std::vector<double> x(d.size());
        sample(d, engine, std::span<double>(x));
        return x;
    }
    static double log_density(const type& d, const std::vector<double>& x) {
        return log_pdf(d, std::span<const double>(x));
    }
    static std::vector<rejection> rejections() {
        return {{"dirichlet", "nan", [] { (void)type(std::vector<double>{1.0, nan_value}); }},
                {"dirichlet", "0", [] { (void)type(std::vector<double>{0.0, 1.0}); }},
                {"dirichlet", "-1", [] { (void)type(std::vector<double>{1.0, -1.0}); }},
                {"dirichlet", "inf", [] { (void)type(std::vector<double>{inf, 1.0}); }}};
    }
};

struct mv_normal_case {
    using type = kldiv::mv_normal<double>;
    using vector = type::vector;
    using matrix = type::matrix;
    static constexpr bool monte_carlo_fallback = false;  // vector-valued: no scalar sampler
    static type make(engine_type& e, int d, const type* near) {
        matrix a(d, d);
        for (int i = 0; i < d; ++i)
            for (int j = 0; j < d; ++j) a(i, j) = between(e, -1, 1);
        vector m(d);
        for (int i = 0; i < d; ++i) m(i) = near ? near->mean()(i) + 0.1 * between(e, -1, 1) : between(e, -2, 2);
        matrix c = near ? matrix(near->covariance() + 0.05 * a * a.transpose())
                        : matrix(a * a.transpose() + matrix::Identity(d, d));
        return type(m, c);
    }
    static std::pair<type, type> pair(engine_type& e) {
        const int d = static_cast<int>(between(e, 1, 5));
        const type p = make(e, d, nullptr);
        return {p, make(e, d, &p)};
    }
    static std::vector<double> draw(const type& d, engine_type& engine) {
        std::vector<double> x(static_cast<std::size_t>(d.dimension()));
        sample(d, engine, std::span<double>(x));
        return x;
    }
    static double log_density(const type& d, const std::vector<double>& x) {
        return log_pdf(d, std::span<const double>(x));
    }
    static std::vector<rejection> rejections() {
        const auto make_with = [](double entry) {
            return [entry] {
                matrix c = matrix::Identity(2, 2);
                c(1, 1) = entry;
                (void)type(vector::Zero(2), c);
            };
        };
        const auto mean_with = [](double entry) {
            return [entry] {
                vector m = vector::Zero(2);
                m(0) = entry;
                (void)type(m, matrix::Identity(2, 2));
            };
        };
        return {{"mv_normal", "", make_with(nan_value)},
                {"mv_normal", "", make_with(-1.0)},
                {"mv_normal", "", make_with(0.0)},
                {"mv_normal", "nan", mean_with(nan_value)},
                {"mv_normal", "inf", mean_with(inf)}};
    }
};

struct von_mises_case : scalar_values {
    using type = kldiv::von_mises<double>;
    static std::pair<type, type> pair(engine_type& e) {
        const double m = between(e, -3, 3), k = between(e, 0.2, 20);
        return {type(m, k), type(m + 0.1 * between(e, -1, 1) / std::sqrt(k), k * nearby(e))};
    }
    static std::vector<rejection> rejections() {
        return {{"von_mises", "nan", [] { (void)type(nan_value, 1.0); }}, {"von_mises", "inf", [] { (void)type(inf, 1.0); }},
                {"von_mises", "nan", [] { (void)type(0.0, nan_value); }}, {"von_mises", "inf", [] { (void)type(0.0, inf); }},
                {"von_mises", "0", [] { (void)type(0.0, 0.0); }},         {"von_mises", "-1", [] { (void)type(0.0, -1.0); }}};
    }
};

struct low_rank_mv_normal_case {
    using type = kldiv::low_rank_mv_normal<double>;
    using vector = type::vector;
    using matrix = type::matrix;
    static constexpr bool monte_carlo_fallback = false;  // vector-valued: no scalar sampler
    static std::pair<type, type> pair(engine_type& e) {
        const int d = static_cast<int>(between(e, 1, 6)), r = static_cast<int>(between(e, 1, 4));
        matrix w(d, r), wq(d, r);
        vector m(d), mq(d), dg(d), dq(d);
        for (int i = 0; i < d; ++i) {
            m(i) = between(e, -2, 2), mq(i) = m(i) + 0.1 * between(e, -1, 1);
            dg(i) = between(e, 0.3, 2), dq(i) = dg(i) * nearby(e);
            for (int j = 0; j < r; ++j) w(i, j) = between(e, -1, 1), wq(i, j) = w(i, j) + 0.1 * between(e, -1, 1);
        }
        return {type(m, w, dg), type(mq, wq, dq)};
    }
    static std::vector<double> draw(const type& d, engine_type& engine) {
        std::vector<double> x(static_cast<std::size_t>(d.dimension()));
        sample(d, engine, std::span<double>(x));
        return x;
    }
    static double log_density(const type& d, const std::vector<double>& x) {
        return log_pdf(d, std::span<const double>(x));
    }
    static std::vector<rejection> rejections() {
        const auto diagonal_with = [](double entry) {
            return [entry] {
                vector dg = vector::Ones(2);
                dg(1) = entry;
                (void)type(vector::Zero(2), matrix::Ones(2, 1), dg);
            };
        };
        const auto mean_with = [](double entry) {
            return [entry] {
                vector m = vector::Zero(2);
                m(0) = entry;
                (void)type(m, matrix::Ones(2, 1), vector::Ones(2));
            };
        };
        return {{"low_rank_mv_normal", "nan", diagonal_with(nan_value)},
                {"low_rank_mv_normal", "-1", diagonal_with(-1.0)},
                {"low_rank_mv_normal", "0", diagonal_with(0.0)},
                {"low_rank_mv_normal", "nan", mean_with(nan_value)},
                {"low_rank_mv_normal", "inf", mean_with(inf)},
                {"low_rank_mv_normal", "", [] { (void)type(vector::Zero(2), matrix::Ones(3, 1), vector::Ones(2)); }}};
    }
};

using families = std::tuple<normal_case, exponential_case, laplace_case, uniform_case, log_normal_case,
                            half_normal_case, cauchy_case, pareto_case, gumbel_case, gamma_case, beta_case,
                            bernoulli_case, geometric_case, poisson_case, binomial_case, categorical_case,
                            dirichlet_case, mv_normal_case, von_mises_case, low_rank_mv_normal_case>;

/// −E_p[log q(x)] and its standard error from n draws of p.
template <class Case>
std::pair<double, double> sampled_cross_entropy(const typename Case::type& p, const typename Case::type& q,
                                                engine_type& engine, std::size_t n) {
    double sum = 0, squares = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = Case::draw(p, engine);
        const double v = -Case::log_density(q, x);
        sum += v, squares += v * v;
    }
    const double mean = sum / static_cast<double>(n);
    const double variance = (squares - static_cast<double>(n) * mean * mean) / static_cast<double>(n - 1);
    return {mean, std::sqrt(std::max(variance, 0.0) / static_cast<double>(n))};
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("every family: KL(p, p) = 0 and KL(p, q) >= 0", "[distributions][properties]", families) {
    engine_type engine(2026'12'04);
    for (int trial = 0; trial < 50; ++trial) {
        const auto [p, q] = TestType::pair(engine);
        CHECK(kldiv::kl_divergence(p, p) == 0.0);
        CHECK(kldiv::kl_divergence(q, q) == 0.0);
        const double pq = kldiv::kl_divergence(p, q), qp = kldiv::kl_divergence(q, p);
        INFO("trial " << trial << ": KL(p||q) = " << pq << ", KL(q||p) = " << qp);
        CHECK(pq >= 0.0);
        CHECK(qp >= 0.0);  // possibly +inf (uniform, pareto: q's support is the larger)
    }
}

TEMPLATE_LIST_TEST_CASE("every family: cross-entropy H(p) + KL(p||q) agrees with -E_p[log q(x)]",
                        "[distributions][properties]", families) {
    engine_type engine(7);
    for (int trial = 0; trial < 3; ++trial) {
        const auto [p, q] = TestType::pair(engine);
        const double h = kldiv::cross_entropy(p, q);
        const auto [sampled, error] = sampled_cross_entropy<TestType>(p, q, engine, 40000);
        INFO("trial " << trial << ": H(p, q) = " << h << ", sampled " << sampled << " ± " << error);
        CHECK(std::isfinite(h));
        CHECK(std::fabs(h - sampled) <= 5 * error + 1e-12 * std::fabs(h));
    }
}

TEMPLATE_LIST_TEST_CASE("every scalar family: the closed form within 5 standard errors of Monte Carlo",
                        "[distributions][properties][monte_carlo]", families) {
    if constexpr (TestType::monte_carlo_fallback) {
        engine_type engine(11);
        for (int trial = 0; trial < 3; ++trial) {
            const auto [p, q] = TestType::pair(engine);
            const double exact = kldiv::kl_divergence(p, q);
            const auto estimate = kldiv::kl_divergence(p, q, kldiv::monte_carlo{40000}, engine);
            INFO("trial " << trial << ": closed form " << exact << ", Monte Carlo " << estimate.value << " ± "
                          << estimate.standard_error);
            CHECK(std::fabs(exact - estimate.value) <= 5 * estimate.standard_error + 1e-12);
        }
    } else {
        SUCCEED("vector-valued family: the cross-entropy test above samples it instead");
    }
}

TEMPLATE_LIST_TEST_CASE("every family: bad parameters throw kldiv::domain_error naming the constructor and value",
                        "[distributions][properties][errors]", families) {
    for (const auto& r : TestType::rejections()) {
        INFO("expected kldiv::" << r.constructor << " to reject a parameter of " << r.value_text);
        bool thrown = false;
        try {
            r.construct();
        } catch (const kldiv::domain_error& error) {
            thrown = true;
            const std::string message = error.what();
            INFO("message: " << message);
            CHECK(message.rfind("kldiv::" + r.constructor, 0) == 0);
            if (!r.value_text.empty()) CHECK(message.find("got " + r.value_text) != std::string::npos);
        }
        CHECK(thrown);
    }
}
