// Every ordered pair of families: closed form (C), +inf by the support rule (I), or the readable
// compile error pointing at Monte Carlo (E). The table below is written from the mathematics;
// the test generates the library's table with a requires expression (closed_form_kl, so this
// file compiles whatever the answer) and compares, then evaluates every I pair (+inf) and every
// C pair (a number ≥ 0 or +inf, never NaN) at run time.
#include <array>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "kldiv/distributions.hpp"
#include "kldiv/divergence.hpp"
#include "support/catch.hpp"
#include "support/closed_form_checks.hpp"

namespace {

using kldiv::test::inf;

// One instance of every family, in the order of the table's rows and columns.
auto family_instances() {
    const std::vector<double> two_thirds{2.0 / 3, 1.0 / 3};
    Eigen::VectorXd mean(2);
    mean << 0.1, -0.2;
    Eigen::MatrixXd covariance(2, 2);
    covariance << 1.0, 0.3, 0.3, 2.0;
    return std::make_tuple(
        kldiv::normal<double>(0.1, 1.2), kldiv::exponential<double>(1.5), kldiv::laplace<double>(0.2, 0.9),
        kldiv::uniform<double>(0.2, 0.7), kldiv::bernoulli<double>(0.3), kldiv::geometric<double>(0.4),
        kldiv::poisson<double>(2.5), kldiv::binomial<double>(5, 0.3), kldiv::categorical<double>(two_thirds),
        kldiv::log_normal<double>(0.1, 0.7), kldiv::half_normal<double>(1.3), kldiv::cauchy<double>(0.0, 1.1),
        kldiv::pareto<double>(0.1, 2.5), kldiv::gumbel<double>(0.3, 1.4), kldiv::gamma<double>(2.0, 1.5),
        kldiv::beta<double>(2.0, 3.0), kldiv::dirichlet<double>(std::vector<double>{1.5, 2.5}),
        kldiv::mv_normal<double>(mean, covariance),
        kldiv::mixture<kldiv::normal<double>>(std::vector<double>{0.5, 0.5},
                                              {kldiv::normal<double>(-1, 1), kldiv::normal<double>(1, 0.5)}),
        kldiv::chi_squared<double>(3.0), kldiv::chi<double>(2.5), kldiv::weibull<double>(1.5, 2.0),
        kldiv::transformed(kldiv::normal<double>(0.1, 1.2), kldiv::affine{1.0, 2.0}),
        kldiv::independent<kldiv::normal<double>>({kldiv::normal<double>(0, 1), kldiv::normal<double>(1, 2)}),
        kldiv::inverse_gamma<double>(3.0, 2.0), kldiv::logistic<double>(0.5, 1.5), kldiv::student_t<double>(5.0, 0.0, 1.0),
        kldiv::continuous_bernoulli<double>(0.3), kldiv::von_mises<double>(0.4, 2.0),
        kldiv::low_rank_mv_normal<double>(mean, Eigen::MatrixXd::Ones(2, 1), Eigen::VectorXd::Ones(2)));
}

constexpr std::array<const char*, 30> names{
    "normal", "exponential", "laplace", "uniform", "bernoulli", "geometric", "poisson", "binomial",
    "categorical", "log_normal", "half_normal", "cauchy", "pareto", "gumbel", "gamma", "beta",
    "dirichlet", "mv_normal", "mixture", "chi_squared", "chi", "weibull", "transformed", "independent",
    "inverse_gamma", "logistic", "student_t", "continuous_bernoulli", "von_mises", "low_rank_mv_normal"};

// Rows p, columns q, in the order of names. Derived by hand: C where kldiv has a closed form;
// I where p continuous and q discrete or the reverse, or an end point of p is beyond q's for
// every parameter (ℝ or a half-line into a bounded set, 0 below a Pareto scale); E otherwise.
// (transformed is transformed<normal>, independent is independent<normal>; von_mises lives on
// [−π, π], low_rank_mv_normal on ℝᵈ like mv_normal.)
//                 q: nor exp lap uni ber geo poi bin cat lgn hn cau par gum gam bet dir mvn mix chi2 chi wei tra ind ig log t cb vm lr
constexpr std::array<const char*, 30> expected{
    /* normal      */ "C I C I I I I I I I I E I C I I E E E I I I E E I E E I I E",
    /* exponential */ "C C C I I I I I I E E E I C C I E E E E E E E E E E E I I E",
    /* laplace     */ "C I C I I I I I I I I E I E I I E E E I I I E E I E E I I E",
    /* uniform     */ "C C C C I I I I I E E E C C C C E E E E E E E E E E E C E E",
    /* bernoulli   */ "I I I I C E C C E I I I I I I I E E I I I I I E I I I I I E",
    /* geometric   */ "I I I I E C E E E I I I I I I I E E I I I I I E I I I I I E",
    /* poisson     */ "I I I I C E C C E I I I I I I I E E I I I I I E I I I I I E",
    /* binomial    */ "I I I I E E C C E I I I I I I I E E I I I I I E I I I I I E",
    /* categorical */ "I I I I E E E E C I I I I I I I E E I I I I I E I I I I I E",
    /* log_normal  */ "E E E I I I I I I C E E I E E I E E E E E E E E E E E I I E",
    /* half_normal */ "E E E I I I I I I E C E I E E I E E E E E E E E E E E I I E",
    /* cauchy      */ "E I E I I I I I I I I C I E I I E E E I I I E E I E E I I E",
    /* pareto      */ "C C E I I I I I I E E E C E C I E E E E E E E E E E E I I E",
    /* gumbel      */ "C I E I I I I I I I I E I C I I E E E I I I E E I E E I I E",
    /* gamma       */ "C C E I I I I I I E E E I C C I E E E C E E E E E E E I I E",
    /* beta        */ "C C E C I I I I I E E E I E C C E E E E E E E E E E E C E E",
    /* dirichlet   */ "E E E E E E E E E E E E E E E E C E E E E E E E E E E E E E",
    /* mv_normal   */ "E E E E E E E E E E E E E E E E E C E E E E E E E E E E E C",
    /* mixture     */ "E I E I I I I I I I I E I E I I E E E I I I E E I E E I I E",
    /* chi_squared */ "E E E I I I I I I E E E I E C I E E E C E E E E E E E I I E",
    /* chi         */ "E E E I I I I I I E E E I E E I E E E E C E E E E E E I I E",
    /* weibull     */ "E E E I I I I I I E E E I E C I E E E E E C E E E E E I I E",
    /* transformed */ "E I E I I I I I I I I E I E I I E E E I I I C E I E E I I E",
    /* independent */ "E E E E E E E E E E E E E E E E E E E E E E E C E E E E E E",
    /* inv_gamma   */ "E E E I I I I I I E E E I E E I E E E E E E E E C E E I I E",
    /* logistic    */ "E I E I I I I I I I I E I E I I E E E I I I E E I E E I I E",
    /* student_t   */ "E I E I I I I I I I I E I E I I E E E I I I E E I E E I I E",
    /* cont_bern   */ "C C E C I I I I I E E E I E E E E E E E E E E E E E E C E E",
    /* von_mises   */ "E I E E I I I I I I I E I E I I E E E I I I E E I E E I C E",
    /* low_rank    */ "E E E E E E E E E E E E E E E E E C E E E E E E E E E E E C",
};

template <class P, class Q>
char library_answer() {
    if constexpr (!kldiv::closed_form_kl<P, Q>)
        return 'E';
    else if constexpr (kldiv::detail::never_nested_supports<P, Q>)
        return 'I';
    else
        return 'C';
}

template <class Tuple, std::size_t... I, std::size_t... J>
std::vector<std::string> generate(std::index_sequence<I...>, std::index_sequence<J...>) {
    std::vector<std::string> rows;
    const auto row = [&]<std::size_t Row>(std::integral_constant<std::size_t, Row>) {
        using P = std::tuple_element_t<Row, Tuple>;
        std::string r;
        ((r += library_answer<P, std::tuple_element_t<J, Tuple>>(), r += ' '), ...);
        r.pop_back();
        rows.push_back(r);
    };
    (row(std::integral_constant<std::size_t, I>{}), ...);
    return rows;
}

}  // namespace

TEST_CASE("every ordered pair of families: closed form, +inf, or compile error", "[divergence][support_rule]") {
    using families_t = decltype(family_instances());
    constexpr std::size_t n = std::tuple_size_v<families_t>;
    static_assert(n == names.size());
    const auto generated = generate<families_t>(std::make_index_sequence<n>{}, std::make_index_sequence<n>{});
    std::ostringstream table;
    for (std::size_t i = 0; i < n; ++i) table << names[i] << ": " << generated[i] << '\n';
    INFO("the library's table:\n" << table.str());
    for (std::size_t i = 0; i < n; ++i) {
        INFO("p = " << names[i]);
        CHECK(generated[i] == std::string(expected[i]));
    }
}

TEST_CASE("every +inf pair is +inf at run time, every closed form a number ≥ 0 or +inf", "[divergence][support_rule]") {
    const auto instances = family_instances();
    std::apply(
        [&](const auto&... p) {
            const auto row = [&](const auto& pi) {
                std::apply(
                    [&](const auto&... q) {
                        const auto cell = [&](const auto& qj) {
                            using P = std::decay_t<decltype(pi)>;
                            using Q = std::decay_t<decltype(qj)>;
                            if constexpr (kldiv::closed_form_kl<P, Q>) {
                                const double kl = kldiv::kl_divergence(pi, qj);
                                if constexpr (kldiv::detail::never_nested_supports<P, Q>)
                                    CHECK(kl == inf);
                                else
                                    CHECK(kl >= 0.0);  // false for NaN
                            }
                        };
                        (cell(q), ...);
                    },
                    instances);
            };
            (row(p), ...);
        },
        instances);
}

TEST_CASE("the ten pairs of issue 17 answer +inf, and their float versions too", "[divergence][support_rule]") {
    const kldiv::gumbel<double> g(0.3, 1.4);
    const kldiv::laplace<double> l(0.2, 0.9);
    const kldiv::gamma<double> ga(2.0, 1.5);
    const kldiv::pareto<double> pa(1.0, 2.5);
    const kldiv::uniform<double> u(-100, 100);
    const kldiv::beta<double> b(2.0, 3.0);
    const kldiv::poisson<double> po(2.5);
    CHECK(kldiv::kl_divergence(g, pa) == inf);
    CHECK(kldiv::kl_divergence(g, u) == inf);
    CHECK(kldiv::kl_divergence(g, b) == inf);
    CHECK(kldiv::kl_divergence(l, b) == inf);
    CHECK(kldiv::kl_divergence(l, ga) == inf);
    CHECK(kldiv::kl_divergence(l, pa) == inf);
    CHECK(kldiv::kl_divergence(ga, u) == inf);
    CHECK(kldiv::kl_divergence(pa, b) == inf);
    CHECK(kldiv::kl_divergence(pa, u) == inf);
    CHECK(kldiv::kl_divergence(po, kldiv::binomial<double>(1000, 0.5)) == inf);
    // Poisson(0) is the point mass at 0, inside every binomial's support.
    CHECK(kldiv::kl_divergence(kldiv::poisson<double>(0), kldiv::binomial<double>(4, 0.25)) ==
          Approx(-4 * std::log1p(-0.25)).epsilon(1e-15));
    CHECK(kldiv::kl_divergence(kldiv::gumbel<float>(0, 1), kldiv::uniform<float>(0, 1)) == std::numeric_limits<float>::infinity());
    CHECK(kldiv::cross_entropy(g, pa) == inf);
    // The run-time support carries the kind the family declares at compile time.
    CHECK(support(g).kind == kldiv::support_kind::real_line);
    CHECK(support(pa).kind == kldiv::gamma<double>::support_at_compile_time.kind);
    CHECK(support(po).discrete());
    CHECK_FALSE(support(ga).discrete());
}
