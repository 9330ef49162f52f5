// Coding theory: Kraft sums, Shannon and Huffman codes, expected lengths and the H ≤ L < H + 1
// bounds; Huffman's optimality against brute force on small alphabets.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "kldiv/discrete/coding.hpp"
#include "kldiv/discrete/measures.hpp"
#include "support/catch.hpp"

namespace {

bool is_prefix_free(const std::vector<std::string>& codewords) {
    std::vector<std::string> words;
    for (const auto& w : codewords)
        if (!w.empty()) words.push_back(w);
    std::sort(words.begin(), words.end());
    for (std::size_t i = 1; i < words.size(); ++i)
        if (words[i].compare(0, words[i - 1].size(), words[i - 1]) == 0) return false;
    return true;
}

std::vector<double> random_code_distribution(std::size_t n, std::mt19937_64& engine) {
    std::exponential_distribution<double> e(1.0);
    std::vector<double> p(n);
    for (auto& v : p) v = e(engine);
    const double total = std::accumulate(p.begin(), p.end(), 0.0);
    for (auto& v : p) v /= total;
    return p;
}

/// The optimal expected length by brute force over all length vectors with Kraft ≤ 1.
double brute_force_optimum(const std::vector<double>& p) {
    const std::size_t n = p.size();
    std::vector<unsigned> lengths(n, 1);
    double best = HUGE_VAL;
    while (true) {
        if (kldiv::kraft_sum(lengths) <= 1.0) {
            double l = 0;
            for (std::size_t i = 0; i < n; ++i) l += p[i] * lengths[i];
            best = std::min(best, l);
        }
        std::size_t i = 0;
        while (i < n && ++lengths[i] > n) lengths[i++] = 1;
        if (i == n) break;
    }
    return best;
}

}  // namespace

TEST_CASE("Kraft sums", "[discrete][coding]") {
    const std::vector<unsigned> complete{1, 2, 3, 3}, incomplete{2, 2, 3}, impossible{1, 1, 2};
    CHECK(kldiv::kraft_sum(complete) == 1.0);
    CHECK(kldiv::kraft_sum(incomplete) == 0.625);
    CHECK(kldiv::kraft_sum(impossible) == 1.25);
    const std::vector<unsigned> ternary{1, 1, 1};
    CHECK(kldiv::kraft_sum(ternary, 3) == Approx(1.0).epsilon(1e-15));
    CHECK_THROWS_AS(kldiv::kraft_sum(ternary, 1), kldiv::domain_error);
    CHECK_THROWS_AS(kldiv::canonical_code({1, 1, 2}), kldiv::domain_error);
}

TEST_CASE("Shannon code lengths: exact ceilings and the entropy bounds", "[discrete][coding]") {
    const std::vector<double> dyadic{0.5, 0.25, 0.125, 0.125};
    CHECK(kldiv::shannon_code_lengths(dyadic) == std::vector<unsigned>{1, 2, 3, 3});
    const std::vector<double> just_below{0.5 + 1e-15, 0.125 - 1e-15, 0.375};
    CHECK(kldiv::shannon_code_lengths(just_below)[1] == 4);
    std::mt19937_64 engine(8);
    for (int trial = 0; trial < 50; ++trial) {
        const auto p = random_code_distribution(2 + engine() % 40, engine);
        const auto lengths = kldiv::shannon_code_lengths(p);
        CHECK(kldiv::kraft_sum(lengths) <= 1.0);
        const double l = kldiv::expected_code_length(p, lengths);
        const double h = kldiv::entropy(p, kldiv::bits);
        CHECK(h <= l);
        CHECK(l < h + 1.0);
    }
}

TEST_CASE("Huffman codes are optimal, prefix-free and deterministic", "[discrete][coding]") {
    const std::vector<double> textbook{0.4, 0.2, 0.2, 0.1, 0.1};
    const auto code = kldiv::huffman_code(textbook);
    CHECK(kldiv::expected_code_length(textbook, code.lengths) == Approx(2.2).epsilon(1e-15));
    CHECK(is_prefix_free(code.codewords));
    CHECK(kldiv::kraft_sum(code.lengths) == 1.0);
    CHECK(kldiv::huffman_code(textbook).codewords == code.codewords);  // deterministic

    std::mt19937_64 engine(9);
    for (int trial = 0; trial < 30; ++trial) {
        const auto p = random_code_distribution(2 + engine() % 5, engine);
        const auto c = kldiv::huffman_code(p);
        CHECK(kldiv::expected_code_length(p, c.lengths) == Approx(brute_force_optimum(p)).epsilon(1e-12));
        CHECK(is_prefix_free(c.codewords));
        for (std::size_t i = 0; i < p.size(); ++i) CHECK(c.codewords[i].size() == c.lengths[i]);
    }
}

TEST_CASE("Huffman edge cases: one symbol, zero probabilities, a million symbols", "[discrete][coding]") {
    const std::vector<double> one{1.0};
    const auto single = kldiv::huffman_code(one);
    CHECK(single.lengths == std::vector<unsigned>{0});
    CHECK(kldiv::expected_code_length(one, single.lengths) == 0.0);
    const std::vector<double> with_zero{0.5, 0.0, 0.5};
    const auto zero = kldiv::huffman_code(with_zero);
    CHECK(zero.lengths == std::vector<unsigned>{1, 0, 1});
    CHECK(zero.codewords[1].empty());
    const std::vector<double> other{0.25, 0.5, 0.25};
    CHECK(kldiv::expected_code_length(other, zero.lengths) == HUGE_VAL);

    std::mt19937_64 engine(10);
    const auto big = random_code_distribution(1000000, engine);
    const auto code = kldiv::huffman_code(big);
    const double l = kldiv::expected_code_length(big, code.lengths);
    const double h = kldiv::entropy(big, kldiv::bits);
    CHECK(h <= l);
    CHECK(l < h + 1.0);
    CHECK(kldiv::kraft_sum(code.lengths) == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("a code built for the wrong distribution costs about KL extra bits", "[discrete][coding]") {
    const std::vector<double> p{0.5, 0.25, 0.125, 0.125}, q{0.125, 0.125, 0.25, 0.5};
    // Dyadic distributions: Shannon lengths are exact, so the extra cost is exactly KL in bits.
    const double cost_right = kldiv::expected_code_length(p, kldiv::shannon_code_lengths(p));
    const double cost_wrong = kldiv::expected_code_length(p, kldiv::shannon_code_lengths(q));
    CHECK(cost_right == Approx(kldiv::entropy(p, kldiv::bits)).epsilon(4.5e-16));
    CHECK(cost_wrong == Approx(kldiv::cross_entropy(p, q, kldiv::bits)).epsilon(4.5e-16));
    CHECK(cost_wrong - cost_right == Approx(kldiv::kl_divergence(p, q, kldiv::bits)).epsilon(1e-15));
}
