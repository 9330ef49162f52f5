// Highway's Σ p·log(p/q), built with -march=native (see bench/peer_baselines.hpp). Static
// dispatch only (HWY_COMPILE_ONLY_STATIC): Highway 1.0.3's dynamic targets reject some newer
// CPUs (Zen 5), and the static target is what -march=native selects anyway.
#define HWY_COMPILE_ONLY_STATIC 1
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <cmath>

#include "peer_baselines.hpp"

namespace kldiv_bench {
namespace {

namespace hn = hwy::HWY_NAMESPACE;

template <class T>
double kl(const T* p, const T* q, std::size_t n) {
    const hn::ScalableTag<T> d;
    const std::size_t lanes = hn::Lanes(d);
    auto s0 = hn::Zero(d), s1 = hn::Zero(d);
    std::size_t i = 0;
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
        const auto p0 = hn::LoadU(d, p + i), p1 = hn::LoadU(d, p + i + lanes);
        s0 = hn::MulAdd(p0, hn::Log(d, hn::Div(p0, hn::LoadU(d, q + i))), s0);
        s1 = hn::MulAdd(p1, hn::Log(d, hn::Div(p1, hn::LoadU(d, q + i + lanes))), s1);
    }
    double total = static_cast<double>(hn::GetLane(hn::SumOfLanes(d, hn::Add(s0, s1))));
    for (; i < n; ++i) total += static_cast<double>(p[i] * std::log(p[i] / q[i]));
    return total;
}

}  // namespace

double highway_kl(const float* p, const float* q, std::size_t n) { return kl(p, q, n); }
double highway_kl(const double* p, const double* q, std::size_t n) { return kl(p, q, n); }

}  // namespace kldiv_bench
