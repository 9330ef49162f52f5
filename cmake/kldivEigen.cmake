# Finds Eigen 3.4 or later, below 6 (kldiv's own build and its package config both include this).
# A version range in find_package() cannot express it: Eigen 3.4's version file is
# SameMajorVersion and rejects every range whose upper end is past 3.x, so any Eigen is found
# and its version is checked here.
if(NOT TARGET Eigen3::Eigen)
    find_package(Eigen3 NO_MODULE QUIET)
endif()
if(NOT TARGET Eigen3::Eigen)
    set(_kldiv_eigen_problem "Eigen3 was not found (Debian: libeigen3-dev)")
elseif(DEFINED Eigen3_VERSION AND (Eigen3_VERSION VERSION_LESS 3.4 OR NOT Eigen3_VERSION VERSION_LESS 6))
    set(_kldiv_eigen_problem "kldiv needs Eigen 3.4 or later, below 6; found ${Eigen3_VERSION}")
endif()
if(DEFINED _kldiv_eigen_problem)
    if(DEFINED CMAKE_FIND_PACKAGE_NAME AND CMAKE_FIND_PACKAGE_NAME STREQUAL "kldiv")
        # inside find_package(kldiv): report through the package, not a hard error
        set(kldiv_FOUND FALSE)
        set(kldiv_NOT_FOUND_MESSAGE "${_kldiv_eigen_problem}")
    else()
        message(FATAL_ERROR "${_kldiv_eigen_problem}")
    endif()
    unset(_kldiv_eigen_problem)
    return()
endif()
