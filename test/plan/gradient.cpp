// Stage tests for plan/gradient.hpp: the subscript of a gradient, derived from the forward one.
#include "support/labels.hpp"

#include <eigen_einsum/plan/gradient.hpp>

#include <catch2/catch.hpp>

#include <string_view>

namespace {

using eigen_einsum::detail::gradient_form;
using eigen_einsum::detail::gradient_of;
using eigen_einsum::detail::parse;
using eigen_einsum::detail::set_of;
using eigen_einsum_test::labels_are;

constexpr gradient_form form(std::string_view s, int k) {
  return gradient_of(parse(s.data(), s.size()), k);
}

constexpr bool text_is(const gradient_form& f, std::string_view text) {
  if (f.size != static_cast<int>(text.size())) {
    return false;
  }
  for (int i = 0; i < f.size; ++i) {
    if (f.text[i] != text[static_cast<std::size_t>(i)]) {
      return false;
    }
  }
  return true;
}

} // namespace

TEST_CASE("gradient_of: g first, then the other operands, operand k's labels out", "[gradient]") {
  STATIC_REQUIRE(text_is(form("ij,jk->ik", 0), "ik,jk->ij"));
  STATIC_REQUIRE(text_is(form("ij,jk->ik", 1), "ik,ij->jk"));
  STATIC_REQUIRE(text_is(form("bimd,bind->bimn", 1), "bimn,bimd->bind"));
  STATIC_REQUIRE(text_is(form("ij,jk,kl->il", 1), "il,ij,kl->jk"));
  // rank-0 output and rank-0 operand
  STATIC_REQUIRE(text_is(form("i,i->", 0), ",i->i"));
  STATIC_REQUIRE(text_is(form(",ij->ij", 0), "ij,ij->"));
  constexpr auto plain = form("ij,jk->ik", 0);
  STATIC_REQUIRE(plain.lonely == 0);
  STATIC_REQUIRE(!plain.repeats);
  STATIC_REQUIRE(labels_are(plain.distinct, "ij"));
}

TEST_CASE("gradient_of: lonely labels leave the text, to be broadcast", "[gradient]") {
  constexpr auto sum = form("ij->i", 0);
  STATIC_REQUIRE(text_is(sum, "i->i"));
  STATIC_REQUIRE(sum.lonely == set_of('j'));
  STATIC_REQUIRE(labels_are(sum.distinct, "ij"));
  constexpr auto both = form("ijk,j->", 0);
  STATIC_REQUIRE(text_is(both, ",j->j"));
  STATIC_REQUIRE(both.lonely == (set_of('i') | set_of('k')));
}

TEST_CASE("gradient_of: a repeated label in operand k is an embedding", "[gradient]") {
  constexpr auto trace = form("ii->", 0);
  STATIC_REQUIRE(text_is(trace, "->"));
  STATIC_REQUIRE(trace.repeats);
  STATIC_REQUIRE(trace.lonely == set_of('i'));
  STATIC_REQUIRE(labels_are(trace.distinct, "i"));
  constexpr auto diag = form("iji->ij", 0);
  STATIC_REQUIRE(text_is(diag, "ij->ij"));
  STATIC_REQUIRE(diag.repeats);
  STATIC_REQUIRE(diag.lonely == 0);
  // A repeated output label is g's diagonal.
  STATIC_REQUIRE(text_is(form("i->ii", 0), "ii->i"));
}
