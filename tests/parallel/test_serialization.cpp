// The byte format: exact round trips, the documented layout (bytes written out by hand, checksum
// from an independent Python FNV-1a), rejection of every truncation, single-byte corruption,
// wrong type and version, and merging decoded chunk sets = the in-process result.
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "kldiv/estimators/kl_estimates.hpp"
#include "kldiv/estimators/serialization.hpp"
#include "support/catch.hpp"
#include "support/same_bits.hpp"

namespace {

using kldiv::test::same_bits;

std::string from_hex(const char* hex) {
    std::string out;
    for (std::size_t i = 0; hex[i] && hex[i + 1]; i += 2)
        out.push_back(static_cast<char>(std::stoi(std::string(hex + i, 2), nullptr, 16)));
    return out;
}

kldiv::kl_estimate_set sample_set() {
    std::vector<double> log_q(1000), log_p(1000);
    for (std::size_t i = 0; i < log_q.size(); ++i) {
        log_q[i] = -0.001 * double(i);
        log_p[i] = -0.0011 * double(i) + (i == 7 ? 50.0 : 0.0);
    }
    kldiv::kl_estimate_options<double> options;
    options.clamp_log_ratio = 10.0;
    return kldiv::kl_estimates(log_q, log_p, options);
}

}  // namespace

TEST_CASE("running_stats bytes: the documented layout", "[serialization]") {
    // "KLDV" 'R' version 1, reserved 0 0, count 3, mean 1.5, M2 2.0, FNV-1a-64 (Python, independently).
    const std::string expected =
        from_hex("4b4c4456520100000300000000000000000000000000f83f00000000000000402b754805fb646041");
    CHECK(kldiv::to_bytes(kldiv::running_stats::from_moments(3, 1.5, 2.0)) == expected);
    const auto back = kldiv::running_stats_from_bytes(expected);
    CHECK(back.count() == 3);
    CHECK(back.mean() == 1.5);
    CHECK(back.sum_of_squared_deviations() == 2.0);
}

TEST_CASE("running_stats bytes: exact round trips, special values included", "[serialization]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<kldiv::running_stats> cases = {
        kldiv::running_stats{},
        kldiv::running_stats::from_moments(1, -0.0, 0.0),
        kldiv::running_stats::from_moments(12345678901234ULL, 0.1, 1e-300),
        kldiv::running_stats::from_moments(5, std::nextafter(1.0, 2.0), 4.9e-324),
        kldiv::running_stats::from_moments(2, inf, nan),
        kldiv::running_stats::from_moments(2, nan, nan),
    };
    for (const auto& s : cases) {
        const std::string bytes = kldiv::to_bytes(s);
        CHECK(bytes.size() == 40);
        CHECK(same_bits(kldiv::running_stats_from_bytes(bytes), s));
        CHECK(kldiv::to_bytes(kldiv::running_stats_from_bytes(bytes)) == bytes);
    }
}

TEST_CASE("kl_estimate_set bytes: exact round trip", "[serialization]") {
    const auto set = sample_set();
    REQUIRE(set.clamped == 1);
    const std::string bytes = kldiv::to_bytes(set);
    CHECK(bytes.size() == 120);
    CHECK(same_bits(kldiv::kl_estimate_set_from_bytes(bytes), set));
    CHECK(same_bits(kldiv::kl_estimate_set_from_bytes(kldiv::to_bytes(kldiv::kl_estimate_set{})),
                    kldiv::kl_estimate_set{}));
}

TEST_CASE("byte strings: truncation, corruption, wrong type and version are errors", "[serialization]") {
    const std::string set_bytes = kldiv::to_bytes(sample_set());
    const std::string stats_bytes = kldiv::to_bytes(kldiv::running_stats::from_moments(3, 1.5, 2.0));
    for (std::size_t n = 0; n < set_bytes.size(); ++n)
        CHECK_THROWS_AS(kldiv::kl_estimate_set_from_bytes(set_bytes.substr(0, n)), kldiv::domain_error);
    for (std::size_t n = 0; n < stats_bytes.size(); ++n)
        CHECK_THROWS_AS(kldiv::running_stats_from_bytes(stats_bytes.substr(0, n)), kldiv::domain_error);
    CHECK_THROWS_AS(kldiv::running_stats_from_bytes(stats_bytes + '\0'), kldiv::domain_error);
    // Every single-bit flip anywhere is caught (FNV-1a's per-byte step is a bijection).
    for (std::size_t i = 0; i < set_bytes.size(); ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            std::string corrupt = set_bytes;
            corrupt[i] = static_cast<char>(corrupt[i] ^ (1 << bit));
            CHECK_THROWS_AS(kldiv::kl_estimate_set_from_bytes(corrupt), kldiv::domain_error);
        }
    }
    CHECK_THROWS_AS(kldiv::running_stats_from_bytes(set_bytes), kldiv::domain_error);   // wrong type
    CHECK_THROWS_AS(kldiv::kl_estimate_set_from_bytes(stats_bytes), kldiv::domain_error);  // wrong type
    std::string version_2 = stats_bytes;
    version_2[5] = 2;
    try {
        (void)kldiv::running_stats_from_bytes(version_2);
        FAIL("version 2 was accepted");
    } catch (const kldiv::domain_error& e) {
        CHECK(std::string(e.what()).find("version") != std::string::npos);
        CHECK(std::string(e.what()).find("running_stats_from_bytes") != std::string::npos);
    }
}

TEST_CASE("byte strings: states no stream produces are rejected even with a valid checksum", "[serialization]") {
    // An empty running_stats with mean 1 (from_moments would store 0), checksummed correctly.
    std::string bytes = "KLDV";
    bytes += 'R';
    bytes += '\x01';
    bytes.append(2, '\0');
    kldiv::detail::put_u64(bytes, 0);
    kldiv::detail::put_u64(bytes, 0x3ff0000000000000ULL);
    kldiv::detail::put_u64(bytes, 0);
    kldiv::detail::put_u64(bytes, kldiv::detail::fnv1a64(bytes));
    CHECK_THROWS_AS(kldiv::running_stats_from_bytes(bytes), kldiv::domain_error);
}

TEST_CASE("merging decoded per-chunk bytes in order gives the in-process bits", "[serialization]") {
    const std::size_t n = 3 * kldiv::kl_estimates_chunk_size + 999;
    std::vector<float> log_q(n), log_p(n);
    for (std::size_t i = 0; i < n; ++i) {
        log_q[i] = -0.5f * float(i % 1000) / 1000.0f;
        log_p[i] = -0.6f * float(i % 997) / 1000.0f;
    }
    std::vector<std::string> wire;
    for (const auto& chunk : kldiv::kl_estimates_by_chunk(kldiv::par, log_q, log_p)) wire.push_back(kldiv::to_bytes(chunk));
    kldiv::kl_estimate_set merged;
    for (const auto& bytes : wire) merged.merge(kldiv::kl_estimate_set_from_bytes(bytes));
    CHECK(same_bits(merged, kldiv::kl_estimates(kldiv::seq, log_q, log_p)));
}
