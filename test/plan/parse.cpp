// Stage tests for parse.hpp: the subscript text as plain constexpr data.
#include "support/labels.hpp"

#include <eigen_einsum/plan/parse.hpp>

#include <catch2/catch.hpp>

#include <string_view>

namespace {

using eigen_einsum::detail::label_list;
using eigen_einsum::detail::parse;
using eigen_einsum::detail::parse_error_kind;
using eigen_einsum::detail::subscript;
using eigen_einsum::detail::with_distinct_output;

constexpr subscript parse_text(std::string_view s) {
  return parse(s.data(), s.size());
}

using eigen_einsum_test::labels_are;

} // namespace

TEST_CASE("parse: operand and output subscripts", "[parse]") {
  constexpr auto s = parse_text("ij,jk->ik");
  STATIC_REQUIRE(s.error.kind == parse_error_kind::none);
  STATIC_REQUIRE(s.num_operands == 2);
  STATIC_REQUIRE(labels_are(s.operands[0], "ij"));
  STATIC_REQUIRE(labels_are(s.operands[1], "jk"));
  STATIC_REQUIRE(s.explicit_output);
  STATIC_REQUIRE(labels_are(s.output, "ik"));
}

TEST_CASE("parse: spaces are ignored", "[parse]") {
  constexpr auto s = parse_text(" i j , j k -> i k ");
  STATIC_REQUIRE(s.error.kind == parse_error_kind::none);
  STATIC_REQUIRE(labels_are(s.operands[1], "jk"));
  STATIC_REQUIRE(labels_are(s.output, "ik"));
}

TEST_CASE("parse: implicit output is the labels seen once, uppercase first", "[parse]") {
  STATIC_REQUIRE(labels_are(parse_text("ij,jk").output, "ik"));
  STATIC_REQUIRE(labels_are(parse_text("ba").output, "ab"));
  STATIC_REQUIRE(labels_are(parse_text("bA,Cb").output, "AC"));
  STATIC_REQUIRE(labels_are(parse_text("ii").output, ""));
  STATIC_REQUIRE(labels_are(parse_text("iij").output, "j"));
  STATIC_REQUIRE(!parse_text("ij").explicit_output);
}

TEST_CASE("parse: empty output and rank-0 operands", "[parse]") {
  constexpr auto s = parse_text("i,i->");
  STATIC_REQUIRE(s.explicit_output);
  STATIC_REQUIRE(s.output.size == 0);
  constexpr auto scalar = parse_text(",ij->ij");
  STATIC_REQUIRE(scalar.num_operands == 2);
  STATIC_REQUIRE(scalar.operands[0].size == 0);
}

TEST_CASE("parse: ellipsis position is recorded", "[parse]") {
  constexpr auto s = parse_text("...ij,j...->...i");
  STATIC_REQUIRE(s.error.kind == parse_error_kind::none);
  STATIC_REQUIRE(s.operands[0].ellipsis == 0);
  STATIC_REQUIRE(s.operands[1].ellipsis == 1);
  STATIC_REQUIRE(s.output.ellipsis == 0);
}

TEST_CASE("parse: errors name the character and column", "[parse]") {
  constexpr auto bad = parse_text("ij,j#->i");
  STATIC_REQUIRE(bad.error.kind == parse_error_kind::invalid_character);
  STATIC_REQUIRE(bad.error.label == '#');
  STATIC_REQUIRE(bad.error.operand == 1);
  STATIC_REQUIRE(bad.error.column == 4);
  STATIC_REQUIRE(parse_text("ij-k").error.kind == parse_error_kind::malformed_arrow);
  STATIC_REQUIRE(parse_text("ij->i->j").error.kind == parse_error_kind::malformed_arrow);
  STATIC_REQUIRE(parse_text("ij>i").error.kind == parse_error_kind::malformed_arrow);
  STATIC_REQUIRE(parse_text("ij->i,j").error.kind == parse_error_kind::malformed_arrow);
  STATIC_REQUIRE(parse_text("i..j").error.kind == parse_error_kind::malformed_ellipsis);
  STATIC_REQUIRE(parse_text("...i...").error.kind == parse_error_kind::malformed_ellipsis);
}

TEST_CASE("parse: a repeated output label is kept, and planned once", "[parse]") {
  constexpr auto twice = parse_text("ij->iji");
  STATIC_REQUIRE(twice.error.kind == parse_error_kind::none);
  STATIC_REQUIRE(labels_are(twice.output, "iji"));
  STATIC_REQUIRE(labels_are(with_distinct_output(twice).output, "ij"));
  STATIC_REQUIRE(labels_are(with_distinct_output(parse_text("ij->ji")).output, "ji"));
}

TEST_CASE("parse: runs at run time too", "[parse]") {
  const std::string text = "ab,bc->ac";
  const auto s = parse(text.data(), text.size());
  REQUIRE(s.num_operands == 2);
  REQUIRE(labels_are(s.output, "ac"));
}

TEST_CASE("parse: one constant evaluation does not leak into the next (GCC 12)", "[parse]") {
  // Found by the torch corpus: under GCC 12 the second parse failed at the '...' of "SS...J".
  constexpr auto first = parse_text(",,j->j");
  constexpr auto second = parse_text("J...S,S...J,SS...J");
  STATIC_REQUIRE(first.error.kind == parse_error_kind::none);
  STATIC_REQUIRE(second.error.kind == parse_error_kind::none);
  STATIC_REQUIRE(second.operands[2].ellipsis == 2);
}
