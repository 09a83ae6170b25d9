// Compile-time benchmark, hand-written side: network_einsum_tu.cpp's contractions in the best order
// for bench/network.cpp's extents (the BM_hand forms there; the four-matrix chain left to right),
// float, ColMajor, one function each.
#include <unsupported/Eigen/CXX11/Tensor>

#include <array>

using Eigen::Index;
using pair = Eigen::IndexPair<int>;
template <std::size_t N>
using pairs = std::array<pair, N>;
template <int Rank>
using tensor = Eigen::Tensor<float, Rank>;

void chain3(const tensor<2>& a, const tensor<2>& b, const tensor<2>& c, tensor<2>& d) {
  d = a.contract(b.contract(c, pairs<1>{pair(1, 0)}), pairs<1>{pair(1, 0)});
}
void chain4(const tensor<2>& a, const tensor<2>& b, const tensor<2>& c, const tensor<2>& e,
            tensor<2>& d) {
  d = a.contract(b, pairs<1>{pair(1, 0)})
          .contract(c, pairs<1>{pair(1, 0)})
          .contract(e, pairs<1>{pair(1, 0)});
}
void rank3_chain(const tensor<3>& a, const tensor<3>& b, const tensor<3>& c, tensor<2>& d) {
  d.resize(a.dimension(0), c.dimension(2));
  d.setZero();
  for (Index s = 0; s < a.dimension(2); ++s) {
    d += a.chip(s, 2)
             .contract(b.chip(s, 1), pairs<1>{pair(1, 0)})
             .contract(c.chip(s, 0), pairs<1>{pair(1, 0)});
  }
}
void bilinear(const tensor<2>& x, const tensor<3>& w, const tensor<2>& y, tensor<2>& d) {
  const Index nb = x.dimension(0), na = w.dimension(0), nm = y.dimension(1);
  d = (x.contract(w, pairs<1>{pair(1, 1)}) *
       y.reshape(std::array<Index, 3>{nb, 1, nm}).broadcast(std::array<Index, 3>{1, na, 1}))
          .sum(Eigen::IndexList<Eigen::type2index<2>>{});
}
void tucker(const tensor<2>& e, const tensor<2>& f, const tensor<4>& x, const tensor<2>& g,
            const tensor<2>& h, tensor<4>& d) {
  d = e.contract(x, pairs<1>{pair(1, 0)})
          .contract(f, pairs<1>{pair(1, 1)})
          .contract(g, pairs<1>{pair(1, 1)})
          .contract(h, pairs<1>{pair(1, 1)});
}
