# ctest -P script: compiles SOURCE with -DCASE=CASE_<NAME>; with EXPECT set, the compilation must
# fail and its output match EXPECT (a regex); without it, it must succeed.
#   cmake -DCXX=... -DFLAGS="..." -DSOURCE=... -DNAME=... [-DEXPECT=regex] -P compile_fail.cmake
separate_arguments(flags UNIX_COMMAND "${FLAGS}")
execute_process(COMMAND ${CXX} ${flags} -fsyntax-only -DCASE=CASE_${NAME} ${SOURCE}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(DEFINED EXPECT)
  if(rc EQUAL 0)
    message(FATAL_ERROR "${NAME}: compiled, but it must fail with '${EXPECT}'")
  endif()
  if(NOT out MATCHES "${EXPECT}")
    message(FATAL_ERROR "${NAME}: failed without the expected message '${EXPECT}':\n${out}")
  endif()
  message(STATUS "${NAME}: rejected with the expected message")
elseif(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NAME}: the control case must compile:\n${out}")
endif()
