// Eigen vectors and maps are accepted wherever a probability vector is (kept in its own TU: Eigen
// is heavy to compile).
#include <Eigen/Core>

#include "kldiv/discrete/logits.hpp"
#include "kldiv/discrete/measures.hpp"
#include "support/catch.hpp"

TEST_CASE("Eigen vectors, arrays and maps work as probability vectors and logits", "[discrete][eigen]") {
    Eigen::VectorXd p(3), q(3);
    p << 0.2, 0.3, 0.5;
    q << 0.3, 0.3, 0.4;
    const std::vector<double> pv{0.2, 0.3, 0.5}, qv{0.3, 0.3, 0.4};
    CHECK(kldiv::kl_divergence(p, q) == kldiv::kl_divergence(pv, qv));
    const Eigen::Map<const Eigen::ArrayXd> map(pv.data(), 3);
    CHECK(kldiv::entropy(map) == kldiv::entropy(pv));
    Eigen::VectorXf logits(3);
    logits << 1.0f, 2.0f, 3.0f;
    CHECK(kldiv::entropy(kldiv::logits(logits)) > 0.0f);
}
