// Fisher information, scores and parameter vectors of the composite distributions: an affine
// image (the map is fixed, the base family's parameters are the parameters) and an independent
// product (the components' parameters, concatenated; the Fisher matrix block-diagonal).
#pragma once

#include <span>
#include <vector>

#include "kldiv/distributions/independent.hpp"
#include "kldiv/distributions/transformed.hpp"
#include "kldiv/fisher/parametrization.hpp"

namespace kldiv {

/// The base family's parameters (the affine map is fixed, not a parameter).
template <class D>
    requires requires(const D& d) { parameters(d); }
parameter_vector<typename D::value_type> parameters(const transformed<D>& d) {
    return parameters(d.base());
}
/// The same map over the base family at θ (validated by the base constructor).
template <class D>
    requires requires(const D& d, const parameter_vector<typename D::value_type>& t) { with_parameters(d, t); }
transformed<D> with_parameters(const transformed<D>& d, const parameter_vector<typename D::value_type>& t) {
    return transformed<D>(with_parameters(d.base(), t), d.map());
}
/// The base family's Fisher matrix, in any parametrization the base family has (tag): the
/// information about θ in loc + scale·X equals that in X (an invertible map of the data loses
/// none). Same accuracy as the base's.
template <class D, class Tag = parametrization::standard>
    requires requires(const D& d, Tag tag) { fisher_information(d, tag); }
fisher_matrix<typename D::value_type> fisher_information(const transformed<D>& d, Tag tag = {}) {
    return fisher_information(d.base(), tag);
}
/// The base family's score at the pre-image (x − loc)/scale (the Jacobian does not depend on θ).
template <class D>
    requires requires(const D& d, typename D::value_type x) { score(d, x); }
parameter_vector<typename D::value_type> score(const transformed<D>& d, typename D::value_type x) {
    return score(d.base(), (x - d.map().loc) / d.map().scale);
}

/// The components' parameters, concatenated in component order.
template <class F>
    requires requires(const F& f) { parameters(f); }
parameter_vector<typename F::value_type> parameters(const independent<F>& d) {
    std::vector<parameter_vector<typename F::value_type>> parts;
    Eigen::Index total = 0;
    for (const auto& c : d.components()) {
        parts.push_back(parameters(c));
        total += parts.back().size();
    }
    parameter_vector<typename F::value_type> theta(total);
    Eigen::Index at = 0;
    for (const auto& part : parts) {
        theta.segment(at, part.size()) = part;
        at += part.size();
    }
    return theta;
}
/// The product at θ: each component takes its own slice (sizes as in parameters(d); a θ of
/// another length throws kldiv::domain_error).
template <class F>
    requires requires(const F& f, const parameter_vector<typename F::value_type>& t) { with_parameters(f, t); }
independent<F> with_parameters(const independent<F>& d, const parameter_vector<typename F::value_type>& theta) {
    std::vector<F> components;
    Eigen::Index at = 0;
    for (const auto& c : d.components()) {
        const Eigen::Index k = parameters(c).size();
        if (at + k > theta.size()) detail::fail("with_parameters", "θ is too short for the product", theta.size());
        components.push_back(with_parameters(c, parameter_vector<typename F::value_type>(theta.segment(at, k))));
        at += k;
    }
    if (at != theta.size()) detail::fail("with_parameters", "θ is too long for the product", theta.size());
    return independent<F>(std::move(components));
}
/// Block-diagonal: the components' Fisher matrices in the tag's parametrization (independent
/// coordinates carry independent information). Same accuracy as the components'.
template <class F, class Tag = parametrization::standard>
    requires requires(const F& f, Tag tag) { fisher_information(f, tag); }
fisher_matrix<typename F::value_type> fisher_information(const independent<F>& d, Tag tag = {}) {
    std::vector<fisher_matrix<typename F::value_type>> blocks;
    Eigen::Index total = 0;
    for (const auto& c : d.components()) {
        blocks.push_back(fisher_information(c, tag));
        total += blocks.back().rows();
    }
    fisher_matrix<typename F::value_type> f = fisher_matrix<typename F::value_type>::Zero(total, total);
    Eigen::Index at = 0;
    for (const auto& b : blocks) {
        f.block(at, at, b.rows(), b.cols()) = b;
        at += b.rows();
    }
    return f;
}
/// The components' scores at their coordinates, concatenated (x of n entries, else kldiv::domain_error).
template <class F>
    requires requires(const F& f, typename F::value_type x) { score(f, x); }
parameter_vector<typename F::value_type> score(const independent<F>& d, std::span<const typename F::value_type> x) {
    detail::require_entries("score", d.size(), x.size());
    std::vector<parameter_vector<typename F::value_type>> parts;
    Eigen::Index total = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        parts.push_back(score(d.components()[i], x[i]));
        total += parts.back().size();
    }
    parameter_vector<typename F::value_type> s(total);
    Eigen::Index at = 0;
    for (const auto& part : parts) {
        s.segment(at, part.size()) = part;
        at += part.size();
    }
    return s;
}

}  // namespace kldiv
