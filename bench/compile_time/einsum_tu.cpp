// Compile-time benchmark, einsum side: bench/core.cpp's subscripts, float, ColMajor, one function
// each. hand_tu.cpp holds the same operations written by hand; measure.sh compares the two.
#include <eigen_einsum/einsum.hpp>

using eigen_einsum::einsum;
template <int Rank>
using tensor = Eigen::Tensor<float, Rank>;

void ij_jk_ik(const tensor<2>& a, const tensor<2>& b, tensor<2>& c) {
  c = einsum<"ij,jk->ik">(a, b);
}
void md_nd_mn(const tensor<2>& a, const tensor<2>& b, tensor<2>& c) {
  c = einsum<"md,nd->mn">(a, b);
}
void ijk_kji(const tensor<3>& a, tensor<3>& c) {
  c = einsum<"ijk->kji">(a);
}
void ij_i(const tensor<2>& a, tensor<1>& c) {
  c = einsum<"ij->i">(a);
}
void ij_j(const tensor<2>& a, tensor<1>& c) {
  c = einsum<"ij->j">(a);
}
void ij_(const tensor<2>& a, tensor<0>& c) {
  c = einsum<"ij->">(a);
}
void ijk_j(const tensor<3>& a, tensor<1>& c) {
  c = einsum<"ijk->j">(a);
}
void i_i_(const tensor<1>& a, const tensor<1>& b, tensor<0>& c) {
  c = einsum<"i,i->">(a, b);
}
void i_j_ij(const tensor<1>& a, const tensor<1>& b, tensor<2>& c) {
  c = einsum<"i,j->ij">(a, b);
}
void ij_ij_ij(const tensor<2>& a, const tensor<2>& b, tensor<2>& c) {
  c = einsum<"ij,ij->ij">(a, b);
}
void ii_(const tensor<2>& a, tensor<0>& c) {
  c = einsum<"ii->">(a);
}
void ii_i(const tensor<2>& a, tensor<1>& c) {
  c = einsum<"ii->i">(a);
}
