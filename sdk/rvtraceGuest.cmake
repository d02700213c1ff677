# rvtrace guest SDK: build RISC-V guest programs that rvtrace (and qemu-riscv64) run.
#
#   rvtrace_add_guest(NAME SOURCES src.c... [MARCH rv64imac] [MABI lp64] [OUTPUT path.elf]
#                     [OPTIONS flag...] [INCLUDE_DIRECTORIES dir...] [DEPENDS file...])
#
# builds a static RV64 ELF (default ${CMAKE_CURRENT_BINARY_DIR}/NAME.elf) from the sources plus the
# rvtrace runtime in this folder (crt0.S: _start; syscalls.c: read/write/exit/brk and picolibc's
# stdio; guest.ld: the memory layout), with riscv64-unknown-elf-gcc and picolibc:
#
#   riscv64-unknown-elf-gcc -march=MARCH -mabi=MABI -O2 -g OPTIONS --specs=picolibc.specs
#       -static -nostartfiles -T guest.ld crt0.S syscalls.c SOURCES -o NAME.elf
#
# A MARCH with Z extensions (rv64imac_zba_zbb) compiles with them and links against the libraries of
# its base ISA (rv64imac): the toolchain has no libraries for the extended ISA.
#
# It adds a custom target NAME (built by `all`) whose property RVTRACE_GUEST_ELF is the ELF's
# path, e.g. add_test(NAME t COMMAND rvtrace run $<TARGET_PROPERTY:NAME,RVTRACE_GUEST_ELF>).
# Guest documentation: docs/guests.md. The cross compiler is found as RVTRACE_RISCV_CC
# (Debian: gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf); RVTRACE_HAVE_RISCV_CC tells
# whether it was found (rvtrace_add_guest stops with an error when it was not).
include_guard(GLOBAL)

set(RVTRACE_GUEST_RUNTIME_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "rvtrace guest runtime (crt0.S, syscalls.c, guest.ld)")
find_program(RVTRACE_RISCV_CC riscv64-unknown-elf-gcc DOC "RISC-V cross compiler for rvtrace guests")
if(RVTRACE_RISCV_CC)
  set(RVTRACE_HAVE_RISCV_CC ON)
else()
  set(RVTRACE_HAVE_RISCV_CC OFF)
endif()

# Picolibc is found through its GCC specs file; without it every guest would fail to link with a
# message about missing headers, so say what is missing once, at configure time.
function(_rvtrace_check_picolibc)
  get_property(checked GLOBAL PROPERTY _RVTRACE_PICOLIBC_OK)
  if(checked)
    return()
  endif()
  execute_process(COMMAND "${RVTRACE_RISCV_CC}" -print-file-name=picolibc.specs
                  OUTPUT_VARIABLE specs OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT IS_ABSOLUTE "${specs}")
    message(FATAL_ERROR "rvtrace_add_guest: ${RVTRACE_RISCV_CC} has no picolibc.specs "
                        "(Debian: apt-get install picolibc-riscv64-unknown-elf)")
  endif()
  set_property(GLOBAL PROPERTY _RVTRACE_PICOLIBC_OK ON)
endfunction()

function(rvtrace_add_guest name)
  cmake_parse_arguments(G "" "MARCH;MABI;OUTPUT" "SOURCES;OPTIONS;INCLUDE_DIRECTORIES;DEPENDS" ${ARGN})
  if(G_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "rvtrace_add_guest(${name}): unknown arguments '${G_UNPARSED_ARGUMENTS}' "
                        "(usage: rvtrace_add_guest(NAME SOURCES src... [MARCH rv64imac] [MABI lp64] [OUTPUT file] "
                        "[OPTIONS flag...] [INCLUDE_DIRECTORIES dir...] [DEPENDS file...]))")
  endif()
  if(NOT G_SOURCES)
    message(FATAL_ERROR "rvtrace_add_guest(${name}): no SOURCES")
  endif()
  if(NOT RVTRACE_RISCV_CC)
    message(FATAL_ERROR "rvtrace_add_guest(${name}): riscv64-unknown-elf-gcc not found "
                        "(Debian: apt-get install gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf, "
                        "or set RVTRACE_RISCV_CC)")
  endif()
  _rvtrace_check_picolibc()
  if(NOT G_MARCH)
    set(G_MARCH rv64imac)
  endif()
  if(NOT G_MARCH MATCHES "^rv64")
    message(FATAL_ERROR "rvtrace_add_guest(${name}): MARCH ${G_MARCH}: rvtrace runs RV64 programs (rv64i, rv64im, rv64imac, ...)")
  endif()
  if(NOT G_MABI)
    set(G_MABI lp64)
  endif()
  if(NOT G_OUTPUT)
    set(G_OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/${name}.elf")
  elseif(NOT IS_ABSOLUTE "${G_OUTPUT}")
    set(G_OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/${G_OUTPUT}")
  endif()
  set(srcs "")
  foreach(s IN LISTS G_SOURCES)
    if(NOT IS_ABSOLUTE "${s}")
      set(s "${CMAKE_CURRENT_SOURCE_DIR}/${s}")
    endif()
    list(APPEND srcs "${s}")
  endforeach()
  set(incs "")
  foreach(d IN LISTS G_INCLUDE_DIRECTORIES)
    if(NOT IS_ABSOLUTE "${d}")
      set(d "${CMAKE_CURRENT_SOURCE_DIR}/${d}")
    endif()
    list(APPEND incs "-I${d}")
  endforeach()
  set(rt "${RVTRACE_GUEST_RUNTIME_DIR}")
  get_filename_component(outdir "${G_OUTPUT}" DIRECTORY)
  get_filename_component(outname "${G_OUTPUT}" NAME)
  set(flags -mabi=${G_MABI} -O2 -g ${G_OPTIONS} ${incs} "-I${rt}" --specs=picolibc.specs)
  set(link_flags -static -nostartfiles -T "${rt}/guest.ld")
  set(all_srcs "${rt}/crt0.S" "${rt}/syscalls.c" ${srcs})
  # The toolchain's libraries exist for base ISAs only (rv64imac, ...): a MARCH with Z extensions
  # (rv64imac_zba_zbb) compiles with them and links against the libraries of its base ISA.
  string(REGEX REPLACE "_.*$" "" base_march "${G_MARCH}")
  if(base_march STREQUAL G_MARCH)
    set(steps COMMAND "${RVTRACE_RISCV_CC}" -march=${G_MARCH} ${flags} ${link_flags} ${all_srcs} -o "${G_OUTPUT}")
  else()
    set(objdir "${CMAKE_CURRENT_BINARY_DIR}/${name}.objs")
    set(steps COMMAND ${CMAKE_COMMAND} -E make_directory "${objdir}")
    set(objs "")
    set(i 0)
    foreach(s IN LISTS all_srcs)
      get_filename_component(stem "${s}" NAME_WE)
      set(obj "${objdir}/${i}-${stem}.o")
      list(APPEND steps COMMAND "${RVTRACE_RISCV_CC}" -march=${G_MARCH} ${flags} -c "${s}" -o "${obj}")
      list(APPEND objs "${obj}")
      math(EXPR i "${i} + 1")
    endforeach()
    list(APPEND steps COMMAND "${RVTRACE_RISCV_CC}" -march=${base_march} ${flags} ${link_flags} ${objs} -o "${G_OUTPUT}")
  endif()
  add_custom_command(OUTPUT "${G_OUTPUT}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${outdir}"
    ${steps}
    DEPENDS ${all_srcs} "${rt}/guest.ld" ${G_DEPENDS}
    COMMENT "RISC-V guest ${outname} (${G_MARCH})"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS "${G_OUTPUT}")
  set_target_properties(${name} PROPERTIES RVTRACE_GUEST_ELF "${G_OUTPUT}")
endfunction()
