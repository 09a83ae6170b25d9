# cmake -DBUILD_DIR=<build> -DPREFIX=<prefix> [-DCONFIG=<config>] [-DCLEAN_DIRS=<dir>|<dir>...]
#       -P install.cmake
# Installs the build into a fresh prefix, so that files deleted from the tree do not linger, and
# empties CLEAN_DIRS so that the consumers configure from scratch.
cmake_minimum_required(VERSION 3.25)
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
foreach(file include/eigen_einsum/einsum.hpp
             share/cmake/eigen_einsum/eigen_einsumConfig.cmake
             share/cmake/eigen_einsum/eigen_einsumConfigVersion.cmake
             share/cmake/eigen_einsum/eigen_einsumTargets.cmake)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "${file} is missing from the installed package")
  endif()
endforeach()
message(STATUS "installed into ${PREFIX}")
