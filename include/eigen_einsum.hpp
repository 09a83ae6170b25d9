// eigen-einsum: numpy's einsum for Eigen tensors. Umbrella header: the public API.
#ifndef EIGEN_EINSUM_HPP
#define EIGEN_EINSUM_HPP

#include "eigen_einsum/einsum.hpp"

#endif // EIGEN_EINSUM_HPP
