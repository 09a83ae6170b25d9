// Planner tests for plan/batch_layout.hpp: the spec of a batched contraction from its labels, and
// the layouts in which it runs.
#include <eigen_einsum/plan/batch_layout.hpp>
#include <eigen_einsum/plan/parse.hpp>

#include <catch2/catch.hpp>

#include <string_view>

namespace {

using namespace eigen_einsum::detail;

constexpr batch_contraction_spec spec_of(std::string_view text) {
  const subscript s = parse(text.data(), text.size());
  return batch_spec_of(s.operands[0], s.operands[1], s.output);
}

} // namespace

TEST_CASE("batch_layout: label ids are batch, contracted, left free, right free",
          "[batch_layout]") {
  constexpr batch_contraction_spec s = spec_of("bimd,bind->bimn");
  STATIC_REQUIRE((s.lhs_rank == 4 && s.rhs_rank == 4 && s.out_rank == 4));
  STATIC_REQUIRE((s.num_batch == 2 && s.num_contracted == 1 && s.lhs_free == 1 && s.rhs_free == 1));
  // b 0, i 1, d 2, m 3, n 4.
  STATIC_REQUIRE((s.lhs[0] == 0 && s.lhs[1] == 1 && s.lhs[2] == 3 && s.lhs[3] == 2));
  STATIC_REQUIRE((s.rhs[0] == 0 && s.rhs[1] == 1 && s.rhs[2] == 4 && s.rhs[3] == 2));
  STATIC_REQUIRE((s.out[0] == 0 && s.out[1] == 1 && s.out[2] == 3 && s.out[3] == 4));
  constexpr batch_contraction_spec dot = spec_of("i,i->");
  STATIC_REQUIRE((dot.num_batch == 0 && dot.num_contracted == 1 && dot.out_rank == 0));
}

TEST_CASE("batch_layout: the layouts list axes from the innermost in memory", "[batch_layout]") {
  constexpr batch_layouts col = layouts_of(spec_of("bij,bjk->bik"), false, true, true);
  constexpr batch_layouts row = layouts_of(spec_of("bij,bjk->bik"), true, true, true);
  STATIC_REQUIRE((col.lhs[0] == 0 && col.lhs[2] == 1)); // ColMajor: b innermost
  STATIC_REQUIRE((row.lhs[0] == 1 && row.lhs[2] == 0)); // RowMajor: j innermost
}

TEST_CASE("batch_layout: a transposed left matrix costs an eighth of its elements",
          "[batch_layout]") {
  // The gradient of ea in ea,fb,abcd,gc,hd->efgh (all extents 32): in place, x = the intermediate
  // bcde read transposed (32 x 32^3); swapped, both operands are read plainly and the 32 x 32
  // result is copied into place: that is cheaper.
  constexpr batch_layouts ls = layouts_of(spec_of("bcde,abcd->ea"), false, true, true);
  constexpr long big = 32L * 32 * 32 * 32, out = 32 * 32;
  constexpr batch_layout p = ls.layouts[cheapest_layout(ls, big, big, out)];
  STATIC_REQUIRE((p.lhs_direct() && p.rhs_direct() && !p.out_direct && !p.x_trans));
  STATIC_REQUIRE(cost_of(p, big, big, out) == out);
  // A matrix-vector product packs nothing: ab,a->b reads x = ab transposed at no price.
  constexpr batch_layouts gemv = layouts_of(spec_of("ab,a->b"), false, true, true);
  STATIC_REQUIRE((gemv.layouts[0].x_trans && !gemv.layouts[0].packs_x_trans &&
                  cost_of(gemv.layouts[0], big, 32L, 32768L) == 0));
  // With a large output the in-place layout wins despite its transposed x.
  constexpr batch_layout q = ls.layouts[cheapest_layout(ls, 64L, 64L, big)];
  STATIC_REQUIRE(q.out_direct);
}

TEST_CASE("batch_layout: operands and destination are used in place when their order fits",
          "[batch_layout]") {
  // RowMajor bij,bjk->bik: batch outermost, every slice a plain row-major matrix: no copy at all.
  constexpr batch_layouts row = layouts_of(spec_of("bij,bjk->bik"), true, true, true);
  STATIC_REQUIRE(row.count == 1);
  STATIC_REQUIRE((row.layouts[0].x_direct && row.layouts[0].y_direct && row.layouts[0].out_direct));
  // Attention bimd,bind->bimn, RowMajor: C^T = K Q^T per slice, again no copy. K is read
  // transposed; the layout that copies K instead stays, but costs more at any extents.
  constexpr batch_layouts attention = layouts_of(spec_of("bimd,bind->bimn"), true, true, true);
  constexpr int fastest =
      cheapest_layout(attention, 8 * 8 * 256 * 64, 8 * 8 * 256 * 64, 8 * 8 * 256 * 256);
  STATIC_REQUIRE((attention.layouts[fastest].x_direct && attention.layouts[fastest].y_direct &&
                  attention.layouts[fastest].out_direct));
  // ColMajor ijb,jkb->ikb is the ColMajor counterpart of the first case.
  constexpr batch_layouts col = layouts_of(spec_of("ijb,jkb->ikb"), false, true, true);
  STATIC_REQUIRE((col.count == 1 && col.layouts[0].x_direct && col.layouts[0].y_direct &&
                  col.layouts[0].out_direct));
  // kib is C^T per slice: computed as B^T A^T straight into the destination (B^T read
  // transposed, cheaper than any copy).
  constexpr batch_layouts transposed = layouts_of(spec_of("ijb,jkb->kib"), false, true, true);
  constexpr batch_layout kib = transposed.layouts[cheapest_layout(transposed, 60, 60, 60)];
  STATIC_REQUIRE((kib.swap && kib.x_direct && kib.y_direct && kib.out_direct));
  // ibk interleaves batch and free axes: scratch + permute; the operands are still read in place.
  constexpr batch_layouts scratch = layouts_of(spec_of("ijb,jkb->ibk"), false, true, true);
  STATIC_REQUIRE((scratch.count == 1 && scratch.layouts[0].x_direct &&
                  scratch.layouts[0].y_direct && !scratch.layouts[0].out_direct));
  // Unevaluated operands (no raw access) are always copied.
  constexpr batch_layouts lazy = layouts_of(spec_of("bij,bjk->bik"), true, false, false);
  STATIC_REQUIRE(
      (!lazy.layouts[0].x_direct && !lazy.layouts[0].y_direct && lazy.layouts[0].out_direct));
}
