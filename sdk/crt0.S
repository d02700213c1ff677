/* rvtrace guest runtime: _start.
 *
 * Register contract: when `main` is entered, every register is a function of
 * the ELF and of argc/argv[1..] only -- never of where the loader put the
 * initial stack, of argv[0], or of the environment:
 *   sp = __stack_top (1 MiB stack in .bss, 64 KiB aligned), gp = __global_pointer$,
 *   tp = __tls_block (TLS block in .bss, initialised from .tdata/.tbss),
 *   a0 = argc (clamped to 16), a1 = __argv_area (copy of argv; argv[0] is the
 *   fixed string "guest"; argv[1..] are copied into __argv_chars, 4 KiB total),
 *   ra = return address into _start, all other registers = 0.
 * The number of instructions executed before main depends only on argc and
 * on the lengths of argv[1..] (argv[0] and envp are never read).
 */
        .section .text.start, "ax", @progbits
        .globl  _start
        .type   _start, @function
_start:
        .option push
        .option norelax
        la      gp, __global_pointer$
        .option pop
        ld      s0, 0(sp)               /* argc */
        addi    s1, sp, 8               /* original argv */
        la      sp, __stack_top         /* switch to our own stack */

        /* TLS: copy .tdata, zero .tbss into __tls_block, tp -> block (variant I, no TCB) */
        la      a0, __tls_block
        call    _init_tls
        la      tp, __tls_block

        /* argc = min(argc, 16) */
        li      t0, 16
        ble     s0, t0, 1f
        mv      s0, t0
1:
        la      s2, __argv_area         /* new argv[] */
        beqz    s0, 6f
        la      t1, __argv0_name        /* argv[0] = "guest" (deterministic) */
        sd      t1, 0(s2)
        la      t2, __argv_chars        /* dst */
        li      t3, 4095
        add     t3, t2, t3              /* last usable char (kept for the NUL) */
        li      t4, 1                   /* i */
2:      bge     t4, s0, 6f
        slli    t5, t4, 3
        add     t6, s1, t5
        ld      a2, 0(t6)               /* src = argv[i] */
        add     a3, s2, t5
        sd      t2, 0(a3)               /* new argv[i] = dst */
3:      bgeu    t2, t3, 4f              /* out of space: truncate */
        lbu     a4, 0(a2)
        beqz    a4, 4f
        sb      a4, 0(t2)
        addi    t2, t2, 1
        addi    a2, a2, 1
        j       3b
4:      sb      zero, 0(t2)
        bgeu    t2, t3, 5f
        addi    t2, t2, 1
5:      addi    t4, t4, 1
        j       2b
6:
        /* new argv[argc] is already NULL (.bss).  Now forget the old stack. */
        mv      a0, s0
        mv      a1, s2
        li      ra, 0
        li      t0, 0
        li      t1, 0
        li      t2, 0
        li      t3, 0
        li      t4, 0
        li      t5, 0
        li      t6, 0
        li      s0, 0
        li      s1, 0
        li      s2, 0
        li      s3, 0
        li      s4, 0
        li      s5, 0
        li      s6, 0
        li      s7, 0
        li      s8, 0
        li      s9, 0
        li      s10, 0
        li      s11, 0
        li      a2, 0
        li      a3, 0
        li      a4, 0
        li      a5, 0
        li      a6, 0
        li      a7, 0
        call    main
        call    exit                    /* atexit handlers, then _exit flushes stdio */
7:      j       7b
        .size   _start, . - _start

        .section .rodata.argv0, "a", @progbits
__argv0_name:
        .asciz  "guest"
