// Planner tests for plan/validate.hpp, plan/ellipsis.hpp and plan/extents.hpp: the first mistake
// for given operands, and the run-time extents.
#include "support/labels.hpp"

#include <eigen_einsum/plan/ellipsis.hpp>
#include <eigen_einsum/plan/extents.hpp>
#include <eigen_einsum/plan/validate.hpp>

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
  const char* text = "ij,jk->ik";
  const std::array<std::ptrdiff_t, 2> a{2, 3}, b{3, 5}, bad{4, 5};
  const auto extent = check_extents(s, text, a, b);
  REQUIRE(extent['i'] == 2);
  REQUIRE(extent['j'] == 3);
  REQUIRE(extent['k'] == 5);
  REQUIRE_THROWS_WITH(check_extents(s, text, a, bad),
                      "einsum: label 'j' has extent 3 in operand 0 but 4 in operand 1, in "
                      "\"ij,jk->ik\" with operand shapes (2,3), (4,5)");
  REQUIRE_THROWS_AS(check_extents(s, text, a, bad), eigen_einsum::shape_error);
  constexpr auto diag = parse("ii->i", 5);
  const char* diag_text = "ii->i";
  REQUIRE_THROWS_WITH(check_extents(diag, diag_text, a),
                      "einsum: label 'i' has extent 2 in operand 0 but 3 in operand 0, in "
                      "\"ii->i\" with operand shape (2,3)");
}

namespace {

constexpr subscript expanded(std::string_view text, const operand_facts& f) {
  return expand_ellipsis(parse(text.data(), text.size()), f.rank);
}

/// The labels of an expanded label_list, which has no '...' left.
constexpr bool same(const label_list& t, std::string_view labels) {
  return t.ellipsis < 0 && eigen_einsum_test::labels_are(t, labels);
}

} // namespace

TEST_CASE("validate: '...' becomes unused letters, aligned on the right", "[validate]") {
  // "...ij,jk" for ranks 4 and 2: A and B (the first unused letters) for the two dimensions.
  constexpr subscript s = expanded("...ij,jk", facts({4, 2}));
  STATIC_REQUIRE(same(s.operands[0], "ABij"));
  STATIC_REQUIRE(same(s.operands[1], "jk"));
  STATIC_REQUIRE(same(s.output, "ABik"));
  STATIC_REQUIRE(same(s.ellipsis_labels, "AB"));
  // Fewer dimensions under one operand's '...' take the innermost letters; any position.
  constexpr subscript t = expanded("i...,...->...i", facts({3, 1}));
  STATIC_REQUIRE(same(t.operands[0], "iAB"));
  STATIC_REQUIRE(same(t.operands[1], "B"));
  STATIC_REQUIRE(same(t.output, "ABi"));
  // An explicit output without '...' sums those dimensions; an empty '...' is allowed.
  constexpr subscript u = expanded("...ij->ij", facts({3}));
  STATIC_REQUIRE(same(u.operands[0], "Aij"));
  STATIC_REQUIRE(same(u.output, "ij"));
  constexpr subscript v = expanded("i...->...i", facts({1}));
  STATIC_REQUIRE(same(v.operands[0], "i"));
  STATIC_REQUIRE(same(v.output, "i"));
  // Letters the subscript uses are skipped.
  constexpr subscript w = expanded("A...,B", facts({2, 1}));
  STATIC_REQUIRE(same(w.operands[0], "AC"));
  STATIC_REQUIRE(same(w.output, "CAB"));
}

TEST_CASE("validate: '...' errors", "[validate]") {
  constexpr auto more = check("ij...k", facts({2}));
  STATIC_REQUIRE(more.kind == error_kind::more_labels_than_rank);
  STATIC_REQUIRE(more.expected == 3);
  STATIC_REQUIRE(more.got == 2);
  STATIC_REQUIRE(check("ij...", facts({2})).kind == error_kind::none);
  // Without '...' the subscript's length must equal the rank (numpy's two messages).
  STATIC_REQUIRE(check("i", facts({2})).kind == error_kind::subscript_length_differs_from_rank);
  // Beyond 32 labels in one operand or output subscript.
  STATIC_REQUIRE(check("...", facts({33})).kind == error_kind::too_many_ellipsis_dimensions);
  constexpr auto output =
      check("abcdefghijklmnopqrst,...->abcdefghijklmnopqrst...", facts({20, 13}));
  STATIC_REQUIRE(output.kind == error_kind::too_many_ellipsis_dimensions);
  STATIC_REQUIRE(output.detail == error_detail::output_length);
}

TEST_CASE("validate: dimensions under '...' broadcast extent 1", "[validate]") {
  constexpr auto s = expanded("...i,...i", facts({2, 3}));
  const char* text = "...i,...i";
  const std::array<std::ptrdiff_t, 2> a{1, 3};
  const std::array<std::ptrdiff_t, 3> b{4, 5, 3}, c{4, 1, 3}, bad{4, 2, 3};
  const auto extent = check_extents(s, text, a, b);
  REQUIRE(extent['A'] == 4);
  REQUIRE(extent['B'] == 5);
  REQUIRE(extent['i'] == 3);
  REQUIRE(check_extents(s, text, a, c)['B'] == 1);
  const std::array<std::ptrdiff_t, 2> five{5, 3};
  REQUIRE(check_extents(s, text, five, c)['B'] == 5);
  const std::array<std::ptrdiff_t, 2> three{3, 3};
  REQUIRE_THROWS_WITH(check_extents(s, text, three, bad),
                      "einsum: the dimensions under '...' do not broadcast: axis 0 of operand 0 "
                      "has extent 3 but axis 1 of operand 1 has extent 2, and only extent 1 "
                      "broadcasts, in \"...i,...i\" with operand shapes (3,3), (4,2,3)");
  // Labels do not broadcast; the message says where extent 1 does.
  constexpr auto labels = parse("ij,jk", 5);
  const char* labels_text = "ij,jk";
  const std::array<std::ptrdiff_t, 2> one{2, 1}, wide{3, 4};
  REQUIRE_THROWS_WITH(check_extents(labels, labels_text, one, wide),
                      "einsum: label 'j' has extent 1 in operand 0 but 3 in operand 1 (extent 1 "
                      "broadcasts only under '...', or for every label with the option "
                      "eigen_einsum::numpy_broadcasting), in \"ij,jk\" with operand shapes "
                      "(2,1), (3,4)");
}

TEST_CASE("validate: under numpy_broadcasting every label broadcasts extent 1", "[validate]") {
  constexpr auto s = with_numpy_broadcasting(parse("ij,jk", 5));
  const char* text = "ij,jk";
  const std::array<std::ptrdiff_t, 2> one{2, 1}, wide{3, 4}, other{2, 3}, bad{5, 4};
  const auto extent = check_extents(s, text, one, wide);
  REQUIRE(extent['j'] == 3);
  REQUIRE(extent.broadcasts);
  REQUIRE(!check_extents(s, text, other, wide).broadcasts);
  REQUIRE_THROWS_WITH(check_extents(s, text, other, bad),
                      "einsum: label 'j' has extent 3 in operand 0 but 5 in operand 1, in "
                      "\"ij,jk\" with operand shapes (2,3), (5,4)");
  // A label repeated in one operand has one extent there, as in numpy.
  constexpr auto diag = with_numpy_broadcasting(parse("ii,i", 4));
  const char* diag_text = "ii,i";
  const std::array<std::ptrdiff_t, 2> square{1, 1}, oblong{1, 3};
  const std::array<std::ptrdiff_t, 1> three{3};
  REQUIRE(check_extents(diag, diag_text, square, three)['i'] == 3);
  REQUIRE_THROWS_WITH(check_extents(diag, diag_text, oblong, three),
                      "einsum: label 'i' has extent 1 in operand 0 but 3 in operand 0, in "
                      "\"ii,i\" with operand shapes (1,3), (3)");
}

TEST_CASE("validate: a zero extent is flagged", "[validate]") {
  constexpr auto s = parse("ij,jk", 5);
  const char* text = "ij,jk";
  const std::array<std::ptrdiff_t, 2> a{2, 0}, b{0, 3}, c{2, 3}, d{3, 4};
  REQUIRE(check_extents(s, text, a, b).zero);
  REQUIRE(!check_extents(s, text, c, d).zero);
}
