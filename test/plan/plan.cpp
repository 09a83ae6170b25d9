// Planner tests for plan/plan.hpp: which steps a subscript becomes, checked at compile time.
#include <eigen_einsum/plan/plan.hpp>

#include <catch2/catch.hpp>

#include <string_view>

namespace {

using namespace eigen_einsum::detail;

constexpr plan<3> plan_of(std::string_view text, bool row_major = false) {
  return make_plan(parse(text.data(), text.size()), row_major);
}

constexpr const node& root(const plan<3>& p) {
  return p.nodes[p.num_nodes - 1];
}

constexpr bool same_axes(const signed char* a, const signed char* b, int n) {
  for (int i = 0; i < n; ++i) {
    if (a[i] != b[i]) {
      return false;
    }
  }
  return true;
}

/// Same batched contraction: ranks and the label id of every axis.
constexpr bool same_spec(const batch_contraction_spec& a, const batch_contraction_spec& b) {
  if (a.lhs_rank != b.lhs_rank || a.rhs_rank != b.rhs_rank || a.out_rank != b.out_rank ||
      a.num_batch != b.num_batch || a.num_contracted != b.num_contracted) {
    return false;
  }
  for (int i = 0; i < a.out_rank; ++i) {
    if (a.out[i] != b.out[i]) {
      return false;
    }
  }
  for (int i = 0; i < a.lhs_rank; ++i) {
    if (a.lhs[i] != b.lhs[i]) {
      return false;
    }
  }
  for (int i = 0; i < a.rhs_rank; ++i) {
    if (a.rhs[i] != b.rhs[i]) {
      return false;
    }
  }
  return true;
}

/// Same structure: node kinds, batched contractions and step kinds and axes, whatever the label
/// names.
constexpr bool same_plan(const plan<3>& a, const plan<3>& b) {
  if (a.num_nodes != b.num_nodes) {
    return false;
  }
  for (int i = 0; i < a.num_nodes; ++i) {
    const node &x = a.nodes[i], &y = b.nodes[i];
    if (x.kind != y.kind || x.lhs != y.lhs || x.rhs != y.rhs || x.num_steps != y.num_steps ||
        !same_spec(x.batch, y.batch)) {
      return false;
    }
    for (int s = 0; s < x.num_steps; ++s) {
      if (x.steps[s].kind != y.steps[s].kind ||
          !same_axes(x.steps[s].axes, y.steps[s].axes, x.steps[s].num_axes)) {
        return false;
      }
    }
  }
  return true;
}

} // namespace

TEST_CASE("plan: identity and permutation", "[plan]") {
  STATIC_REQUIRE(root(plan_of("ij->ij")).num_steps == 0);
  constexpr auto p = plan_of("ijk->kji");
  STATIC_REQUIRE(root(p).num_steps == 1);
  STATIC_REQUIRE(root(p).steps[0].kind == step_kind::shuffle);
  STATIC_REQUIRE(root(p).steps[0].axes[0] == 2);
  STATIC_REQUIRE(root(p).steps[0].axes[2] == 0);
}

TEST_CASE("plan: summed labels around the kept ones in one pass, between them with Eigen's",
          "[plan]") {
  // ColMajor: axis 0 is innermost. Innermost, outermost and all axes: one pass of ours.
  STATIC_REQUIRE(root(plan_of("ij->j")).steps[0].kind == step_kind::sum_around_kept);
  STATIC_REQUIRE(root(plan_of("ij->i")).steps[0].kind == step_kind::sum_around_kept);
  STATIC_REQUIRE(root(plan_of("ij->")).steps[0].kind == step_kind::sum_around_kept);
  // RowMajor: the last axis is innermost.
  STATIC_REQUIRE(root(plan_of("ij->i", true)).steps[0].kind == step_kind::sum_around_kept);
  STATIC_REQUIRE(root(plan_of("ij->j", true)).steps[0].kind == step_kind::sum_around_kept);
  STATIC_REQUIRE(root(plan_of("ij->", true)).num_steps == 1);
  // ijk->j: k (innermost, RowMajor) and i (outermost) around the kept j: one pass.
  constexpr auto p = plan_of("ijk->j", true);
  STATIC_REQUIRE(root(p).num_steps == 1);
  STATIC_REQUIRE(root(p).steps[0].kind == step_kind::sum_around_kept);
  // ijkl->ik: sum l (innermost) in one pass, which materialises the smaller result, then sum j
  // between kept axes.
  constexpr auto q = plan_of("ijkl->ik", true);
  STATIC_REQUIRE(root(q).num_steps == 2);
  STATIC_REQUIRE(root(q).steps[0].kind == step_kind::sum_around_kept);
  STATIC_REQUIRE(root(q).steps[0].axes[0] == 3);
  STATIC_REQUIRE(root(q).steps[1].kind == step_kind::sum);
  // A summed label between kept ones stays one Eigen reduction.
  STATIC_REQUIRE(root(plan_of("ijk->ik")).steps[0].kind == step_kind::sum);
}

TEST_CASE("plan: diagonal labels become a trace when summed, a view when kept", "[plan]") {
  STATIC_REQUIRE(root(plan_of("ii->")).steps[0].kind == step_kind::trace);
  STATIC_REQUIRE(root(plan_of("iij->j")).steps[0].kind == step_kind::trace);
  constexpr auto kept = plan_of("iji->ij");
  STATIC_REQUIRE(root(kept).steps[0].kind == step_kind::diagonal);
  STATIC_REQUIRE(root(kept).steps[0].axes[0] == 0);
  STATIC_REQUIRE(root(kept).steps[0].axes[1] == 1);
  STATIC_REQUIRE(root(kept).steps[0].axes[2] == 0);
  STATIC_REQUIRE(root(kept).num_steps == 1);
}

TEST_CASE("plan: a contraction is a batched GEMM written in the output's order", "[plan]") {
  // Label ids: contracted j is 0, free i is 1, free k is 2.
  constexpr auto mm = plan_of("ij,jk->ik");
  STATIC_REQUIRE(root(mm).kind == node_kind::batch_contract);
  STATIC_REQUIRE(root(mm).lhs == 0);
  STATIC_REQUIRE(root(mm).num_steps == 0);
  STATIC_REQUIRE(root(mm).batch.num_batch == 0);
  STATIC_REQUIRE(root(mm).batch.num_contracted == 1);
  STATIC_REQUIRE((root(mm).batch.out[0] == 1 && root(mm).batch.out[1] == 2));
  constexpr auto swapped = plan_of("ij,jk->ki");
  STATIC_REQUIRE(root(swapped).num_steps == 0);
  STATIC_REQUIRE((root(swapped).batch.out[0] == 2 && root(swapped).batch.out[1] == 1));
  constexpr auto shuffled = plan_of("ijk,jl->kli");
  STATIC_REQUIRE(root(shuffled).num_steps == 0);
  STATIC_REQUIRE(root(shuffled).kind == node_kind::batch_contract);
}

TEST_CASE("plan: an intermediate keeps the labels contracted next at one end", "[plan]") {
  // Matrix-product-state chains: the hand order's intermediates, and no shuffle at the end.
  for (const bool row_major : {false, true}) {
    const auto sandwich = make_plan<5>(parse("ab,bsc,cd->asd", 14), row_major, left_to_right(3));
    const label_list& asc = sandwich.nodes[3].result();
    REQUIRE(std::string_view(asc.labels, std::size_t(asc.size)) == "asc");
    REQUIRE(sandwich.nodes[4].num_steps == 0);
    const auto transfer = make_plan<5>(parse("ad,asb,dsc->bc", 14), row_major, left_to_right(3));
    const label_list& dsb = transfer.nodes[3].result();
    REQUIRE(std::string_view(dsb.labels, std::size_t(dsb.size)) == "dsb");
  }
}

TEST_CASE("plan: a product is read once by the batched contraction, not materialised first",
          "[plan]") {
  constexpr auto p = [] {
    contraction_path path{};
    path.add(0, 2);
    path.add(0, 1);
    return make_plan<5>(parse("a,asb,s->b", 10), false, path);
  }();
  STATIC_REQUIRE(p.nodes[3].kind == node_kind::product);
  STATIC_REQUIRE(p.nodes[3].num_steps == 0);
  STATIC_REQUIRE(p.nodes[4].kind == node_kind::batch_contract);
}

TEST_CASE("plan: a label summed in one operand is reduced and materialised first", "[plan]") {
  // i, innermost: one pass of ours, which materialises.
  constexpr auto p = plan_of("ij,jk->k");
  STATIC_REQUIRE(root(p).kind == node_kind::batch_contract);
  STATIC_REQUIRE(p.nodes[0].num_steps == 1);
  STATIC_REQUIRE(p.nodes[0].steps[0].kind == step_kind::sum_around_kept);
  // j, between kept axes: Eigen's reduction, then materialised.
  constexpr auto q = plan_of("ijk,ik->k");
  STATIC_REQUIRE(root(q).kind == node_kind::batch_contract);
  STATIC_REQUIRE(q.nodes[0].num_steps == 2);
  STATIC_REQUIRE(q.nodes[0].steps[0].kind == step_kind::sum);
  STATIC_REQUIRE(q.nodes[0].steps[1].kind == step_kind::eval);
}

TEST_CASE("plan: products align and broadcast each side", "[plan]") {
  constexpr auto outer = plan_of("i,j->ij");
  STATIC_REQUIRE(root(outer).kind == node_kind::product);
  STATIC_REQUIRE(outer.nodes[0].steps[0].kind == step_kind::expand);
  STATIC_REQUIRE(outer.nodes[1].steps[0].kind == step_kind::expand);
  constexpr auto hadamard = plan_of("ij,ij->ij");
  STATIC_REQUIRE(root(hadamard).kind == node_kind::product);
  STATIC_REQUIRE(hadamard.nodes[0].num_steps == 0);
  STATIC_REQUIRE(hadamard.nodes[1].num_steps == 0);
  constexpr auto transposed = plan_of("ij,ji->ij");
  STATIC_REQUIRE(transposed.nodes[1].steps[0].kind == step_kind::shuffle);
  constexpr auto dot = plan_of("i,i->");
  STATIC_REQUIRE(root(dot).kind == node_kind::product);
  STATIC_REQUIRE(root(dot).steps[0].kind == step_kind::sum);
}

TEST_CASE("plan: batch labels with contracted labels make a batched contraction", "[plan]") {
  constexpr auto p = plan_of("bij,bjk->bik");
  STATIC_REQUIRE(root(p).kind == node_kind::batch_contract);
  // Label ids: batch b is 0, contracted j is 1, free i is 2, free k is 3; written as bik.
  constexpr batch_contraction_spec spec = root(p).batch;
  STATIC_REQUIRE(spec.num_batch == 1);
  STATIC_REQUIRE(spec.num_contracted == 1);
  STATIC_REQUIRE((spec.lhs[0] == 0 && spec.lhs[1] == 2 && spec.lhs[2] == 1));
  STATIC_REQUIRE((spec.rhs[0] == 0 && spec.rhs[1] == 1 && spec.rhs[2] == 3));
  STATIC_REQUIRE((spec.out[0] == 0 && spec.out[1] == 2 && spec.out[2] == 3));
}

TEST_CASE("plan: plans do not depend on label names", "[plan]") {
  STATIC_REQUIRE(same_plan(plan_of("abcd,cdef->abef"), plan_of("abcr,cref->abef")));
  STATIC_REQUIRE(same_plan(plan_of("ij,jk->ik"), plan_of("xy,yz->xz")));
  STATIC_REQUIRE(!same_plan(plan_of("ij,jk->ik"), plan_of("ij,jk->ki")));
}

TEST_CASE("plan: labels from '...' shared with another operand broadcast first", "[plan]") {
  // "...ij,...jk->...ik" once '...' became A: A broadcasts in both operands, per call.
  constexpr plan<3> p = [] {
    subscript s = parse("Aij,Ajk->Aik", 12);
    s.ellipsis_labels.labels[s.ellipsis_labels.size++] = 'A';
    s.broadcasting = set_of('A');
    return make_plan(s, false);
  }();
  STATIC_REQUIRE(p.nodes[0].num_steps == 1);
  STATIC_REQUIRE(p.nodes[0].steps[0].kind == step_kind::broadcast);
  STATIC_REQUIRE(p.nodes[0].steps[0].num_axes == 1);
  STATIC_REQUIRE(p.nodes[0].steps[0].axes[0] == 0);
  STATIC_REQUIRE(p.nodes[1].steps[0].kind == step_kind::broadcast);
  STATIC_REQUIRE(root(p).kind == node_kind::batch_contract);
  // In one operand only, a label from '...' never broadcasts.
  constexpr plan<3> q = [] {
    subscript s = parse("Aij,jk->Aik", 11);
    s.ellipsis_labels.labels[s.ellipsis_labels.size++] = 'A';
    s.broadcasting = set_of('A');
    return make_plan(s, false);
  }();
  STATIC_REQUIRE(q.nodes[0].num_steps == 0);
  STATIC_REQUIRE(q.nodes[1].num_steps == 0);
  STATIC_REQUIRE(root(q).kind == node_kind::batch_contract);
}
