// Version and build-configuration macros for kldiv.
// Guarantees: only macros, no code; safe to include first from any header.
#pragma once

#define KLDIV_VERSION_MAJOR 0
#define KLDIV_VERSION_MINOR 1
#define KLDIV_VERSION_PATCH 0
#define KLDIV_VERSION_STRING "0.1.0"

// Exceptions may be disabled (-fno-exceptions); errors then abort with the same message.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define KLDIV_HAS_EXCEPTIONS 1
#else
#define KLDIV_HAS_EXCEPTIONS 0
#endif

// -ffast-math breaks the inf/NaN semantics every kldiv function documents.
#if defined(__FAST_MATH__) && !defined(KLDIV_ALLOW_FAST_MATH)
#error "kldiv must not be compiled with -ffast-math: it breaks inf/NaN semantics (define KLDIV_ALLOW_FAST_MATH to override at your own risk)"
#endif
