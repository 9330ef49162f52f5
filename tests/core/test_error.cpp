// The error policy: domain_error derives from std::domain_error; messages name function and value.
#include <stdexcept>
#include <string>

#include "kldiv/core/error.hpp"
#include "support/catch.hpp"

TEST_CASE("kldiv::detail::fail throws domain_error naming the function and the value", "[core][error]") {
    try {
        kldiv::detail::fail("normal", "stddev must be positive and finite", -1.5);
        FAIL("no exception thrown");
    } catch (const std::domain_error& error) {
        const std::string message = error.what();
        CHECK(message == "kldiv::normal: stddev must be positive and finite, got -1.5");
    }
    CHECK_THROWS_AS(kldiv::detail::fail("kl_divergence", "sizes differ"), kldiv::domain_error);
    CHECK_THROWS_WITH(kldiv::detail::fail("entropy", "entry is negative", 3U), "kldiv::entropy: entry is negative, got 3");
}
