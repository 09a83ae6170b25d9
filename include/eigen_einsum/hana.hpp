// eigen-einsum: the inline C++17 spelling with a Boost.Hana compile-time string, opt-in: only this
// header needs Boost (CMake target eigen_einsum::hana).
//
//   #include <eigen_einsum/hana.hpp>
//   Eigen::Tensor<float, 2> c = eigen_einsum::einsum(BOOST_HANA_STRING("ij,jk->ik"), a, b);
//
// With BOOST_HANA_CONFIG_ENABLE_STRING_UDL defined (a GNU extension that GCC and Clang accept)
// and `using namespace boost::hana::literals;`, `einsum("ij,jk->ik"_s, a, b)` too. Gives the same
// expression type and the same errors as `einsum<"ij,jk->ik">(a, b)`.
#ifndef EIGEN_EINSUM_HANA_HPP
#define EIGEN_EINSUM_HANA_HPP

#include "einsum.hpp"

#include <boost/hana/string.hpp>

#include <utility>

namespace eigen_einsum {

/// einsum with the subscript as a Boost.Hana string: `einsum(BOOST_HANA_STRING("ij->ji"), a)`;
/// options go first: `einsum<memory_limit<1000>>(BOOST_HANA_STRING("ij,jk,kl->il"), a, b, c)`.
template <class Option = default_options, char... Text, class... Ops>
EIGEN_ALWAYS_INLINE decltype(auto) einsum(boost::hana::string<Text...>, Ops&&... ops) {
  return detail::einsum<detail::subscript_text<Text...>, Option>(std::forward<Ops>(ops)...);
}

/// einsum_path with the subscript as a Boost.Hana string.
template <class Option = default_options, char... Text, class... Ops>
path_info einsum_path(boost::hana::string<Text...>, const Ops&... ops) {
  return detail::einsum_path<detail::subscript_text<Text...>, Option>(ops...);
}

/// gradient with the subscript as a Boost.Hana string, K first:
/// `gradient<0>(BOOST_HANA_STRING("ij,jk->ik"), g, a, b)`.
template <int K, class Option = default_options, char... Text, class G, class... Ops>
decltype(auto) gradient(boost::hana::string<Text...>, const G& g, const Ops&... ops) {
  return detail::gradient<detail::subscript_text<Text...>, K, Option>(g, ops...);
}

/// gradients with the subscript as a Boost.Hana string:
/// `gradients(BOOST_HANA_STRING("ij,jk->ik"), g, a, b)`.
template <class Option = default_options, char... Text, class G, class... Ops>
auto gradients(boost::hana::string<Text...>, const G& g, const Ops&... ops) {
  return detail::gradients<detail::subscript_text<Text...>, Option>(g, ops...);
}

/// record with the subscript as a Boost.Hana string:
/// `record(BOOST_HANA_STRING("ij,jk->ik"), a, b)`.
template <class Option = default_options, char... Text, class... Ops>
auto record(boost::hana::string<Text...>, Ops&&... ops) {
  return detail::record<detail::subscript_text<Text...>, Option>(std::forward<Ops>(ops)...);
}

} // namespace eigen_einsum

#endif // EIGEN_EINSUM_HANA_HPP
