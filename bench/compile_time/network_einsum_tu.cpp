// Compile-time benchmark, einsum side, three to five operands: bench/network.cpp's subscripts plus
// a four-matrix chain, float, ColMajor, one function each. network_hand_tu.cpp holds the same
// contractions written by hand; `measure.sh 3 network_einsum_tu network_hand_tu` compares the two.
#include <eigen_einsum/einsum.hpp>

using eigen_einsum::einsum;
template <int Rank>
using tensor = Eigen::Tensor<float, Rank>;

void chain3(const tensor<2>& a, const tensor<2>& b, const tensor<2>& c, tensor<2>& d) {
  d = einsum<"ij,jk,kl->il">(a, b, c);
}
void chain4(const tensor<2>& a, const tensor<2>& b, const tensor<2>& c, const tensor<2>& e,
            tensor<2>& d) {
  d = einsum<"ij,jk,kl,lm->im">(a, b, c, e);
}
void rank3_chain(const tensor<3>& a, const tensor<3>& b, const tensor<3>& c, tensor<2>& d) {
  d = einsum<"abc,bcd,cde->ae">(a, b, c);
}
void bilinear(const tensor<2>& x, const tensor<3>& w, const tensor<2>& y, tensor<2>& d) {
  d = einsum<"bn,anm,bm->ba">(x, w, y);
}
void tucker(const tensor<2>& e, const tensor<2>& f, const tensor<4>& x, const tensor<2>& g,
            const tensor<2>& h, tensor<4>& d) {
  d = einsum<"ea,fb,abcd,gc,hd->efgh">(e, f, x, g, h);
}
