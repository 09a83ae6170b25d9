# Included from test/CMakeLists.txt: install this build into a prefix, then build the consumer in
# this folder against it and against the source tree, with and without Boost, and against
# eigen_einsum::hana with g++ and clang++. Each step is a ctest test; a fixture runs
# package_install first, which empties package/ (the prefix and the consumers' build directories).
set(_package_source "${CMAKE_CURRENT_LIST_DIR}")
set(_package_binary "${CMAKE_CURRENT_BINARY_DIR}/package")
set(_prefix "${_package_binary}/prefix")
set(_build
  --build-generator "${CMAKE_GENERATOR}"
  --build-makeprogram "${CMAKE_MAKE_PROGRAM}"
  --build-noclean)
set(_options
  -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
  -DCMAKE_CXX_STANDARD=${EIGEN_EINSUM_CXX_STANDARD}
  -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE})
set(_installed -DCMAKE_PREFIX_PATH=${_prefix} -DEXPECTED_PREFIX=${_prefix})
set(_source_tree -DUSE_ADD_SUBDIRECTORY=ON -DEIGEN_EINSUM_SOURCE_DIR=${PROJECT_SOURCE_DIR})
set(_no_boost -DCMAKE_DISABLE_FIND_PACKAGE_Boost=TRUE -DNO_BOOST=ON)
set(_consumers "")

# eigen_einsum_add_consumer_test(name options...): test package_<name> builds the consumer in
# package/<name> with these options and runs it.
function(eigen_einsum_add_consumer_test name)
  add_test(NAME package_${name}
    COMMAND "${CMAKE_CTEST_COMMAND}" --build-and-test "${_package_source}" "${_package_binary}/${name}"
            ${_build} --build-options ${ARGN}
            --test-command consumer)
  set(_consumers ${_consumers} package_${name} PARENT_SCOPE)
endfunction()

eigen_einsum_add_consumer_test(find_package ${_options} ${_installed})
eigen_einsum_add_consumer_test(add_subdirectory ${_options} ${_source_tree})
# Neither the installed package nor the source tree needs Boost.
eigen_einsum_add_consumer_test(find_package_no_boost ${_options} ${_installed} ${_no_boost})
eigen_einsum_add_consumer_test(add_subdirectory_no_boost ${_options} ${_source_tree} ${_no_boost})

# eigen_einsum::hana exists where Boost was found; its consumer is C++17 whatever this build's
# standard, and is built by each of g++ and clang++ that is installed.
set(_expect_hana OFF)
if(TARGET eigen_einsum::hana)
  set(_expect_hana ON)
  set(_hana -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE} ${_installed} -DUSE_HANA=ON)
  find_program(EIGEN_EINSUM_GXX g++)
  find_program(EIGEN_EINSUM_CLANGXX clang++)
  if(EIGEN_EINSUM_GXX)
    eigen_einsum_add_consumer_test(hana_gcc ${_hana} -DCMAKE_CXX_COMPILER=${EIGEN_EINSUM_GXX})
  else()
    message(STATUS "eigen_einsum: no g++, so no package_hana_gcc")
  endif()
  if(EIGEN_EINSUM_CLANGXX)
    eigen_einsum_add_consumer_test(hana_clang ${_hana} -DCMAKE_CXX_COMPILER=${EIGEN_EINSUM_CLANGXX})
  else()
    message(STATUS "eigen_einsum: no clang++, so no package_hana_clang")
  endif()
else()
  message(STATUS "eigen_einsum: no eigen_einsum::hana (no Boost), so no package_hana_* tests")
endif()

# eigen_einsum::blas exists where a BLAS was found: find_package(eigen_einsum COMPONENTS blas).
set(_expect_blas OFF)
if(TARGET eigen_einsum::blas)
  set(_expect_blas ON)
  eigen_einsum_add_consumer_test(blas ${_options} ${_installed} -DUSE_BLAS=ON)
else()
  message(STATUS "eigen_einsum: no eigen_einsum::blas (no BLAS), so no package_blas test")
endif()

add_test(NAME package_install
  COMMAND "${CMAKE_COMMAND}"
          -DBUILD_DIR=${PROJECT_BINARY_DIR} -DPREFIX=${_prefix} -DCONFIG=$<CONFIG>
          -DEXPECT_HANA=${_expect_hana} -DEXPECT_BLAS=${_expect_blas}
          -DCLEAN_DIRS=${_package_binary}
          -P "${_package_source}/install.cmake")
set_tests_properties(package_install PROPERTIES FIXTURES_SETUP eigen_einsum_prefix)

set_tests_properties(package_install ${_consumers} PROPERTIES LABELS "package" TIMEOUT 600)
# The consumers configure from scratch: the setup test removes their build directories.
set_tests_properties(${_consumers} PROPERTIES
  FIXTURES_REQUIRED eigen_einsum_prefix
  PASS_REGULAR_EXPRESSION "package ok")
