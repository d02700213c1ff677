/* A ZisK-ABI guest that calls every precompile, DMA form and fcall the ZisK platform implements and
   prints each result on the UART; it also reads its input (ZisK's record format with INPUT_READY
   checks), hashes it with the keccakf precompile and commits the digest as public outputs.
   Run under the unicorn harness (the oracle) and rvtrace --platform zisk; outputs must agree. */
#include "zisk_rt.h"

void* memcpy(void* d, const void* s, unsigned long n) {
  dma_memmove(d, s, n);
  return d;
}
void* memmove(void* d, const void* s, unsigned long n) {
  dma_memmove(d, s, n);
  return d;
}
void* memset(void* d, int c, unsigned long n) {
  uint8_t* p = d;
  if (c == 0) {
    DMA_MEMSET(d, n, 0);
    return d;
  }
  while (n--) *p++ = (uint8_t)c;
  return d;
}
int memcmp(const void* a, const void* b, unsigned long n) { return (int)dma_memcmp(a, b, n); }

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}
static void fill(uint64_t* w, int n, uint64_t top_mask) {
  for (int i = 0; i < n; ++i) w[i] = rnd();
  w[n - 1] &= top_mask;
}

/* masks that keep a random value below each prime */
#define MASK_256 0x7fffffffffffffffull
#define MASK_BN 0x2fffffffffffffffull
#define MASK_BLS 0x0fffffffffffffffull

static void hashes(void) {
  uint64_t st[25];
  fill(st, 25, ~0ull);
  ZISK_PRECOMPILE(0x800, st);
  uart_words("keccakf", st, 25);

  uint64_t state[4], block[8];
  fill(state, 4, ~0ull);
  fill(block, 8, ~0ull);
  uint64_t* sblk[2] = {state, block};
  ZISK_PRECOMPILE(0x805, sblk);
  uart_words("sha256f", state, 4);

  uint64_t v[16], m[16];
  fill(v, 16, ~0ull);
  fill(m, 16, ~0ull);
  uint64_t bblk[3] = {11, (uint64_t)v, (uint64_t)m};
  ZISK_PRECOMPILE(0x819, bblk);
  uart_words("blake2b", v, 16);
}

static void arith(void) {
  uint64_t a[4], b[4], c[4], m[4], d[4], dh[4];
  fill(a, 4, ~0ull), fill(b, 4, ~0ull), fill(c, 4, ~0ull), fill(m, 4, ~0ull >> 3);
  uint64_t* blk[5] = {a, b, c, d, dh};
  ZISK_PRECOMPILE(0x801, blk);
  uart_words("arith256 dl", d, 4);
  uart_words("arith256 dh", dh, 4);
  uint64_t* mblk[5] = {a, b, c, m, d};
  ZISK_PRECOMPILE(0x802, mblk);
  uart_words("arith256_mod", d, 4);

  uint64_t a6[6], b6[6], c6[6], m6[6], d6[6];
  fill(a6, 6, ~0ull), fill(b6, 6, ~0ull), fill(c6, 6, ~0ull), fill(m6, 6, 0xffff);
  uint64_t* blk6[5] = {a6, b6, c6, m6, d6};
  ZISK_PRECOMPILE(0x80b, blk6);
  uart_words("arith384_mod", d6, 6);

  uint64_t x[4] = {~0ull, ~0ull, ~0ull, ~0ull}, y[4] = {0, 0, 0, 0}, z[4];
  uint64_t ablk[4] = {(uint64_t)x, (uint64_t)y, 1, (uint64_t)z};
  uint64_t carry = add256(ablk);
  uart_words("add256 max+0+1", z, 4);
  uart_words("add256 carry", &carry, 1);
  fill(y, 4, ~0ull);
  ablk[2] = 0;
  carry = add256(ablk);
  uart_words("add256", z, 4);
  uart_words("add256 carry", &carry, 1);
}

/* add then double on one curve with random coordinates (the formulas need no curve membership) */
static void curve(const char* name, int add_csr, int n, uint64_t mask) {
  uint64_t p[12], q[12];
  fill(p, n, mask), fill(p + n, n, mask), fill(q, n, mask), fill(q + n, n, mask);
  uint64_t* blk[2] = {p, q};
  switch (add_csr) { /* the CSR number is part of the instruction */
    case 0x803: ZISK_PRECOMPILE(0x803, blk); ZISK_PRECOMPILE(0x804, p); break;
    case 0x806: ZISK_PRECOMPILE(0x806, blk); ZISK_PRECOMPILE(0x807, p); break;
    case 0x80c: ZISK_PRECOMPILE(0x80c, blk); ZISK_PRECOMPILE(0x80d, p); break;
    case 0x817: ZISK_PRECOMPILE(0x817, blk); ZISK_PRECOMPILE(0x818, p); break;
  }
  uart_words(name, p, 2 * n);
}

static void complex_ops(void) {
  uint64_t f[8], g[8];
  fill(f, 4, MASK_BN), fill(f + 4, 4, MASK_BN), fill(g, 4, MASK_BN), fill(g + 4, 4, MASK_BN);
  uint64_t* blk[2] = {f, g};
  ZISK_PRECOMPILE(0x808, blk);
  ZISK_PRECOMPILE(0x80a, blk);
  ZISK_PRECOMPILE(0x809, blk);
  uart_words("bn254 complex", f, 8);
  uint64_t h[12], k[12];
  fill(h, 6, MASK_BLS), fill(h + 6, 6, MASK_BLS), fill(k, 6, MASK_BLS), fill(k + 6, 6, MASK_BLS);
  uint64_t* blk2[2] = {h, k};
  ZISK_PRECOMPILE(0x80e, blk2);
  ZISK_PRECOMPILE(0x810, blk2);
  ZISK_PRECOMPILE(0x80f, blk2);
  uart_words("bls12_381 complex", h, 12);
}

static void print_results(const char* tag, int n) {
  uint64_t r[16];
  for (int i = 0; i < n; ++i) r[i] = fcall_get();
  uart_words(tag, r, n);
}

static void fcalls(void) {
  uint64_t a[4], r[40];
  fill(a, 4, MASK_256);
  for (int id = 1; id <= 2; ++id) {
    fcall_push4(a);
    if (id == 1) FCALL(1); else FCALL(2);
    fcall_copy(r, 32);
    uart_words(id == 1 ? "fcall 1" : "fcall 2", r, 4);
  }
  fcall_push4(a);
  fcall_push_value(1);
  FCALL(3);
  FCALL_COPY_IMM(r, 40);
  uart_words("fcall 3", r, 5);
  fcall_push4(a);
  FCALL(4);
  fcall_copy(r, 80);
  uart_words("fcall 4", r, 10);
  fcall_push4(a);
  FCALL(5);
  print_results("fcall 5", 4);
  uint64_t bn[32];
  for (int i = 0; i < 8; ++i) fill(bn + 4 * i, 4, MASK_BN);
  fcall_push4(bn);
  FCALL(6);
  print_results("fcall 6", 4);
  fcall_push8(bn);
  FCALL(7);
  print_results("fcall 7", 8);
  fcall_push16(bn);
  fcall_push16(bn + 16);
  FCALL(8);
  print_results("fcall 8", 16);
  fcall_push16(bn);
  FCALL(9);
  print_results("fcall 9", 16);
  uint64_t bls[48];
  for (int i = 0; i < 8; ++i) fill(bls + 6 * i, 6, MASK_BLS);
  fcall_push8(bls);
  FCALL(10);
  print_results("fcall 10", 6);
  fcall_push8(bls);
  FCALL(11);
  print_results("fcall 11", 7);
  fcall_push12(bls);
  FCALL(12);
  print_results("fcall 12", 12);
  fcall_push16(bls);
  FCALL(13);
  print_results("fcall 13", 13);
  fcall_push24(bls);
  fcall_push24(bls + 24);
  FCALL(14);
  uint64_t line[24];
  fcall_copy(line, 96);
  fcall_copy(line + 12, 96);
  uart_words("fcall 14", line, 24);
  fcall_push24(bls);
  FCALL(15);
  fcall_copy(line, 192);
  uart_words("fcall 15", line, 24);
  fcall_push_value(2);
  fcall_push_value(0x1234);
  fcall_push_value(5);
  FCALL(16);
  uint64_t nbits = fcall_get();
  uart_words("fcall 16 nbits", &nbits, 1);
  print_results("fcall 16 bits", 16);
  fcall_push_value(2);
  fcall_push4(a);
  fcall_push4(bn);
  FCALL(17);
  print_results("fcall 17", 2);
  fcall_push8(bls);
  fcall_push8(bls + 8);
  FCALL(18);
  print_results("fcall 18", 2);
  fcall_push4(bn);
  fcall_push4(a);
  FCALL(19);
  print_results("fcall 19", 8);
  fcall_push4(a);
  FCALL(20);
  print_results("fcall 20", 5);
  fcall_push4(a);
  fcall_push4(bn);
  FCALL(21);
  print_results("fcall 21", 5);
  fcall_push_value(6);
  for (int i = 0; i < 6; ++i) fcall_push_value(bls[i]);
  fcall_push_value(2);
  fcall_push_value(a[0]);
  fcall_push_value(a[1]);
  FCALL(22);
  uint64_t lq = fcall_get();
  fcall_copy(r, 8 * lq);
  uint64_t lr = fcall_get();
  fcall_copy(r + lq, 8 * lr);
  uart_words("fcall 22 q", r, (int)lq);
  uart_words("fcall 22 r", r + lq, (int)lr);
}

static void dma(void) {
  static uint8_t buf[96];
  for (int i = 0; i < 96; ++i) buf[i] = (uint8_t)(i * 7 + 1);
  dma_memmove(buf + 3, buf, 40);  /* overlapping, forward destination */
  dma_memmove(buf + 50, buf + 53, 21);
  DMA_MEMSET(buf + 81, 9, 0xab);
  int64_t c1 = dma_memcmp(buf, buf + 1, 20), c2 = dma_memcmp(buf + 10, buf + 10, 30);
  uart_words("dma buf", (const uint64_t*)buf, 12);
  uint64_t c[2] = {(uint64_t)c1, (uint64_t)c2};
  uart_words("dma memcmp", c, 2);
}

/* instructions ZisK counts with extra steps (ABI.md section 11) and the no-op rules */
static void misc(void) {
  static uint64_t cell = 5;
  uint64_t old, res;
  __asm__ volatile("amoadd.d %0, %2, (%1)" : "=&r"(old) : "r"(&cell), "r"(7ull) : "memory");
  __asm__ volatile("amoswap.d %0, %2, (%1)" : "=&r"(res) : "r"(&cell), "r"(old) : "memory");
  uint64_t tmp = 3;
  __asm__ volatile("amoor.d %0, %0, (%1)" : "+r"(tmp) : "r"(&cell) : "memory");  /* rd == rs2 */
  uint64_t lr, sc;
  __asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)" : "=&r"(lr), "=&r"(sc) : "r"(&cell), "r"(tmp + 1) : "memory");
  __asm__ volatile("unimp\n\tfence" ::: "memory");  /* no-ops on ZisK (ebreak too, but rvtrace stops there) */
  /* (an ecall other than exit sets ra = pc + 4 in ZisK; rvtrace stops there: not exercised) */
  uint64_t w[6] = {old, res, tmp, lr, sc, cell};
  uart_words("misc", w, 6);
}

static void read_input(void) {
  /* ziskos's zero-copy read: INPUT_READY for the length word, then for the padded data */
  uint64_t addr = 0x40000008;
  fcall_push_value(addr + 7);
  FCALL(23);
  uint64_t len = 0;
  for (int i = 0; i < 8; ++i) len |= (uint64_t)ZISK_INPUT[8 + i] << (8 * i);
  uint64_t alen = (len + 7) & ~7ull;
  fcall_push_value(addr + 8 + alen - 1);
  FCALL(23);
  /* keccak-256 sponge over the record with the keccakf precompile */
  uint64_t st[25] = {0};
  const uint64_t rate = 136;
  uint64_t i = 0;
  uint8_t* stb = (uint8_t*)st;
  for (; i + rate <= len; i += rate) {
    for (uint64_t j = 0; j < rate; ++j) stb[j] ^= ZISK_INPUT[16 + i + j];
    ZISK_PRECOMPILE(0x800, st);
  }
  uint64_t j = 0;
  for (; i < len; ++i, ++j) stb[j] ^= ZISK_INPUT[16 + i];
  stb[j] ^= 0x01;
  stb[rate - 1] ^= 0x80;
  ZISK_PRECOMPILE(0x800, st);
  uart_words("input keccak256", st, 4);
  const uint32_t* h = (const uint32_t*)st;
  for (int k = 0; k < 8; ++k) ZISK_OUTPUTS[k] = h[k];
  ZISK_OUTPUTS[8] = (uint32_t)len;
}

int main(void) {
  uint64_t march = zisk_marchid();
  uart_words("marchid", &march, 1);
  read_input();
  hashes();
  arith();
  curve("secp256k1", 0x803, 4, MASK_256);
  curve("secp256r1", 0x817, 4, MASK_256);
  curve("bn254", 0x806, 4, MASK_BN);
  curve("bls12_381", 0x80c, 6, MASK_BLS);
  complex_ops();
  fcalls();
  dma();
  misc();
  uart_puts("done\n");
  return 0;
}
