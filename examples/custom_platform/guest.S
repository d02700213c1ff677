# The toy zkVM's guest: sums 1..100 with the toy.sum precompile in 4 calls of 25 words, mixes each
# partial sum into a hash with toy.mix, and exits with ecall a7 = 0 (status: bits 16..23 of the hash).
    .section .text
    .globl _start
_start:
    la      s0, numbers
    li      t0, 1
    li      t1, 101
1:  sd      t0, 0(s0)           # numbers[i] = i + 1
    addi    s0, s0, 8
    addi    t0, t0, 1
    bne     t0, t1, 1b
    la      s0, numbers
    li      s1, 4               # 4 blocks of 25 words
    li      s2, 25
    li      s3, 0               # hash
    li      s4, 0               # total
2:  .insn r 0x2b, 0, 0, a0, s0, s2      # toy.sum a0, s0, s2
    add     s4, s4, a0
    .insn r 0x0b, 0, 0, s3, s3, a0      # toy.mix s3, s3, a0
    addi    s0, s0, 200
    addi    s1, s1, -1
    bnez    s1, 2b
    li      t2, 5050
    bne     s4, t2, 3f          # the precompile's total must be 5050
    srli    a0, s3, 16          # status: bits 16..23 of the hash
    li      a7, 0
    ecall
3:  li      a0, 255
    li      a7, 0
    ecall

    .section .bss
    .balign 8
numbers: .space 800
