# Install rules (RVTRACE_INSTALL): what `cmake --install` puts under the prefix.
#
#   include/rvtrace/...                    the headers (rvtrace/rvtrace.hpp, rvtrace/core.hpp, ...)
#   include/rvtrace/single/rvtrace.hpp     the single-header amalgamation (use one or the other)
#   share/cmake/rvtrace/                   rvtraceConfig.cmake, ...ConfigVersion.cmake, targets:
#                                          rvtrace::core, rvtrace::rvtrace (AOT), rvtrace::cli
#   share/pkgconfig/rvtrace.pc             pkg-config (Cflags only: the library is header-only)
#   share/rvtrace/guest/                   guest SDK: crt0.S, syscalls.c, guest.ld, rvtraceGuest.cmake
#   bin/rvtrace                            the CLI (when built: RVTRACE_BUILD_EXAMPLES)
#   share/doc/rvtrace/                     LICENSE, README.md, docs/*.md
# Components: headers (library, package files, docs), guest_sdk, cli.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(RVTRACE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/rvtrace" CACHE STRING "Where rvtraceConfig.cmake goes")
set(RVTRACE_INSTALL_GUESTDIR "${CMAKE_INSTALL_DATADIR}/rvtrace/guest" CACHE STRING "Where the guest SDK goes")
set(RVTRACE_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_DATADIR}/pkgconfig" CACHE STRING "Where rvtrace.pc goes")

install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT headers)
install(FILES single_include/rvtrace/rvtrace.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rvtrace/single COMPONENT headers)
install(FILES LICENSE README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT headers)
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs COMPONENT headers FILES_MATCHING PATTERN "*.md")

set(_rvtrace_targets rvtrace_core)
if(TARGET rvtrace)
  list(APPEND _rvtrace_targets rvtrace)
endif()
install(TARGETS ${_rvtrace_targets} EXPORT rvtraceTargets COMPONENT headers)
install(EXPORT rvtraceTargets NAMESPACE rvtrace:: DESTINATION ${RVTRACE_INSTALL_CMAKEDIR} COMPONENT headers)

# The CLI has its own export set: a prefix without the cli component still has a usable package.
if(TARGET rvtrace_cli)
  set_target_properties(rvtrace_cli PROPERTIES EXPORT_NAME cli)
  install(TARGETS rvtrace_cli EXPORT rvtraceCliTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)
  install(EXPORT rvtraceCliTargets NAMESPACE rvtrace:: DESTINATION ${RVTRACE_INSTALL_CMAKEDIR} COMPONENT cli)
endif()

install(FILES sdk/crt0.S sdk/syscalls.c sdk/guest.ld sdk/rvtraceGuest.cmake sdk/rvtrace_region.h
        DESTINATION ${RVTRACE_INSTALL_GUESTDIR} COMPONENT guest_sdk)

if(TARGET rvtrace)
  set(RVTRACE_PACKAGE_HAS_AOT ON)
else()
  set(RVTRACE_PACKAGE_HAS_AOT OFF)
endif()
configure_package_config_file(cmake/rvtraceConfig.cmake.in ${PROJECT_BINARY_DIR}/rvtraceConfig.cmake
  INSTALL_DESTINATION ${RVTRACE_INSTALL_CMAKEDIR}
  PATH_VARS RVTRACE_INSTALL_GUESTDIR)
# Header-only: the same package serves 32- and 64-bit consumers; 0.x releases are compatible
# only within a minor version.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/rvtraceConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/rvtraceConfig.cmake ${PROJECT_BINARY_DIR}/rvtraceConfigVersion.cmake
        DESTINATION ${RVTRACE_INSTALL_CMAKEDIR} COMPONENT headers)

# pkg-config: relocatable (paths relative to the .pc file).
file(RELATIVE_PATH RVTRACE_PC_PREFIX_FROM_PCDIR "/${RVTRACE_INSTALL_PKGCONFIGDIR}" "/")
string(REGEX REPLACE "/$" "" RVTRACE_PC_PREFIX_FROM_PCDIR "${RVTRACE_PC_PREFIX_FROM_PCDIR}")
set(RVTRACE_PC_REQUIRES "")
if(RVTRACE_PACKAGE_HAS_AOT)
  set(RVTRACE_PC_REQUIRES xbyak)
endif()
configure_file(cmake/rvtrace.pc.in ${PROJECT_BINARY_DIR}/rvtrace.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/rvtrace.pc DESTINATION ${RVTRACE_INSTALL_PKGCONFIGDIR} COMPONENT headers)
