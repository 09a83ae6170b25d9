# Settings shared by the targets we build for ourselves (tests, examples, benchmarks); not installed.

# Warnings are errors in our own code; Eigen and Boost arrive through imported targets, so their
# include directories are SYSTEM and their warnings stay quiet.
set(EIGEN_EINSUM_WARNING_FLAGS
  $<$<CXX_COMPILER_ID:MSVC>:/W4 /WX>
  $<$<NOT:$<CXX_COMPILER_ID:MSVC>>:-Wall -Wextra -Werror>)
# GCC 12 at -O2/-O3 (Release, RelWithDebInfo) warns inside Eigen's code, inlined into ours, where
# system-header suppression no longer applies: -Warray-bounds and -Wstringop-overread on the
# packet copy loop of a size-0 Tensor (Eigen leaves its data null; the loop runs zero times) and
# -Warray-bounds on TensorChippingOp<-1>::block (chip_dim < 0, impossible). False positives of the
# middle end after jump threading; only those two, only GCC 12,
# still reported as warnings, not errors.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND EIGEN_EINSUM_WARNING_FLAGS -Wno-error=array-bounds -Wno-error=stringop-overread)
endif()
# GCC < 13 with AVX-512 enabled (-march=native on such a machine) warns at -O2/-O3 that the
# self-initialised result of _mm512_undefined_* in its own headers "may be used uninitialized"
# (GCC bug 105593), thousands of times once Eigen's packet code is inlined into ours; with -Werror
# that fails every build. Benchmarks, which add -march=native themselves, use the flags too.
set(EIGEN_EINSUM_GCC_BUG_105593_FLAGS "")
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  set(EIGEN_EINSUM_GCC_BUG_105593_FLAGS -Wno-uninitialized -Wno-maybe-uninitialized)
  # Checked afresh at every configure, with the build type's flags (try_compile's default is none).
  function(eigen_einsum_flags_enable_avx512 out_var)
    include(CheckCXXSourceCompiles)
    set(CMAKE_TRY_COMPILE_CONFIGURATION "${CMAKE_BUILD_TYPE}")
    set(CMAKE_REQUIRED_QUIET ON)
    unset(EIGEN_EINSUM_FLAGS_ENABLE_AVX512 CACHE)
    check_cxx_source_compiles("#ifndef __AVX512F__\n#error no AVX-512\n#endif\nint main() {}"
                              EIGEN_EINSUM_FLAGS_ENABLE_AVX512)
    set(${out_var} ${EIGEN_EINSUM_FLAGS_ENABLE_AVX512} PARENT_SCOPE)
  endfunction()
  eigen_einsum_flags_enable_avx512(_eigen_einsum_avx512)
  if(_eigen_einsum_avx512)
    list(APPEND EIGEN_EINSUM_WARNING_FLAGS ${EIGEN_EINSUM_GCC_BUG_105593_FLAGS})
  endif()
endif()

# Gives target the standard chosen by EIGEN_EINSUM_CXX_STANDARD and the warning flags.
function(eigen_einsum_dev_target target)
  set_target_properties(${target} PROPERTIES
    CXX_STANDARD ${EIGEN_EINSUM_CXX_STANDARD}
    CXX_STANDARD_REQUIRED ON
    CXX_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE ${EIGEN_EINSUM_WARNING_FLAGS})
endfunction()

# True when the first lines of file say "// REQUIRES: c++20" and the standard is lower, or
# "// REQUIRES: c++17 only" and the standard is higher.
function(eigen_einsum_requires_unmet file out_var)
  file(STRINGS "${file}" head LIMIT_COUNT 5)
  set(unmet FALSE)
  foreach(line IN LISTS head)
    if(line MATCHES "^// REQUIRES: c\\+\\+([0-9]+) only")
      if(NOT CMAKE_MATCH_1 EQUAL EIGEN_EINSUM_CXX_STANDARD)
        set(unmet TRUE)
      endif()
    elseif(line MATCHES "^// REQUIRES: c\\+\\+([0-9]+)" AND CMAKE_MATCH_1 GREATER EIGEN_EINSUM_CXX_STANDARD)
      set(unmet TRUE)
    endif()
  endforeach()
  set(${out_var} ${unmet} PARENT_SCOPE)
endfunction()
