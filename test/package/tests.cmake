# Included from test/CMakeLists.txt: install this build into a prefix, then build the consumer
# against it and against the source tree. Each step is a ctest test; a fixture runs package_install
# (which also empties the consumers' build directories) first.
set(_package_source "${CMAKE_CURRENT_LIST_DIR}")
set(_package_binary "${CMAKE_CURRENT_BINARY_DIR}/package")
set(_prefix "${_package_binary}/prefix")
set(_options
  -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
  -DCMAKE_CXX_STANDARD=${EIGEN_EINSUM_CXX_STANDARD}
  -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE})

add_test(NAME package_install
  COMMAND "${CMAKE_COMMAND}"
          -DBUILD_DIR=${PROJECT_BINARY_DIR} -DPREFIX=${_prefix} -DCONFIG=$<CONFIG>
          "-DCLEAN_DIRS=${_package_binary}/find_package|${_package_binary}/add_subdirectory"
          -P "${_package_source}/install.cmake")
set_tests_properties(package_install PROPERTIES FIXTURES_SETUP eigen_einsum_prefix)

add_test(NAME package_find_package
  COMMAND "${CMAKE_CTEST_COMMAND}" --build-and-test
          "${_package_source}" "${_package_binary}/find_package"
          --build-generator "${CMAKE_GENERATOR}"
          --build-makeprogram "${CMAKE_MAKE_PROGRAM}"
          --build-noclean
          --build-options ${_options} -DCMAKE_PREFIX_PATH=${_prefix} -DEXPECTED_PREFIX=${_prefix}
          --test-command consumer)

add_test(NAME package_add_subdirectory
  COMMAND "${CMAKE_CTEST_COMMAND}" --build-and-test
          "${_package_source}" "${_package_binary}/add_subdirectory"
          --build-generator "${CMAKE_GENERATOR}"
          --build-makeprogram "${CMAKE_MAKE_PROGRAM}"
          --build-noclean
          --build-options ${_options} -DUSE_ADD_SUBDIRECTORY=ON
                          -DEIGEN_EINSUM_SOURCE_DIR=${PROJECT_SOURCE_DIR}
          --test-command consumer)

set_tests_properties(package_install package_find_package package_add_subdirectory PROPERTIES
  LABELS "package" TIMEOUT 600)
# Both consumers configure from scratch: the setup test removes their build directories.
set_tests_properties(package_find_package package_add_subdirectory PROPERTIES
  FIXTURES_REQUIRED eigen_einsum_prefix
  PASS_REGULAR_EXPRESSION "package ok")
