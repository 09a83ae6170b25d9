// eigen-einsum ops: what an Eigen device offers, for the evaluators of our ops.
#ifndef EIGEN_EINSUM_OPS_DEVICE_HPP
#define EIGEN_EINSUM_OPS_DEVICE_HPP

#include "tensor.hpp"

#include <functional>
#include <type_traits>
#include <utility>

namespace eigen_einsum::detail {

/// Devices that run work on several threads (ThreadPoolDevice) provide parallelFor.
template <class Device, class = void>
struct has_parallel_for : std::false_type {};
template <class Device>
struct has_parallel_for<Device, std::void_t<decltype(std::declval<const Device&>().parallelFor(
                                    Eigen::Index(0), Eigen::TensorOpCost(),
                                    std::function<void(Eigen::Index, Eigen::Index)>()))>>
    : std::true_type {};

} // namespace eigen_einsum::detail

#endif // EIGEN_EINSUM_OPS_DEVICE_HPP
