// REQUIRES: c++20
// The guided tour: each example of the einsum walkthrough, with its inputs and its result.
// Run it with `bash scripts/tour.sh`.
#include <eigen_einsum/einsum.hpp>

#include <iostream>
#include <string>

namespace {

/// Prints a rank-0, 1 or 2 tensor expression as numbers, rows on their own lines.
template <class Expr>
void print(const std::string& name, const Expr& expr) {
  using traits = Eigen::internal::traits<Expr>;
  const Eigen::Tensor<typename traits::Scalar, traits::NumDimensions> t = expr;
  std::cout << "  " << name << " =";
  if constexpr (traits::NumDimensions == 0) {
    std::cout << " " << t() << "\n";
  } else if constexpr (traits::NumDimensions == 1) {
    std::cout << " [";
    for (Eigen::Index i = 0; i < t.dimension(0); ++i) {
      std::cout << (i ? ", " : "") << t(i);
    }
    std::cout << "]\n";
  } else {
    std::cout << "\n";
    for (Eigen::Index i = 0; i < t.dimension(0); ++i) {
      std::cout << "    [";
      for (Eigen::Index j = 0; j < t.dimension(1); ++j) {
        std::cout << (j ? ", " : "") << t(i, j);
      }
      std::cout << "]\n";
    }
  }
}

void title(const std::string& subscript, const std::string& meaning) {
  std::cout << "\neinsum<\"" << subscript << "\">: " << meaning << "\n";
}

} // namespace

int main() {
  using eigen_einsum::einsum;
  Eigen::Tensor<int, 2> a(2, 3);
  a.setValues({{0, 1, 2}, {3, 4, 5}});
  Eigen::Tensor<int, 2> b(3, 2);
  b.setValues({{1, 0}, {2, 1}, {0, 3}});
  Eigen::Tensor<int, 1> v(3), w(3), u(2);
  v.setValues({1, 2, 3});
  w.setValues({4, 5, 6});
  u.setValues({10, 20});

  std::cout << "eigen-einsum guided tour: numpy's einsum on Eigen tensors, planned at compile "
               "time.\nInputs:\n";
  print("a", a);
  print("b", b);
  print("v", v);
  print("w", w);
  print("u", u);

  title("ij->ji", "transpose (an Eigen shuffle)");
  print("result", einsum<"ij->ji">(a));

  title("i->", "sum of a vector");
  print("result", einsum<"i->">(v));

  title("ij->", "sum of a matrix");
  print("result", einsum<"ij->">(a));

  title("ij->i", "sum over columns: one value per row");
  print("result", einsum<"ij->i">(a));

  title("ij->j", "sum over rows: one value per column");
  print("result", einsum<"ij->j">(a));

  title("i,i->", "dot product");
  print("result", einsum<"i,i->">(v, w));

  title("i,i->i", "coefficient-wise (Hadamard) product");
  print("result", einsum<"i,i->i">(v, w));

  title("i,j->ij", "outer product");
  print("result", einsum<"i,j->ij">(v, u));

  title("md,nd->mn", "products of every row of one matrix with every row of another");
  print("result", einsum<"md,nd->mn">(a, a));

  title("ij,jk->ik", "matrix product (an Eigen contraction)");
  print("result", einsum<"ij,jk->ik">(a, b));

  Eigen::Tensor<int, 2> sq(3, 3);
  sq.setValues({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
  std::cout << "\nDiagonals, with\n";
  print("sq", sq);
  title("ii->", "trace (an Eigen trace)");
  print("result", einsum<"ii->">(sq));
  title("ii->i", "the diagonal, as a lazy view that copies nothing");
  print("result", einsum<"ii->i">(sq));

  std::cout << "\nThe result is a lazy Eigen expression: it fuses with other Eigen ops.\n";
  title("ij,jk->ik", "times 2, plus 1, in one expression");
  print("result", einsum<"ij,jk->ik">(a, b) * 2 + 1);

  std::cout << "\nBatch labels (in both operands and the output) make a batched contraction:\n";
  Eigen::Tensor<int, 3> x(2, 2, 3), y(2, 3, 2);
  x.setValues({{{1, 2, 3}, {4, 5, 6}}, {{1, 0, 0}, {0, 1, 0}}});
  y.setValues({{{1, 0}, {0, 1}, {1, 1}}, {{2, 3}, {4, 5}, {6, 7}}});
  title("bij,bjk->bik", "one matrix product per batch index b");
  const Eigen::Tensor<int, 3> xy = einsum<"bij,bjk->bik">(x, y);
  for (Eigen::Index b = 0; b < 2; ++b) {
    print("result(b = " + std::to_string(b) + ")", xy.chip<0>(b));
  }

  std::cout << "\nAn ellipsis '...' stands for the leading dimensions, as in numpy; extent 1 "
               "under it broadcasts:\n";
  title("...ij,jk->...ik", "the same matrix b applied to every matrix of x");
  const Eigen::Tensor<int, 3> xb = einsum<"...ij,jk->...ik">(x, b);
  for (Eigen::Index i = 0; i < 2; ++i) {
    print("result(" + std::to_string(i) + ", ...)", xb.chip<0>(i));
  }
  Eigen::Tensor<int, 2> row(1, 3);
  row.setValues({{1, 10, 100}});
  title("...j,...j->...", "one row (extent 1) dotted with every row of a");
  print("result", einsum<"...j,...j->...">(row, a));

  std::cout << "\nThree or more operands are contracted pairwise, in the order with the fewest "
               "FLOPs:\n";
  Eigen::Tensor<int, 2> tall(100, 2), wide(2, 100);
  tall.setConstant(1);
  wide.setConstant(1);
  title("ij,jk,kl->il", "with a 100x2, a 2x100 and a 100x2 matrix");
  std::cout << eigen_einsum::einsum_path<"ij,jk,kl->il">(tall, wide, tall);
  const Eigen::Tensor<int, 2> chain = einsum<"ij,jk,kl->il">(tall, wide, tall);
  std::cout << "  result(0, 0) = " << chain(0, 0) << "\n";

  std::cout << "\nA label repeated in the output puts the result on a diagonal (our extension; "
               "numpy rejects it):\n";
  title("i->ii", "v on the diagonal of a matrix, zeros elsewhere");
  print("result", einsum<"i->ii">(v));

  std::cout << "\nGradients: gradient<subscript, K>(g, operands...) is the gradient with respect "
               "to operand K,\ngiven the gradient g of the result: itself an einsum, derived at "
               "compile time:\n";
  Eigen::Tensor<int, 2> ones(2, 2);
  ones.setConstant(1);
  title("ij,jk->ik", "its gradient for a, with g all ones: the einsum \"ik,jk->ij\" of g and b");
  print("result", eigen_einsum::gradient<"ij,jk->ik", 0>(ones, a, b));
  title("ii->", "the trace's gradient: g on the diagonal");
  Eigen::Tensor<int, 0> one;
  one() = 1;
  print("result", eigen_einsum::gradient<"ii->", 0>(one, sq));

  std::cout << "\nGradient descent on a bilinear model y(n) = sum_ij x(n,i) W(i,j) z(n,j), "
               "fitting W to data\nmade with a known W (loss: half the squared error):\n";
  // [snippet:gradient_descent]
  Eigen::Tensor<double, 2> xs(6, 2), zs(6, 3), known(2, 3), fit(2, 3);
  xs.setValues({{1, 0.5}, {1, 0}, {1, -0.5}, {0.5, 1}, {0, 1}, {-0.5, 1}});
  zs.setValues({{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
  known.setValues({{1, -2, 0.5}, {0, 3, -1}});
  fit.setZero();
  const Eigen::Tensor<double, 1> target = einsum<"ni,ij,nj->n">(xs, known, zs);
  for (int step = 0; step <= 40; ++step) {
    const Eigen::Tensor<double, 1> error = einsum<"ni,ij,nj->n">(xs, fit, zs) - target;
    const Eigen::Tensor<double, 0> loss = (error.square() * 0.5).sum();
    if (step % 10 == 0) {
      std::cout << "  step " << step << ": loss " << loss() << "\n";
    }
    fit -= eigen_einsum::gradient<"ni,ij,nj->n", 1>(error, xs, fit, zs) * 0.5;
  }
  // [/snippet]
  print("W after 40 steps", fit);
  print("W that made the data", known);

  std::cout << "\nrecord<subscript>(operands...) evaluates einsum once, keeping the intermediates "
               "of its\ncontraction tree, so that .gradients(g) takes the backward walk only:\n";
  // [snippet:record]
  const auto kept = eigen_einsum::record<"ij,jk,kl->il">(a, b, ones);
  print("output, einsum<\"ij,jk,kl->il\">(a, b, ones)", kept.output());
  const auto [da, db, dones] = kept.gradients(ones); // g all ones
  print("its gradient for b", db);
  // [/snippet]
  (void)da;
  (void)dones;

  std::cout << "\nExtents are checked at run time, before anything is written:\n";
  try {
    print("result", einsum<"ij,jk->ik">(a, a));
  } catch (const eigen_einsum::shape_error& e) {
    std::cout << "  shape_error: " << e.what() << "\n";
  }
  return 0;
}
