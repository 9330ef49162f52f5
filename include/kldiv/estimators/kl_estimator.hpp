// Which Monte Carlo KL estimator: Schulman's k1, k2, k3 and the reverse-direction estimator, one
// at a time (kl_estimator) or as a set (kl_estimator_set: `k1 | k3`), for kl_estimates' options and
// the gradient semantics.
#pragma once

namespace kldiv {

/// The per-sample estimators of KL from samples x ~ q, ℓ = log p(x) − log q(x), r = eˡ:
/// k1 = −ℓ, k2 = ½ℓ², k3 = r − 1 − ℓ estimate KL[q‖p]; reverse = r·ℓ − (r − 1) estimates KL[p‖q].
enum class kl_estimator { k1, k2, k3, reverse };

/// A set of estimators: built from one (`kl_estimator::k3` converts) or several
/// (`kl_estimator::k1 | kl_estimator::k3`); all() is the four.
class kl_estimator_set {
public:
    constexpr kl_estimator_set() noexcept = default;  ///< the empty set
    constexpr kl_estimator_set(kl_estimator estimator) noexcept : bits_(bit(estimator)) {}  // NOLINT: implicit on purpose
    /// k1, k2, k3 and reverse.
    [[nodiscard]] static constexpr kl_estimator_set all() noexcept { return from_bits(15u); }
    [[nodiscard]] constexpr bool contains(kl_estimator estimator) const noexcept { return (bits_ & bit(estimator)) != 0; }
    [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
    /// Bit i set for the estimator with enum value i (k1 = 1, k2 = 2, k3 = 4, reverse = 8).
    [[nodiscard]] constexpr unsigned bits() const noexcept { return bits_; }
    friend constexpr kl_estimator_set operator|(kl_estimator_set a, kl_estimator_set b) noexcept {
        return from_bits(a.bits_ | b.bits_);
    }
    friend constexpr bool operator==(kl_estimator_set, kl_estimator_set) noexcept = default;

private:
    static constexpr unsigned bit(kl_estimator estimator) noexcept { return 1u << static_cast<unsigned>(estimator); }
    static constexpr kl_estimator_set from_bits(unsigned mask) noexcept {
        kl_estimator_set set;
        set.bits_ = mask;
        return set;
    }
    unsigned bits_ = 0;
};

/// `kl_estimator::k1 | kl_estimator::k3`: the set of both.
constexpr kl_estimator_set operator|(kl_estimator a, kl_estimator b) noexcept {
    return kl_estimator_set(a) | kl_estimator_set(b);
}

}  // namespace kldiv
