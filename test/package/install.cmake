# cmake -DBUILD_DIR=<build> -DPREFIX=<prefix> [-DCONFIG=<config>] [-DEXPECT_HANA=ON] [-DEXPECT_BLAS=ON]
#       [-DCLEAN_DIRS=<dir>|<dir>...] -P install.cmake
# Installs the build into a fresh prefix, so that files deleted from the tree do not linger, and
# empties CLEAN_DIRS so that the consumers configure from scratch.
cmake_minimum_required(VERSION 3.15...3.25) # cmake --install
string(REPLACE "|" ";" clean_dirs "${CLEAN_DIRS}")
file(REMOVE_RECURSE "${PREFIX}" ${clean_dirs})
set(config "")
if(CONFIG)
  set(config --config "${CONFIG}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${config}
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install ${BUILD_DIR} failed")
endif()
set(files include/eigen_einsum/einsum.hpp
          share/doc/eigen_einsum/LICENSE
          share/cmake/eigen_einsum/eigen_einsumConfig.cmake
          share/cmake/eigen_einsum/eigen_einsumConfigVersion.cmake
          share/cmake/eigen_einsum/eigen_einsumTargets.cmake)
if(EXPECT_HANA)
  list(APPEND files share/cmake/eigen_einsum/eigen_einsum_hanaTargets.cmake)
endif()
if(EXPECT_BLAS)
  list(APPEND files share/cmake/eigen_einsum/eigen_einsum_blasTargets.cmake)
endif()
foreach(file IN LISTS files)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "${file} is missing from the installed package")
  endif()
endforeach()
# The main targets file must name neither Boost nor a BLAS: a consumer without them loads it.
file(READ "${PREFIX}/share/cmake/eigen_einsum/eigen_einsumTargets.cmake" targets)
if(targets MATCHES "Boost|BLAS")
  message(FATAL_ERROR "eigen_einsumTargets.cmake names Boost or BLAS")
endif()
message(STATUS "installed into ${PREFIX}")
