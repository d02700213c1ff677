/* Profile region markers for rvtrace guests (see include/rvtrace/guest/syscalls.hpp).
 *
 *   rvtrace_region_begin("parse");  ...  rvtrace_region_end();
 *
 * `rvtrace profile` shows the steps in between under a frame named "parse". The label must be a
 * string literal (it is read from the ELF's read-only data, which every replay has). Regions nest;
 * an end closes the innermost open region. The markers are ecalls that do nothing and return
 * -ENOSYS (also under Linux/qemu), so a marked program runs unchanged everywhere. */
#ifndef RVTRACE_REGION_H
#define RVTRACE_REGION_H

#define RVTRACE_SYS_REGION_BEGIN 0x72760000L
#define RVTRACE_SYS_REGION_END 0x72760001L

static inline void rvtrace_region_begin(const char *label) {
  register long a0 __asm__("a0") = (long)label;
  register long a7 __asm__("a7") = RVTRACE_SYS_REGION_BEGIN;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

static inline void rvtrace_region_end(void) {
  register long a0 __asm__("a0") = 0;
  register long a7 __asm__("a7") = RVTRACE_SYS_REGION_END;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

#endif
