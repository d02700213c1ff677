// RV64C: expansion of every compressed instruction to its base instruction, reserved encodings, and
// execution of compressed words (pc += 2, links are pc + 2).
// The 16-bit words were hand-assembled from the RVC tables of the spec ("C" chapter: instruction
// formats and listings for quadrants 0/1/2) and then checked against binutils 2.x
// (riscv64-unknown-elf-as -march=rv64imac; riscv64-unknown-elf-objdump -d -M no-aliases): all of the
// words in this file that name an assembler line in their comment were identical in the objdump output.
#include "isa_test.hpp"

using namespace isa_test;

TEST_CASE("quadrant 0: c.addi4spn c.lw c.ld c.sw c.sd", "[isa][rvc]") {
  // c.addi4spn: 000 nzuimm[5:4|9:6|2|3] rd' 00
  STATIC_REQUIRE(expand_compressed(0x1fe0) == encode<Addi>(8, 2, 1020));    // c.addi4spn s0,sp,1020 (max)
  STATIC_REQUIRE(expand_compressed(0x005c) == encode<Addi>(15, 2, 4));      // c.addi4spn a5,sp,4 (min)
  STATIC_REQUIRE(expand_compressed(0x0020) == encode<Addi>(8, 2, 8));       // bit 5 -> nzuimm[3]
  STATIC_REQUIRE(expand_compressed(0x0800) == encode<Addi>(8, 2, 16));      // bit 11 -> nzuimm[4]
  STATIC_REQUIRE(expand_compressed(0x0080) == encode<Addi>(8, 2, 64));      // bit 7 -> nzuimm[6]
  // c.lw: 010 uimm[5:3] rs1' uimm[2|6] rd' 00
  STATIC_REQUIRE(expand_compressed(0x5d64) == encode<Lw>(9, 10, 124));      // c.lw s1,124(a0) (max)
  STATIC_REQUIRE(expand_compressed(0x4020) == encode<Lw>(8, 8, 64));       // bit 5 -> uimm[6]
  STATIC_REQUIRE(expand_compressed(0x4040) == encode<Lw>(8, 8, 4));        // bit 6 -> uimm[2]
  // c.ld: 011 uimm[5:3] rs1' uimm[7:6] rd' 00
  STATIC_REQUIRE(expand_compressed(0x7e6c) == encode<Ld>(11, 12, 248));     // c.ld a1,248(a2) (max)
  STATIC_REQUIRE(expand_compressed(0x6040) == encode<Ld>(8, 8, 128));      // bit 6 -> uimm[7]
  // c.sw: 110 uimm[5:3] rs1' uimm[2|6] rs2' 00
  STATIC_REQUIRE(expand_compressed(0xdf74) == encode<Sw>(14, 13, 124));     // c.sw a3,124(a4) (max)
  // c.sd: 111 uimm[5:3] rs1' uimm[7:6] rs2' 00
  STATIC_REQUIRE(expand_compressed(0xfc7c) == encode<Sd>(8, 15, 248));      // c.sd a5,248(s0) (max)
  STATIC_REQUIRE(expand_compressed(0xe000) == encode<Sd>(8, 8, 0));         // c.sd s0,0(s0)
}

TEST_CASE("quadrant 1: c.nop c.addi c.addiw c.li c.addi16sp c.lui", "[isa][rvc]") {
  STATIC_REQUIRE(expand_compressed(0x0001) == encode<Addi>(0, 0, 0));       // c.nop
  STATIC_REQUIRE(expand_compressed(0x1501) == encode<Addi>(10, 10, -32));   // c.addi a0,-32
  STATIC_REQUIRE(expand_compressed(0x02fd) == encode<Addi>(5, 5, 31));      // c.addi t0,31
  STATIC_REQUIRE(expand_compressed(0x337d) == encode<Addiw>(6, 6, -1));     // c.addiw t1,-1
  STATIC_REQUIRE(expand_compressed(0x2005 | 5 << 7) == encode<Addiw>(5, 5, 1));  // c.addiw t0,1
  STATIC_REQUIRE(expand_compressed(0x2001 | 5 << 7) == encode<Addiw>(5, 5, 0));  // c.addiw t0,0 = sext.w
  STATIC_REQUIRE(expand_compressed(0x5381) == encode<Addi>(7, 0, -32));     // c.li t2,-32
  STATIC_REQUIRE(expand_compressed(0x4ffd) == encode<Addi>(31, 0, 31));     // c.li t6,31
  // c.addi16sp: 011 nzimm[9] 00010 nzimm[4|6|8:7|5] 01
  STATIC_REQUIRE(expand_compressed(0x7101) == encode<Addi>(2, 2, -512));    // c.addi16sp sp,-512
  STATIC_REQUIRE(expand_compressed(0x617d) == encode<Addi>(2, 2, 496));     // c.addi16sp sp,496
  STATIC_REQUIRE(expand_compressed(0x6141) == encode<Addi>(2, 2, 16));      // bit 6 -> nzimm[4]
  STATIC_REQUIRE(expand_compressed(0x6121) == encode<Addi>(2, 2, 64));      // bit 5 -> nzimm[6]
  STATIC_REQUIRE(expand_compressed(0x6111) == encode<Addi>(2, 2, 256));     // bit 4 -> nzimm[8]
  STATIC_REQUIRE(expand_compressed(0x6105) == encode<Addi>(2, 2, 32));      // bit 2 -> nzimm[5]
  // c.lui: 011 nzimm[17] rd nzimm[16:12] 01, rd != 0, 2
  STATIC_REQUIRE(expand_compressed(0x7181) == encode<Lui>(3, -0x20000));    // c.lui gp,0xfffe0 (most negative)
  STATIC_REQUIRE(expand_compressed(0x627d) == encode<Lui>(4, 0x1f000));     // c.lui tp,0x1f (max)
  STATIC_REQUIRE(expand_compressed(0x72fd) == encode<Lui>(5, -0x1000));     // c.lui t0,0xfffff
  STATIC_REQUIRE(expand_compressed(0x6185) == encode<Lui>(3, 0x1000));      // c.lui gp,1
}

TEST_CASE("quadrant 1: c.srli c.srai c.andi and the register-register group", "[isa][rvc]") {
  STATIC_REQUIRE(expand_compressed(0x907d) == encode<Srli>(8, 8, 63));      // c.srli s0,63
  STATIC_REQUIRE(expand_compressed(0x8005) == encode<Srli>(8, 8, 1));       // c.srli s0,1
  STATIC_REQUIRE(expand_compressed(0x8485) == encode<Srai>(9, 9, 1));       // c.srai s1,1
  STATIC_REQUIRE(expand_compressed(0x9781) == encode<Srai>(15, 15, 32));    // c.srai a5,32
  STATIC_REQUIRE(expand_compressed(0x997d) == encode<Andi>(10, 10, -1));    // c.andi a0,-1
  STATIC_REQUIRE(expand_compressed(0x8981) == encode<Andi>(11, 11, 0));     // c.andi a1,0
  STATIC_REQUIRE(expand_compressed(0x9981) == encode<Andi>(11, 11, -32));   // c.andi a1,-32
  STATIC_REQUIRE(expand_compressed(0x8c05) == encode<Sub>(8, 8, 9));        // c.sub s0,s1
  STATIC_REQUIRE(expand_compressed(0x8d2d) == encode<Xor>(10, 10, 11));     // c.xor a0,a1
  STATIC_REQUIRE(expand_compressed(0x8e55) == encode<Or>(12, 12, 13));      // c.or a2,a3
  STATIC_REQUIRE(expand_compressed(0x8f7d) == encode<And>(14, 14, 15));     // c.and a4,a5
  STATIC_REQUIRE(expand_compressed(0x9c1d) == encode<Subw>(8, 8, 15));      // c.subw s0,a5
  STATIC_REQUIRE(expand_compressed(0x9ca9) == encode<Addw>(9, 9, 10));      // c.addw s1,a0
}

TEST_CASE("quadrant 1: c.j c.beqz c.bnez offsets", "[isa][rvc]") {
  // c.j: 101 offset[11|4|9:8|10|6|7|3:1|5] 01
  STATIC_REQUIRE(expand_compressed(0xbffd) == encode<Jal>(0, -2));          // c.j .-2
  STATIC_REQUIRE(expand_compressed(0xb001) == encode<Jal>(0, -2048));       // c.j .-2048 (min)
  STATIC_REQUIRE(expand_compressed(0xaffd) == encode<Jal>(0, 2046));        // c.j .+2046 (max)
  // one offset bit at a time (each checked with binutils)
  STATIC_REQUIRE(expand_compressed(0xa009) == encode<Jal>(0, 0x2));
  STATIC_REQUIRE(expand_compressed(0xa801) == encode<Jal>(0, 0x10));
  STATIC_REQUIRE(expand_compressed(0xa005) == encode<Jal>(0, 0x20));
  STATIC_REQUIRE(expand_compressed(0xa081) == encode<Jal>(0, 0x40));
  STATIC_REQUIRE(expand_compressed(0xa041) == encode<Jal>(0, 0x80));
  STATIC_REQUIRE(expand_compressed(0xa201) == encode<Jal>(0, 0x100));
  STATIC_REQUIRE(expand_compressed(0xa401) == encode<Jal>(0, 0x200));
  STATIC_REQUIRE(expand_compressed(0xa101) == encode<Jal>(0, 0x400));
  // c.beqz/c.bnez: 11x offset[8|4:3] rs1' offset[7:6|2:1|5] 01
  STATIC_REQUIRE(expand_compressed(0xd001) == encode<Beq>(8, 0, -256));     // c.beqz s0,.-256 (min)
  STATIC_REQUIRE(expand_compressed(0xdcfd) == encode<Beq>(9, 0, -2));       // c.beqz s1,.-2
  STATIC_REQUIRE(expand_compressed(0xeffd) == encode<Bne>(15, 0, 254));     // c.bnez a5,.+254 (max)
  STATIC_REQUIRE(expand_compressed(0xfd75) == encode<Bne>(10, 0, -4));      // c.bnez a0,.-4
}

TEST_CASE("quadrant 2: c.slli c.lwsp c.ldsp c.jr c.mv c.ebreak c.jalr c.add c.swsp c.sdsp", "[isa][rvc]") {
  STATIC_REQUIRE(expand_compressed(0x10fe) == encode<Slli>(1, 1, 63));      // c.slli ra,63
  STATIC_REQUIRE(expand_compressed(0x0f86) == encode<Slli>(31, 31, 1));     // c.slli t6,1
  STATIC_REQUIRE(expand_compressed(0x50fe) == encode<Lw>(1, 2, 252));       // c.lwsp ra,252(sp) (max)
  STATIC_REQUIRE(expand_compressed(0x4f92) == encode<Lw>(31, 2, 4));        // c.lwsp t6,4(sp)
  STATIC_REQUIRE(expand_compressed(0x757e) == encode<Ld>(10, 2, 504));      // c.ldsp a0,504(sp) (max)
  STATIC_REQUIRE(expand_compressed(0x62a2) == encode<Ld>(5, 2, 8));         // c.ldsp t0,8(sp)
  STATIC_REQUIRE(expand_compressed(0x8082) == encode<Jalr>(0, 1, 0));       // c.jr ra (ret)
  STATIC_REQUIRE(expand_compressed(0x852e) == encode<Add>(10, 0, 11));      // c.mv a0,a1
  STATIC_REQUIRE(expand_compressed(0x9002) == encode<Ebreak>());            // c.ebreak
  STATIC_REQUIRE(expand_compressed(0x9282) == encode<Jalr>(1, 5, 0));       // c.jalr t0
  STATIC_REQUIRE(expand_compressed(0x952e) == encode<Add>(10, 10, 11));     // c.add a0,a1
  STATIC_REQUIRE(expand_compressed(0xdffe) == encode<Sw>(2, 31, 252));      // c.swsp t6,252(sp) (max)
  STATIC_REQUIRE(expand_compressed(0xc206) == encode<Sw>(2, 1, 4));         // c.swsp ra,4(sp)
  STATIC_REQUIRE(expand_compressed(0xffaa) == encode<Sd>(2, 10, 504));      // c.sdsp a0,504(sp) (max)
  STATIC_REQUIRE(expand_compressed(0xe086) == encode<Sd>(2, 1, 64));        // c.sdsp ra,64(sp)
}

TEST_CASE("compressed: the expansion of some words as raw 32-bit words", "[isa][rvc]") {
  // Independent of encode<>: base words hand-assembled (and identical in objdump output).
  STATIC_REQUIRE(expand_compressed(0x8082) == 0x00008067);   // jalr zero,0(ra)
  STATIC_REQUIRE(expand_compressed(0x0001) == 0x00000013);   // addi zero,zero,0
  STATIC_REQUIRE(expand_compressed(0x9002) == 0x00100073);   // ebreak
  STATIC_REQUIRE(expand_compressed(0x852e) == 0x00b00533);   // add a0,zero,a1
  STATIC_REQUIRE(expand_compressed(0x7101) == 0xe0010113);   // addi sp,sp,-512
  STATIC_REQUIRE(expand_compressed(0x757e) == 0x1f813503);   // ld a0,504(sp)
}

TEST_CASE("compressed: reserved and floating-point encodings expand to 0", "[isa][rvc]") {
  STATIC_REQUIRE(expand_compressed(0x0000) == 0);            // all zero: defined illegal
  STATIC_REQUIRE(expand_compressed(0x0004) == 0);            // c.addi4spn a1? rd'=1, nzuimm = 0
  STATIC_REQUIRE(expand_compressed(0x001c) == 0);            // c.addi4spn rd'=7, nzuimm = 0
  STATIC_REQUIRE(expand_compressed(0x2001) == 0);            // c.addiw rd = 0, imm 0
  STATIC_REQUIRE(expand_compressed(0x307d) == 0);            // c.addiw rd = 0, imm -1
  STATIC_REQUIRE(expand_compressed(0x4002) == 0);            // c.lwsp rd = 0
  STATIC_REQUIRE(expand_compressed(0x50fe & ~0x0f80) == 0);  // c.lwsp rd = 0, offset 252
  STATIC_REQUIRE(expand_compressed(0x6002) == 0);            // c.ldsp rd = 0
  STATIC_REQUIRE(expand_compressed(0x8002) == 0);            // c.jr rs1 = 0
  STATIC_REQUIRE(expand_compressed(0x6181) == 0);            // c.lui gp, 0 (imm 0 reserved)
  STATIC_REQUIRE(expand_compressed(0x6101) == 0);            // c.addi16sp 0 (imm 0 reserved)
  STATIC_REQUIRE(expand_compressed(0x2000) == 0);            // c.fld fs0,0(s0)
  STATIC_REQUIRE(expand_compressed(0x3fe0) == 0);            // c.fld, all offset bits
  STATIC_REQUIRE(expand_compressed(0xa000) == 0);            // c.fsd fs0,0(s0)
  STATIC_REQUIRE(expand_compressed(0x8000) == 0);            // quadrant 0 funct3 100: reserved
  STATIC_REQUIRE(expand_compressed(0x2002) == 0);            // c.fldsp
  STATIC_REQUIRE(expand_compressed(0xa002) == 0);            // c.fsdsp
  STATIC_REQUIRE(expand_compressed(0x9c41) == 0);            // 100 1 11 rd' 10 rs2' 01: reserved
  STATIC_REQUIRE(expand_compressed(0x9c61) == 0);            // 100 1 11 rd' 11 rs2' 01: reserved
  STATIC_REQUIRE(expand_compressed(0x9f7d) == 0);            // same group, other registers
  STATIC_REQUIRE(expand_compressed(0x0003) == 0);            // not a compressed parcel
  // decode_parcels turns them into illegal instructions of length 2
  STATIC_REQUIRE(!decode_parcels(0x0000, 0x0000).legal());
  STATIC_REQUIRE(!decode_parcels(0x9c41, 0x0000).legal());
  STATIC_REQUIRE(!decode_parcels(0x2002, 0x1234).legal());
}

TEST_CASE("compressed: HINT encodings are harmless no-ops on the architectural state", "[isa][rvc]") {
  // Spec: c.li/c.addi/c.mv/c.add/c.lui/c.slli with rd = x0 are HINTs. They may expand to a base op
  // with rd = x0 (no effect) but must not be illegal.
  constexpr EvalState base = with_regs({{11, 5}});
  STATIC_REQUIRE(eval_word(base, 0x4005).cpu.x == base.cpu.x);   // c.li x0, 1
  STATIC_REQUIRE(eval_word(base, 0x802e).cpu.x == base.cpu.x);   // c.mv x0, a1
  STATIC_REQUIRE(eval_word(base, 0x902e).cpu.x == base.cpu.x);   // c.add x0, a1
  STATIC_REQUIRE(eval_word(base, 0x6005).cpu.x == base.cpu.x);   // c.lui x0, 1
  STATIC_REQUIRE(eval_word(base, 0x0006).cpu.x == base.cpu.x);   // c.slli x0, 1
  STATIC_REQUIRE(eval_word(base, 0x0006).cpu.pc == PC + 2);
}

TEST_CASE("compressed: execution, pc += 2 and links pc + 2", "[isa][rvc][eval]") {
  // c.addi4spn s0,sp,1020 with sp = 0x1000 -> s0 = 0x13fc
  constexpr EvalState a = eval_word(with_regs({{2, 0x1000}}), 0x1fe0);
  STATIC_REQUIRE(a.x(8) == 0x13fc);
  STATIC_REQUIRE(a.cpu.pc == PC + 2);
  STATIC_REQUIRE(a.steps == 1);
  // c.addi a0,-32 ; c.addiw t1,-1 on 0x80000000 -> 0x7fffffff ; c.li t2,-32 ; c.lui gp,0xfffe0
  STATIC_REQUIRE(eval_word(with_regs({{10, 100}}), 0x1501).x(10) == 68);
  STATIC_REQUIRE(eval_word(with_regs({{6, 0x8000'0000}}), 0x337d).x(6) == 0x7fff'ffff);
  STATIC_REQUIRE(eval_word(with_regs({}), 0x5381).x(7) == u64(-32));
  STATIC_REQUIRE(eval_word(with_regs({}), 0x7181).x(3) == 0xffff'ffff'fffe'0000);
  STATIC_REQUIRE(eval_word(with_regs({}), 0x627d).x(4) == 0x1f000);
  STATIC_REQUIRE(eval_word(with_regs({{2, 0x2000}}), 0x7101).x(2) == 0x1e00);
  STATIC_REQUIRE(eval_word(with_regs({{2, 0x2000}}), 0x617d).x(2) == 0x21f0);
  STATIC_REQUIRE(eval_word(with_regs({}), 0x0001).cpu.pc == PC + 2);
  // shifts and logic
  STATIC_REQUIRE(eval_word(with_regs({{8, ONES}}), 0x907d).x(8) == 1);          // c.srli s0,63
  STATIC_REQUIRE(eval_word(with_regs({{15, I64_MIN}}), 0x9781).x(15) == 0xffff'ffff'8000'0000);  // c.srai a5,32
  STATIC_REQUIRE(eval_word(with_regs({{1, 1}}), 0x10fe).x(1) == I64_MIN);       // c.slli ra,63
  STATIC_REQUIRE(eval_word(with_regs({{10, 0x1234}}), 0x997d).x(10) == 0x1234); // c.andi a0,-1
  STATIC_REQUIRE(eval_word(with_regs({{8, 5}, {9, 7}}), 0x8c05).x(8) == u64(-2));           // c.sub
  STATIC_REQUIRE(eval_word(with_regs({{10, 0xff}, {11, 0x0f}}), 0x8d2d).x(10) == 0xf0);      // c.xor
  STATIC_REQUIRE(eval_word(with_regs({{12, 0xf0}, {13, 0x0f}}), 0x8e55).x(12) == 0xff);      // c.or
  STATIC_REQUIRE(eval_word(with_regs({{14, 0xf0}, {15, 0x3c}}), 0x8f7d).x(14) == 0x30);      // c.and
  STATIC_REQUIRE(eval_word(with_regs({{8, 0}, {15, 1}}), 0x9c1d).x(8) == ONES);             // c.subw
  STATIC_REQUIRE(eval_word(with_regs({{9, 0x7fff'ffff}, {10, 1}}), 0x9ca9).x(9) == 0xffff'ffff'8000'0000);  // c.addw
  STATIC_REQUIRE(eval_word(with_regs({{11, 9}}), 0x852e).x(10) == 9);           // c.mv
  STATIC_REQUIRE(eval_word(with_regs({{10, 1}, {11, 9}}), 0x952e).x(10) == 10); // c.add
  STATIC_REQUIRE(eval_word(with_regs({{10, 1}, {11, 9}}), 0x952e).cpu.pc == PC + 2);
  // control transfer
  STATIC_REQUIRE(eval_word(with_regs({}), 0xbffd).cpu.pc == PC - 2);            // c.j .-2
  STATIC_REQUIRE(eval_word(with_regs({}), 0xb001).cpu.pc == PC - 2048);         // c.j .-2048
  STATIC_REQUIRE(eval_word(with_regs({{8, 0}}), 0xd001).cpu.pc == PC - 256);    // c.beqz taken
  STATIC_REQUIRE(eval_word(with_regs({{8, 1}}), 0xd001).cpu.pc == PC + 2);      // c.beqz not taken
  STATIC_REQUIRE(eval_word(with_regs({{15, 1}}), 0xeffd).cpu.pc == PC + 254);   // c.bnez taken
  STATIC_REQUIRE(eval_word(with_regs({{15, 0}}), 0xeffd).cpu.pc == PC + 2);     // c.bnez not taken
  STATIC_REQUIRE(eval_word(with_regs({{1, 0x3000}}), 0x8082).cpu.pc == 0x3000); // c.jr ra
  constexpr EvalState j = eval_word(with_regs({{5, 0x3001}}), 0x9282);          // c.jalr t0
  STATIC_REQUIRE(j.cpu.pc == 0x3000);
  STATIC_REQUIRE(j.x(1) == PC + 2);                                             // link = pc + 2
  constexpr EvalState jr = eval_word(with_regs({{1, 0x3000}}), 0x9082);         // c.jalr ra: rd == rs1
  STATIC_REQUIRE(jr.cpu.pc == 0x3000);
  STATIC_REQUIRE(jr.x(1) == PC + 2);
  STATIC_REQUIRE(eval_word(with_regs({}), 0x9002).halted);                      // c.ebreak
}

TEST_CASE("compressed: loads and stores execute with their offsets", "[isa][rvc][eval]") {
  // c.sd a5,248(s0) with s0 = 0x1000, then c.ld a1,248(a2) with a2 = 0x1000
  constexpr EvalState s = eval_word(with_regs({{8, MEM}, {15, 0x8877'6655'4433'2211}, {12, MEM}}), 0xfc7c);
  STATIC_REQUIRE(peek(s, MEM + 248, 8) == 0x8877'6655'4433'2211);
  STATIC_REQUIRE(s.cpu.pc == PC + 2);
  constexpr EvalState l = eval_word(s, 0x7e6c);
  STATIC_REQUIRE(l.x(11) == 0x8877'6655'4433'2211);
  STATIC_REQUIRE(l.cpu.pc == PC + 4);
  // c.sw a3,124(a4) / c.lw s1,124(a0): 32-bit, sign-extended
  constexpr EvalState w = eval_word(with_regs({{14, MEM}, {13, 0x8000'0001}, {10, MEM}}), 0xdf74);
  STATIC_REQUIRE(peek(w, MEM + 124, 8) == 0x8000'0001);
  STATIC_REQUIRE(eval_word(w, 0x5d64).x(9) == 0xffff'ffff'8000'0001);
  // c.swsp t6,252(sp) / c.lwsp ra,252(sp)
  constexpr EvalState sw = eval_word(with_regs({{2, MEM}, {31, 0xffff'ffff'7fff'fffe}}), 0xdffe);
  STATIC_REQUIRE(peek(sw, MEM + 252, 4) == 0x7fff'fffe);
  STATIC_REQUIRE(eval_word(sw, 0x50fe).x(1) == 0x7fff'fffe);
  // c.sdsp ra,64(sp) / c.ldsp t0,8(sp) with sp = 0x1000 - 56 = 0xfc8 (64 - 56 = 8)
  constexpr EvalState sd = eval_word(with_regs({{2, MEM}, {1, ONES - 1}}), 0xe086);
  STATIC_REQUIRE(peek(sd, MEM + 64, 8) == ONES - 1);
  constexpr EvalState sd2 = [] {
    EvalState t = eval_word(with_regs({{2, MEM}, {1, ONES - 1}}), 0xe086);
    t.cpu.x[2] = MEM + 56;
    return t;
  }();
  STATIC_REQUIRE(eval_word(sd2, 0x62a2).x(5) == ONES - 1);   // 0x1038 + 8 = 0x1040
}

TEST_CASE("compressed: a 16-bit word ignores the upper parcel", "[isa][rvc][eval]") {
  // eval_word(0xffff'0001): low parcel c.nop, the next parcel is not part of it
  STATIC_REQUIRE(eval_word(with_regs({}), 0xffff'0001).cpu.pc == PC + 2);
  constexpr Decoded d = decode_parcels(0x852e, 0xffff);
  STATIC_REQUIRE(d.legal());
  STATIC_REQUIRE(d.id == id_of<Add>());
  STATIC_REQUIRE(d.ops.len == 2);
  STATIC_REQUIRE(d.ops.rd == 10);
  STATIC_REQUIRE(d.ops.rs1 == 0);
  STATIC_REQUIRE(d.ops.rs2 == 11);
  STATIC_REQUIRE(d.word == 0x852e);
}
