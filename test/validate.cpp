// Stage tests for validate.hpp: the first mistake for given operands, and the run-time extents.
#include <eigen_einsum/validate.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <string_view>

namespace {

using namespace eigen_einsum::detail;

constexpr operand_facts facts(std::initializer_list<int> ranks) {
  operand_facts f{};
  for (int r : ranks) {
    f.rank[f.count] = r;
    f.same_scalar[f.count] = true;
    f.same_layout[f.count] = true;
    ++f.count;
  }
  return f;
}

constexpr validation check(std::string_view text, const operand_facts& f) {
  return validate(parse(text.data(), text.size()), f);
}

} // namespace

TEST_CASE("validate: a correct subscript passes", "[validate]") {
  STATIC_REQUIRE(check("ij,jk->ik", facts({2, 2})).kind == error_kind::none);
  STATIC_REQUIRE(check("->", facts({0})).kind == error_kind::none);
}

TEST_CASE("validate: the first mistake is reported with its details", "[validate]") {
  STATIC_REQUIRE(check("ij,j#", facts({2, 2})).kind == error_kind::parse);
  constexpr auto count = check("ij,jk->ik", facts({2}));
  STATIC_REQUIRE(count.kind == error_kind::wrong_number_of_operands);
  STATIC_REQUIRE(count.expected == 2);
  STATIC_REQUIRE(count.got == 1);
  constexpr auto rank = check("ij,jk->ik", facts({2, 3}));
  STATIC_REQUIRE(rank.kind == error_kind::subscript_length_differs_from_rank);
  STATIC_REQUIRE(rank.operand == 1);
  STATIC_REQUIRE(rank.expected == 2);
  STATIC_REQUIRE(rank.got == 3);
  constexpr auto missing = check("ij,jk->il", facts({2, 2}));
  STATIC_REQUIRE(missing.kind == error_kind::output_label_not_in_any_input);
  STATIC_REQUIRE(missing.label == 'l');
  constexpr auto f = [] {
    auto r = facts({2, 2});
    r.same_layout[1] = false;
    return r;
  }();
  STATIC_REQUIRE(check("ij,jk->ik", f).kind == error_kind::mixed_layouts);
}

TEST_CASE("validate: extents of one label must agree", "[validate]") {
  constexpr auto s = parse("ij,jk->ik", 9);
  const std::array<std::ptrdiff_t, 2> a{2, 3}, b{3, 5}, bad{4, 5};
  const auto extent = check_extents(s, a, b);
  REQUIRE(extent['i'] == 2);
  REQUIRE(extent['j'] == 3);
  REQUIRE(extent['k'] == 5);
  REQUIRE_THROWS_WITH(check_extents(s, a, bad),
                      "einsum: label 'j' has extent 3 in operand 0 but 4 in operand 1");
  REQUIRE_THROWS_AS(check_extents(s, a, bad), eigen_einsum::shape_error);
  constexpr auto diag = parse("ii->i", 5);
  REQUIRE_THROWS_WITH(check_extents(diag, a),
                      "einsum: label 'i' has extent 2 in operand 0 but 3 in operand 0");
}
