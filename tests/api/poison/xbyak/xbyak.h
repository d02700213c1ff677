// Stands in front of the real xbyak on the include path of the interpreter-only tests: if anything
// they include reaches for xbyak, the build stops here.
#error "xbyak was included: rvtrace/core.hpp (and facade.hpp with RVTRACE_AOT_ENABLED=0) must not need it"
