# kldiv's compile checks, included by tests/CMakeLists.txt when KLDIV_COMPILE_CHECKS is on: they
# test how the headers build (alone, without exceptions, twice in one program, without the
# instruction-set clones, without OpenMP) and how a project consumes the package.

# Every public header compiles on its own: one generated translation unit per header.
file(GLOB_RECURSE kldiv_public_headers RELATIVE ${PROJECT_SOURCE_DIR}/include CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/include/kldiv/*.hpp)
set(header_units "")
foreach(header IN LISTS kldiv_public_headers)
    string(MAKE_C_IDENTIFIER "${header}" unit)
    set(unit_file ${CMAKE_CURRENT_BINARY_DIR}/header_check/${unit}.cpp)
    file(CONFIGURE OUTPUT ${unit_file} CONTENT "#include <${header}>\n#include <${header}>  // include guard works\n")
    list(APPEND header_units ${unit_file})
endforeach()
add_library(kldiv_header_check OBJECT ${header_units})
target_link_libraries(kldiv_header_check PRIVATE kldiv::kldiv kldiv_project_options)

# The whole library builds and runs with exceptions disabled (errors abort with the message).
add_executable(kldiv_no_exceptions compile/no_exceptions.cpp)
target_link_libraries(kldiv_no_exceptions PRIVATE kldiv::kldiv kldiv_project_options)
target_compile_options(kldiv_no_exceptions PRIVATE -fno-exceptions)
add_test(NAME compile:no_exceptions COMMAND kldiv_no_exceptions)

# One definition rule: two translation units with every header, linked together.
add_executable(kldiv_odr compile/odr_first.cpp compile/odr_second.cpp)
target_link_libraries(kldiv_odr PRIVATE kldiv::kldiv kldiv_project_options)
add_test(NAME compile:one_definition_rule COMMAND kldiv_odr)

# KLDIV_FORCE_SCALAR: the portable paths only (no instruction-set clones, no vector-type lanes).
add_executable(kldiv_force_scalar compile/force_scalar.cpp)
target_link_libraries(kldiv_force_scalar PRIVATE kldiv::kldiv kldiv_project_options)
target_compile_definitions(kldiv_force_scalar PRIVATE KLDIV_FORCE_SCALAR)
add_test(NAME compile:force_scalar COMMAND kldiv_force_scalar)

# Package consumers: find_package(kldiv) after cmake --install, and add_subdirectory.
set(consumer_dir ${CMAKE_CURRENT_BINARY_DIR}/consumer)
add_test(NAME consumer:install
    COMMAND ${CMAKE_COMMAND} --install ${PROJECT_BINARY_DIR} --prefix ${consumer_dir}/prefix)
set_tests_properties(consumer:install PROPERTIES FIXTURES_SETUP kldiv_installed)
add_test(NAME consumer:find_package
    COMMAND ${CMAKE_CTEST_COMMAND} --build-and-test
        ${CMAKE_CURRENT_SOURCE_DIR}/consumer/find_package ${consumer_dir}/find_package
        --build-generator ${CMAKE_GENERATOR}
        --build-options -DCMAKE_PREFIX_PATH=${consumer_dir}/prefix -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
        --test-command kldiv_consumer)
set_tests_properties(consumer:find_package PROPERTIES FIXTURES_REQUIRED kldiv_installed)
# The build tree's own export: find_package(kldiv) with kldiv_DIR pointing here, nothing installed.
add_test(NAME consumer:build_tree
    COMMAND ${CMAKE_CTEST_COMMAND} --build-and-test
        ${CMAKE_CURRENT_SOURCE_DIR}/consumer/find_package ${consumer_dir}/build_tree
        --build-generator ${CMAKE_GENERATOR}
        --build-options -Dkldiv_DIR=${PROJECT_BINARY_DIR} -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
        --test-command kldiv_consumer)
add_test(NAME consumer:add_subdirectory
    COMMAND ${CMAKE_CTEST_COMMAND} --build-and-test
        ${CMAKE_CURRENT_SOURCE_DIR}/consumer/add_subdirectory ${consumer_dir}/add_subdirectory
        --build-generator ${CMAKE_GENERATOR}
        --build-options -DKLDIV_SOURCE_DIR=${PROJECT_SOURCE_DIR} -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
        --test-command kldiv_consumer)

# Without OpenMP: kldiv::par compiles and runs on one thread (the headers without kldiv::kldiv's
# OpenMP flags, as a build that did not find OpenMP gets them).
add_executable(kldiv_no_openmp compile/no_openmp.cpp)
target_include_directories(kldiv_no_openmp PRIVATE ${PROJECT_SOURCE_DIR}/include)
target_compile_features(kldiv_no_openmp PRIVATE cxx_std_20)
target_link_libraries(kldiv_no_openmp PRIVATE Eigen3::Eigen kldiv_project_options)
add_test(NAME compile:no_openmp COMMAND kldiv_no_openmp)
