/* A minimal ZisK-ABI runtime for test guests: UART output, public outputs, exit, and the
   precompile / DMA / fcall instruction forms exactly as ziskos emits them (ABI.md sections 4-10). */
#pragma once
#include <stdint.h>

#define ZISK_UART ((volatile uint8_t*)0xa0000200)
#define ZISK_OUTPUTS ((volatile uint32_t*)0xa0010000)
#define ZISK_INPUT ((const volatile uint8_t*)0x40000000)

#define ZISK_PRECOMPILE(csr, block) __asm__ volatile("csrs " #csr ", %0" ::"r"(block) : "memory")

static inline void uart_putc(char c) { *ZISK_UART = (uint8_t)c; }
static inline void uart_puts(const char* s) {
  while (*s) uart_putc(*s++);
}
static inline void uart_hex(uint64_t v) {
  for (int i = 15; i >= 0; --i) uart_putc("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static inline void uart_words(const char* tag, const uint64_t* w, int n) {
  uart_puts(tag);
  for (int i = 0; i < n; ++i) {
    uart_putc(' ');
    uart_hex(w[i]);
  }
  uart_putc('\n');
}

static inline uint64_t zisk_marchid(void) {
  uint64_t v;
  __asm__ volatile("csrr %0, marchid" : "=r"(v));
  return v;
}

/* fcall: pushes, call (csrrwi x0, 0x8C0 + (id >> 5), id & 31), result reads */
static inline void fcall_push_value(uint64_t v) { __asm__ volatile("csrs 0x8f0, %0" ::"r"(v)); }
static inline void fcall_push4(const uint64_t* p) { __asm__ volatile("csrs 0x8f2, %0" ::"r"(p) : "memory"); }
static inline void fcall_push8(const uint64_t* p) { __asm__ volatile("csrs 0x8f3, %0" ::"r"(p) : "memory"); }
static inline void fcall_push12(const uint64_t* p) { __asm__ volatile("csrs 0x8f4, %0" ::"r"(p) : "memory"); }
static inline void fcall_push16(const uint64_t* p) { __asm__ volatile("csrs 0x8f5, %0" ::"r"(p) : "memory"); }
static inline void fcall_push24(const uint64_t* p) { __asm__ volatile("csrs 0x8f7, %0" ::"r"(p) : "memory"); }
#define FCALL(id) __asm__ volatile("csrwi %0, %1" ::"i"(0x8c0 + ((id) >> 5)), "i"((id)&31) : "memory")
static inline uint64_t fcall_get(void) {
  uint64_t v;
  __asm__ volatile("csrr %0, 0xffe" : "=r"(v)::"memory");
  return v;
}
/* inputcpy: n bytes of results to dst (add form and addi form) */
static inline void fcall_copy(uint64_t* dst, uint64_t n) {
  __asm__ volatile("csrs 0x815, %0\n\tadd x0, %0, %1" ::"r"(dst), "r"(n) : "memory");
}
#define FCALL_COPY_IMM(dst, n) __asm__ volatile("csrs 0x815, %0\n\taddi x0, %0, %1" ::"r"(dst), "i"(n) : "memory")

/* DMA in ziskos's forms */
static inline void dma_memmove(void* dst, const void* src, uint64_t n) {
  __asm__ volatile("csrs 0x813, %1\n\tadd x0, %0, %2" ::"r"(dst), "r"(src), "r"(n) : "memory");
}
static inline int64_t dma_memcmp(const void* a, const void* b, uint64_t n) {
  int64_t r;
  __asm__ volatile("csrs 0x814, %2\n\tadd %0, %1, %3" : "=&r"(r) : "r"(a), "r"(b), "r"(n) : "memory");
  return r;
}
#define DMA_MEMSET(dst, n, byte) \
  __asm__ volatile("csrs 0x816, %0\n\taddi x0, %1, %2" ::"r"(dst), "r"(n), "i"(byte) : "memory")

static inline uint64_t add256(uint64_t* block) {
  uint64_t carry;
  __asm__ volatile("csrrs %0, 0x811, %1" : "=&r"(carry) : "r"(block) : "memory");
  return carry;
}

__attribute__((noreturn)) static inline void zisk_exit(void) {
  __asm__ volatile("li a7, 93\n\tli a0, 0\n\tecall" ::: "memory");
  __builtin_unreachable();
}
