// Planner tests for plan/labels.hpp and plan/contraction_path.hpp: the label vocabulary and the
// path walk.
#include <eigen_einsum/plan/contraction_path.hpp>
#include <eigen_einsum/plan/labels.hpp>

#include <catch2/catch.hpp>

namespace {

using namespace eigen_einsum::detail;

constexpr label_list list_of(const char* text) {
  label_list t{};
  for (; *text != '\0'; ++text) {
    t.push_back(*text);
  }
  return t;
}

} // namespace

TEST_CASE("labels: slots follow ASCII order, uppercase first", "[labels]") {
  STATIC_REQUIRE(slot_of('A') == 0);
  STATIC_REQUIRE(slot_of('Z') == 25);
  STATIC_REQUIRE(slot_of('a') == 26);
  STATIC_REQUIRE(slot_of('z') == num_letters - 1);
  for (int slot = 0; slot < num_letters; ++slot) {
    REQUIRE(slot_of(label_at(slot)) == slot);
    REQUIRE(is_label(label_at(slot)));
  }
  STATIC_REQUIRE(!is_label('.'));
}

TEST_CASE("labels: label sets, popcount and sizes", "[labels]") {
  constexpr label_set s = set_of(list_of("ijki"));
  STATIC_REQUIRE(popcount(s) == 3);
  STATIC_REQUIRE(lowest_slot(s) == slot_of('i'));
  constexpr per_label<double> x = [] {
    per_label<double> e{};
    e['i'] = 2;
    e['j'] = 3;
    e['k'] = 5;
    return e;
  }();
  STATIC_REQUIRE(size_of(s, x) == 30);
  STATIC_REQUIRE(size_of(0, x) == 1);
  STATIC_REQUIRE(list_of("ijki").count('i') == 2);
  STATIC_REQUIRE(list_of("ijk").find('k') == 2);
  STATIC_REQUIRE(!list_of("ijk").contains('l'));
}

TEST_CASE("labels: memory_axis flips RowMajor axes and is its own inverse", "[labels]") {
  STATIC_REQUIRE(memory_axis(0, 3, false) == 0);
  STATIC_REQUIRE(memory_axis(0, 3, true) == 2);
  for (int k = 0; k < 4; ++k) {
    REQUIRE(memory_axis(memory_axis(k, 4, true), 4, true) == k);
  }
}

TEST_CASE("labels: the path walk follows numpy's order", "[labels]") {
  // (1, 2) then (0, 1): operands 1 and 2 first, their result appended, then 0 with it.
  contraction_path path{};
  path.add(2, 1);
  path.add(0, 1);
  int list[3] = {0, 1, 2};
  int seen[2][2] = {};
  walk(path, list, 3, [&](int st, int a, int b, const int*, int) {
    seen[st][0] = a;
    seen[st][1] = b;
    return 10 + st;
  });
  REQUIRE((seen[0][0] == 1 && seen[0][1] == 2));
  REQUIRE((seen[1][0] == 0 && seen[1][1] == 10));
  STATIC_REQUIRE(left_to_right(3).num_steps == 2);
  STATIC_REQUIRE((left_to_right(3).pairs[1][0] == 0 && left_to_right(3).pairs[1][1] == 1));
}
