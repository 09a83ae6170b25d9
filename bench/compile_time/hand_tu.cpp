// Compile-time benchmark, hand-written side: einsum_tu.cpp's operations as a skilled Eigen user
// writes them (the BM_hand forms of bench/core.cpp), float, ColMajor, one function each.
#include <unsupported/Eigen/CXX11/Tensor>

#include <array>

using Eigen::Index;
using pair = Eigen::IndexPair<int>;
template <int Rank>
using tensor = Eigen::Tensor<float, Rank>;

void ij_jk_ik(const tensor<2>& a, const tensor<2>& b, tensor<2>& c) {
  c = a.contract(b, std::array<pair, 1>{pair(1, 0)});
}
void md_nd_mn(const tensor<2>& a, const tensor<2>& b, tensor<2>& c) {
  c = a.contract(b, std::array<pair, 1>{pair(1, 1)});
}
void ijk_kji(const tensor<3>& a, tensor<3>& c) {
  c = a.shuffle(std::array<int, 3>{2, 1, 0});
}
void ij_i(const tensor<2>& a, tensor<1>& c) {
  c = a.sum(std::array<int, 1>{1});
}
void ij_j(const tensor<2>& a, tensor<1>& c) {
  c = a.sum(std::array<int, 1>{0});
}
void ij_(const tensor<2>& a, tensor<0>& c) {
  c = a.sum();
}
void ijk_j(const tensor<3>& a, tensor<1>& c) {
  c = a.sum(std::array<int, 2>{0, 2});
}
void i_i_(const tensor<1>& a, const tensor<1>& b, tensor<0>& c) {
  c = (a * b).sum();
}
void i_j_ij(const tensor<1>& a, const tensor<1>& b, tensor<2>& c) {
  const Index m = a.dimension(0), n = b.dimension(0);
  c = a.reshape(std::array<Index, 2>{m, 1}).broadcast(std::array<Index, 2>{1, n}) *
      b.reshape(std::array<Index, 2>{1, n}).broadcast(std::array<Index, 2>{m, 1});
}
void ij_ij_ij(const tensor<2>& a, const tensor<2>& b, tensor<2>& c) {
  c = a * b;
}
void ii_(const tensor<2>& a, tensor<0>& c) {
  c = a.trace();
}
void ii_i(const tensor<2>& a, tensor<1>& c) {
  for (Index i = 0; i < a.dimension(0); ++i) {
    c(i) = a(i, i);
  }
}
