// Picks Catch2 v3 when installed, else v2 (Debian 12 ships 2.13); tests include only this.
#pragma once

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
