/* rvtrace guest runtime: Linux-user syscalls via ecall and picolibc tinystdio glue.
 * Syscalls used: read(63), write(64), exit(93), brk(214).
 * stdout/stderr are line buffered (flushed on '\n', when full, and at exit). */
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>
#include <errno.h>
#include <unistd.h>
#include <sys/types.h>

#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93
#define SYS_brk 214

static inline long rt_syscall3(long n, long a, long b, long c)
{
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a7 __asm__("a7") = n;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    size_t done = 0;
    while (done < n) {
        long r = rt_syscall3(SYS_write, fd, (long)(p + done), (long)(n - done));
        if (r < 0) { errno = (int)-r; return -1; }
        if (r == 0) break;
        done += (size_t)r;
    }
    return (ssize_t)done;
}

ssize_t read(int fd, void *buf, size_t n)
{
    long r = rt_syscall3(SYS_read, fd, (long)buf, (long)n);
    if (r < 0) { errno = (int)-r; return -1; }
    return (ssize_t)r;
}

/* ---- heap: sbrk on top of brk(214); the heap starts at __heap_start (page after .bss) ---- */
extern char __heap_start[];
static char *rt_brk_cur;

void *sbrk(ptrdiff_t incr)
{
    if (!rt_brk_cur) rt_brk_cur = __heap_start;
    char *old = rt_brk_cur;
    char *want = old + incr;
    long r = rt_syscall3(SYS_brk, (long)want, 0, 0);
    if ((char *)r != want) { errno = ENOMEM; return (void *)-1; }
    rt_brk_cur = want;
    return old;
}

/* ---- stdio ---- */
#define RT_BUFSZ 512
struct rt_obuf { int fd; unsigned len; char buf[RT_BUFSZ]; };
static struct rt_obuf rt_out = { 1, 0, {0} }, rt_err = { 2, 0, {0} };

static int rt_flush_buf(struct rt_obuf *b)
{
    if (b->len) {
        unsigned n = b->len;
        b->len = 0;
        if (write(b->fd, b->buf, n) != (ssize_t)n) return EOF;
    }
    return 0;
}
static int rt_put(struct rt_obuf *b, char c)
{
    b->buf[b->len++] = c;
    if (c == '\n' || b->len == RT_BUFSZ) return rt_flush_buf(b) ? EOF : (unsigned char)c;
    return (unsigned char)c;
}
static int rt_put_out(char c, FILE *f) { (void)f; return rt_put(&rt_out, c); }
static int rt_put_err(char c, FILE *f) { (void)f; return rt_put(&rt_err, c); }
static int rt_flush_out(FILE *f) { (void)f; return rt_flush_buf(&rt_out); }
static int rt_flush_err(FILE *f) { (void)f; return rt_flush_buf(&rt_err); }

static unsigned char rt_ibuf[256];
static unsigned rt_ipos, rt_ilen;
static int rt_get_in(FILE *f)
{
    if (rt_ipos == rt_ilen) {
        ssize_t r = read(0, rt_ibuf, sizeof rt_ibuf);
        if (r <= 0) { f->flags |= (r == 0 ? __SEOF : __SERR); return EOF; }
        rt_ipos = 0;
        rt_ilen = (unsigned)r;
    }
    return rt_ibuf[rt_ipos++];
}

static FILE rt_stdin = FDEV_SETUP_STREAM(NULL, rt_get_in, NULL, _FDEV_SETUP_READ);
static FILE rt_stdout = FDEV_SETUP_STREAM(rt_put_out, NULL, rt_flush_out, _FDEV_SETUP_WRITE);
static FILE rt_stderr = FDEV_SETUP_STREAM(rt_put_err, NULL, rt_flush_err, _FDEV_SETUP_WRITE);
FILE *const stdin = &rt_stdin;
FILE *const stdout = &rt_stdout;
FILE *const stderr = &rt_stderr;

void _exit(int code)
{
    rt_flush_buf(&rt_out);
    rt_flush_buf(&rt_err);
    for (;;) rt_syscall3(SYS_exit, code, 0, 0);
}
