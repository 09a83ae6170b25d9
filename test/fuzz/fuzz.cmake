# The fuzzer against numpy as the ctest test "fuzz" (labels "unit;fuzz"): at build time
# scripts/fuzz.py draws EIGEN_EINSUM_FUZZ_CASES random subscripts and shapes from
# EIGEN_EINSUM_FUZZ_SEED, classifies them with numpy and writes
# ${CMAKE_CURRENT_BINARY_DIR}/fuzz/fuzz_NN.cpp (15 cases a file, so they compile in parallel);
# test_fuzz is built from them. See doc/fuzzing.md.
#
# How to include it: from test/CMakeLists.txt, after eigen_einsum_catch_main is defined (it
# links that target, eigen_einsum::eigen_einsum and calls eigen_einsum_dev_target, as
# eigen_einsum_add_test does), with
#
#   include(fuzz/fuzz.cmake)
#
# e.g. at the end of the numpy test's block; wrap it in if(NOT EIGEN_EINSUM_TEST_SUBSET) to keep
# it out of the subset configurations. It works under C++17 and C++20 (the generated files spell
# einsum with test/support/subscript.hpp's EINSUM macros). Paths are taken from this file's own
# location, so scripts/fuzz.sh includes it from a standalone project too.
#
# Cache variables:
#   EIGEN_EINSUM_FUZZ_SEED    the seed (default 1: the one CI runs)
#   EIGEN_EINSUM_FUZZ_CASES   the number of cases (default 90: about 2-3 minutes at -O0 on 2 cores)
#   EIGEN_EINSUM_FUZZ_PYTHON  the Python that runs scripts/fuzz.py (default /usr/bin/python3,
#                             Debian's, with python3-numpy)
# Without numpy in that Python the test is skipped with a message. The generator fails the build
# when numpy and the library's rules as scripts/fuzz.py models them disagree (DISAGREE lines).

set(EIGEN_EINSUM_FUZZ_SEED 1 CACHE STRING "Seed of the generated fuzz cases (scripts/fuzz.py)")
set(EIGEN_EINSUM_FUZZ_CASES 90 CACHE STRING "Number of generated fuzz cases (scripts/fuzz.py)")
set(EIGEN_EINSUM_FUZZ_PYTHON /usr/bin/python3 CACHE FILEPATH
    "Python with numpy that runs scripts/fuzz.py")
if(NOT EIGEN_EINSUM_FUZZ_SEED MATCHES "^[0-9]+$")
  message(FATAL_ERROR "EIGEN_EINSUM_FUZZ_SEED must be a non-negative integer, not "
                      "'${EIGEN_EINSUM_FUZZ_SEED}'")
endif()
if(NOT EIGEN_EINSUM_FUZZ_CASES MATCHES "^[1-9][0-9]*$")
  message(FATAL_ERROR "EIGEN_EINSUM_FUZZ_CASES must be a positive integer, not "
                      "'${EIGEN_EINSUM_FUZZ_CASES}'")
endif()

get_filename_component(_eigen_einsum_fuzz_test_dir "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
get_filename_component(_eigen_einsum_fuzz_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(_eigen_einsum_fuzz_script "${_eigen_einsum_fuzz_root}/scripts/fuzz.py")
# numpy runs without these OpenBLAS overrides (as scripts/gen_numpy_cases.sh).
set(_eigen_einsum_fuzz_env
    "${CMAKE_COMMAND}" -E env --unset=OPENBLAS_CORETYPE --unset=OPENBLAS_L2_SIZE)

execute_process(COMMAND ${_eigen_einsum_fuzz_env} "${EIGEN_EINSUM_FUZZ_PYTHON}" -c "import numpy"
                RESULT_VARIABLE _eigen_einsum_fuzz_numpy OUTPUT_QUIET ERROR_QUIET)
if(NOT _eigen_einsum_fuzz_numpy EQUAL 0)
  message(STATUS "eigen_einsum: ${EIGEN_EINSUM_FUZZ_PYTHON} cannot import numpy, so no fuzz "
                 "test (apt-get install python3-numpy, or set EIGEN_EINSUM_FUZZ_PYTHON)")
  return()
endif()

# The files scripts/fuzz.py writes: fuzz_00.cpp ... for 15 cases a file.
set(_eigen_einsum_fuzz_per_file 15)
set(_eigen_einsum_fuzz_dir "${CMAKE_CURRENT_BINARY_DIR}/fuzz")
math(EXPR _eigen_einsum_fuzz_last "(${EIGEN_EINSUM_FUZZ_CASES} + ${_eigen_einsum_fuzz_per_file} - 1)
                                   / ${_eigen_einsum_fuzz_per_file} - 1")
set(_eigen_einsum_fuzz_sources "")
foreach(_i RANGE ${_eigen_einsum_fuzz_last})
  if(_i LESS 10)
    set(_i "0${_i}")
  endif()
  list(APPEND _eigen_einsum_fuzz_sources "${_eigen_einsum_fuzz_dir}/fuzz_${_i}.cpp")
endforeach()
# Rewritten only when seed or count change, so that Makefile generators (which do not track
# command lines) regenerate the sources then.
file(CONFIGURE OUTPUT "${_eigen_einsum_fuzz_dir}/settings.txt"
     CONTENT "seed ${EIGEN_EINSUM_FUZZ_SEED} cases ${EIGEN_EINSUM_FUZZ_CASES}\n")
message(STATUS "eigen_einsum: fuzz test of ${EIGEN_EINSUM_FUZZ_CASES} cases, seed "
               "${EIGEN_EINSUM_FUZZ_SEED}")

add_custom_command(
  OUTPUT ${_eigen_einsum_fuzz_sources}
  COMMAND ${_eigen_einsum_fuzz_env} "${EIGEN_EINSUM_FUZZ_PYTHON}" "${_eigen_einsum_fuzz_script}"
          --seed ${EIGEN_EINSUM_FUZZ_SEED} --cases ${EIGEN_EINSUM_FUZZ_CASES}
          --per-file ${_eigen_einsum_fuzz_per_file} --out "${_eigen_einsum_fuzz_dir}"
  DEPENDS "${_eigen_einsum_fuzz_script}" "${_eigen_einsum_fuzz_dir}/settings.txt"
  COMMENT "Generating ${EIGEN_EINSUM_FUZZ_CASES} fuzz cases, seed ${EIGEN_EINSUM_FUZZ_SEED}"
  VERBATIM)

add_executable(test_fuzz ${_eigen_einsum_fuzz_sources})
target_link_libraries(test_fuzz PRIVATE eigen_einsum_catch_main eigen_einsum::eigen_einsum)
target_include_directories(test_fuzz PRIVATE "${_eigen_einsum_fuzz_test_dir}")
eigen_einsum_dev_target(test_fuzz)
add_test(NAME fuzz COMMAND test_fuzz)
set_tests_properties(fuzz PROPERTIES LABELS "unit;fuzz")
