#pragma once
// rvtrace's version. This header is the one place it is written: CMakeLists.txt reads these three
// numbers for project(VERSION), so the CMake package version, the pkg-config version and the
// macros below always agree (and a plain -I include or the single header has them too).
#define RVTRACE_VERSION_MAJOR 0
#define RVTRACE_VERSION_MINOR 1
#define RVTRACE_VERSION_PATCH 0

// MAJOR * 10000 + MINOR * 100 + PATCH, for #if comparisons.
#define RVTRACE_VERSION (RVTRACE_VERSION_MAJOR * 10000 + RVTRACE_VERSION_MINOR * 100 + RVTRACE_VERSION_PATCH)

#define RVTRACE_VERSION_STR_(x) #x
#define RVTRACE_VERSION_STR(x) RVTRACE_VERSION_STR_(x)
// "MAJOR.MINOR.PATCH"
#define RVTRACE_VERSION_STRING                                                     \
  RVTRACE_VERSION_STR(RVTRACE_VERSION_MAJOR) "." RVTRACE_VERSION_STR(RVTRACE_VERSION_MINOR) "." \
      RVTRACE_VERSION_STR(RVTRACE_VERSION_PATCH)
