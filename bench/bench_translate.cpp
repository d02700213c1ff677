// AOT translation time for a large program: ~1 MiB of synthetic RV64IMAC text (the random-program
// generator of tests/differential, thinned out to a compiled-code-like mix: ALU, loads/stores, forward
// branches within range, jal/jalr and auipc+jalr, compressed parcels, a few M, AMO and fences), in a
// synthetic guest::Program (no ELF).
//   decode                 decode_program (the interpreter's decoded table, which AOT translates from)
//   translate/trace:0|1    aot::CompiledProgram construction (translation + making the code executable)
//   elf/NAME/trace:T/stubs:S  the same for a real program, with (S=1) or without mid-block entry stubs
//   elf/NAME/regions:R     every region of a lazy translation in regions of R bytes, one after the other
//   elf/NAME/run-regions:R/trace:T  only the regions a run entered (RVTRACE_TRANSLATE_PCS, see below)
// Counters: ms (per run), ms_per_MiB (of guest text), text_KiB, code_bytes (host code), blocks, and the
// instruction mix of the text (percent).
// Real programs, same counters: elf/NAME/trace:0|1 translates each ELF of RVTRACE_TRANSLATE_ELFS
// (colon-separated paths; default: ZisK's block validator when the shared data is there, and the
// keccak and bytecode test guests), loaded as the Linux loader does (load_elf + map_program).
// Run: build/bin/bench_translate --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "../tests/differential/random_program.hpp"
#include "rvtrace/isa/facts.hpp"
#include "rvtrace/aot/runtime.hpp"
#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/loader.hpp"
#include "rvtrace/guest/memory.hpp"
#include "rvtrace/interp/program.hpp"

namespace {
using namespace rvtrace;
using clock_type = std::chrono::steady_clock;
double since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

// Text size: 1 MiB (RVTRACE_TRANSLATE_KIB=N for another size, e.g. to check that time is linear in it).
std::size_t target_text_bytes() {
  const char* e = std::getenv("RVTRACE_TRANSLATE_KIB");
  return (e && *e ? std::strtoull(e, nullptr, 0) : 1024) << 10;
}
constexpr std::uint64_t text_base = randprog::text_base;  // layout() links the text there

struct Synthetic {
  guest::Program prog;
  std::unique_ptr<guest::GuestMemory> memory;  // the program mapped: gives the AOT memory layout
  std::size_t text_bytes = 0;
  // Instruction mix (counts of the random sequence + prologue/epilogue are negligible).
  double insns = 0, compressed = 0, loads = 0, stores = 0, branches = 0, jumps = 0, muldiv = 0, atomic = 0;
};

// What an instruction does, from the analysis backend (isa/facts.hpp); M: membership in rv64m.
const isa::InsnFacts& facts_of(const randprog::Insn& i) {
  const auto d = i.len == 2 ? isa::decode_parcels(static_cast<std::uint16_t>(i.word), 0) : isa::decode(i.word);
  return isa::instruction_facts[d.id];
}
bool is_muldiv(const isa::InsnFacts& f) {
  bool m = false;
  boost::hana::for_each(isa::rv64m, [&](auto t) { m = m || f.name == decltype(t)::type::name; });
  return m;
}
bool is_atomic(const isa::InsnFacts& f) {
  return f.access == isa::Access::amo || f.access == isa::Access::lr || f.access == isa::Access::sc;
}

// The generator draws every instruction kind about equally (a fuzzer's mix: ~14% AMO, ~10% M); for a
// compiled-code-like mix, keep every group with a load/store or a control transfer, half of the
// plain-ALU groups, a quarter of the M groups, 1/20 of the AMO/LR/SC/fence groups. Control transfers
// are re-targeted (a removed target group becomes the next kept one: still forward, never farther).
constexpr double keep_ratio = 0.445;  // fraction of the text kept (measured), to size the generation
void thin_out(randprog::Program& p) {
  std::mt19937_64 rng(3);
  std::vector<std::size_t> new_index(p.groups.size() + 1);
  std::vector<randprog::Group> kept;
  for (std::size_t g = 0; g < p.groups.size(); ++g) {
    bool mem = false, ctl = false, md = false, other = false;
    for (auto& i : p.groups[g]) {
      if (i.log) continue;
      const isa::InsnFacts& f = facts_of(i);
      mem |= f.plain_access();
      ctl |= i.encode_at != nullptr || f.control == isa::Control::jump;
      md |= is_muldiv(f);
      other |= is_atomic(f) || (f.pure() && !f.writes_rd);  // (fences)
    }
    const unsigned one_in = other ? 20 : md ? 4 : (mem || ctl) ? 1 : 2;
    new_index[g] = kept.size();
    if (rng() % one_in == 0) kept.push_back(std::move(p.groups[g]));
  }
  new_index[p.groups.size()] = kept.size();
  for (auto& grp : kept)
    for (auto& i : grp)
      if (i.target >= 0) i.target = static_cast<int>(new_index[std::min<std::size_t>(i.target, new_index.size() - 1)]);
  p.groups = std::move(kept);
}

const Synthetic& synthetic() {
  static const Synthetic s = [] {
    Synthetic r;
    // Size the sequence from a sample's bytes per instruction, so the text is ~1 MiB.
    randprog::Program sample = randprog::Generator(1).generate(20000);
    randprog::layout(sample);
    const double bytes_per_insn = double(sample.text.size()) / sample.instructions();
    randprog::Program p = randprog::Generator(2).generate(static_cast<std::size_t>(target_text_bytes() / bytes_per_insn / keep_ratio));
    thin_out(p);
    randprog::layout(p);
    for (auto& grp : p.groups)
      for (auto& i : grp) {
        const isa::InsnFacts& f = facts_of(i);
        r.insns += 1;
        r.compressed += i.len == 2;
        r.loads += f.plain_access() && !f.is_store();
        r.stores += f.plain_access() && f.is_store();
        r.branches += f.control == isa::Control::branch;
        r.jumps += f.control == isa::Control::jump;
        r.muldiv += is_muldiv(f);
        r.atomic += is_atomic(f);
      }
    r.text_bytes = p.text.size();
    r.prog.name = "synthetic";
    r.prog.entry = text_base;
    guest::Segment t;
    t.vaddr = text_base, t.memsz = p.text.size(), t.bytes = p.text, t.read = true, t.exec = true;
    guest::Segment d;  // a data segment above the text (the program is translated, never run)
    d.vaddr = (text_base + p.text.size() + 0xffff) & ~std::uint64_t{0xffff};
    d.memsz = 0x4000, d.read = true, d.write = true;
    d.bytes.assign(d.memsz, 0);
    r.prog.segments = {t, d};
    r.prog.hash = guest::fnv1a64(p.text);
    r.memory = std::make_unique<guest::GuestMemory>(std::uint64_t{64} << 20);
    guest::map_program(r.prog, *r.memory);
    return r;
  }();
  return s;
}

void report(benchmark::State& state, const Synthetic& s, double total) {
  if (state.iterations() == 0) return;
  const double ms = total / state.iterations() * 1e3;
  state.counters["ms"] = ms;
  state.counters["ms_per_MiB"] = ms * double(1 << 20) / s.text_bytes;
  state.counters["text_KiB"] = s.text_bytes / 1024.0;
}

void mix(benchmark::State& state, const Synthetic& s) {
  auto pct = [&](double v) { return 100.0 * v / s.insns; };
  state.counters["insns"] = s.insns;
  state.counters["%rvc"] = pct(s.compressed);
  state.counters["%load"] = pct(s.loads);
  state.counters["%store"] = pct(s.stores);
  state.counters["%branch"] = pct(s.branches);
  state.counters["%jal(r)"] = pct(s.jumps);
  state.counters["%muldiv"] = pct(s.muldiv);
  state.counters["%amo"] = pct(s.atomic);
}

void BM_Decode(benchmark::State& state) {
  const Synthetic& s = synthetic();
  double total = 0;
  for (auto _ : state) {
    const auto t0 = clock_type::now();
    DecodedProgram code = decode_program(s.prog);
    const double t = since(t0);
    benchmark::DoNotOptimize(code);
    total += t;
    state.SetIterationTime(t);
  }
  report(state, s, total);
  mix(state, s);
}

void BM_Translate(benchmark::State& state, bool trace) {
  const Synthetic& s = synthetic();
  const DecodedProgram code = decode_program(s.prog);
  double total = 0, inner = 0;
  std::size_t code_bytes = 0, blocks = 0;
  for (auto _ : state) {
    DecodedProgram copy = code;  // the constructor takes it by value: copy outside the timing
    const auto t0 = clock_type::now();
    aot::CompiledProgram compiled(std::move(copy), *s.memory, trace);
    const double t = since(t0);
    total += t;
    inner += compiled.translate_seconds();
    code_bytes = compiled.code_bytes();
    blocks = compiled.blocks();
    state.SetIterationTime(t);
  }  // freeing the code: outside the timing
  report(state, s, total);
  if (state.iterations() == 0) return;
  state.counters["translate_ms"] = inner / state.iterations() * 1e3;  // translate() alone (CompiledProgram's clock)
  state.counters["code_bytes"] = static_cast<double>(code_bytes);
  state.counters["blocks"] = static_cast<double>(blocks);
}

// ---- real programs ----
struct Elf {
  std::string name;
  guest::Program prog;
  std::unique_ptr<guest::GuestMemory> memory;
  DecodedProgram code;
  std::size_t text_bytes = 0;
};

std::vector<std::string> elf_paths() {
  std::string list;
  if (const char* e = std::getenv("RVTRACE_TRANSLATE_ELFS"); e && *e) {
    list = e;
  } else {
    list = RVTRACE_ZISK_ELF;
    for (const char* g : {"keccak", "bytecode"}) list += std::string(":") + RVTRACE_GUEST_DIR + "/" + g + "-rv64imac.elf";
  }
  std::vector<std::string> out;
  for (std::size_t a = 0; a <= list.size();) {
    const std::size_t b = std::min(list.find(':', a), list.size());
    if (std::FILE* f = b > a ? std::fopen(list.substr(a, b - a).c_str(), "rb") : nullptr) {
      std::fclose(f);
      out.push_back(list.substr(a, b - a));
    }
    a = b + 1;
  }
  return out;
}

std::unique_ptr<Elf> load(const std::string& path) {
  auto e = std::make_unique<Elf>();
  e->name = path.substr(path.find_last_of('/') + 1);
  e->prog = guest::load_elf_file(path);
  e->memory = std::make_unique<guest::GuestMemory>();
  guest::map_program(e->prog, *e->memory);
  e->code = decode_program(e->prog);
  for (const guest::Segment& s : e->prog.segments)
    if (s.exec) e->text_bytes += s.memsz;
  return e;
}

void BM_TranslateElf(benchmark::State& state, const Elf* e, bool trace, bool stubs) {
  double total = 0;
  std::size_t code_bytes = 0, blocks = 0;
  for (auto _ : state) {
    DecodedProgram copy = e->code;
    const auto t0 = clock_type::now();
    aot::CompiledProgram compiled(std::move(copy), *e->memory, trace, aot::TranslateOptions{false, 0, stubs});
    const double t = since(t0);
    total += t;
    code_bytes = compiled.code_bytes();
    blocks = compiled.blocks();
    state.SetIterationTime(t);
  }
  if (state.iterations() == 0) return;
  const double ms = total / state.iterations() * 1e3;
  state.counters["ms"] = ms;
  state.counters["ms_per_MiB"] = ms * double(1 << 20) / e->text_bytes;
  state.counters["text_KiB"] = e->text_bytes / 1024.0;
  state.counters["code_bytes"] = static_cast<double>(code_bytes);
  state.counters["x86_per_byte"] = static_cast<double>(code_bytes) / e->text_bytes;
  state.counters["blocks"] = static_cast<double>(blocks);
}

// Every region of a lazy translation, one after the other (what splitting into regions costs; a run
// translates only the regions it enters: bench/text_coverage.py measures how many).
// With pcs (RVTRACE_TRANSLATE_PCS, for the first ELF: a file of hex addresses, e.g. from
// bench/text_coverage.py --pcs), only the regions holding them: what that run translates.
void BM_TranslateRegions(benchmark::State& state, const Elf* e, std::size_t region_bytes, bool trace,
                         const std::vector<std::uint64_t>* pcs) {
  double total = 0;
  std::size_t code_bytes = 0, regions = 0;
  for (auto _ : state) {
    DecodedProgram copy = e->code;
    const auto t0 = clock_type::now();
    aot::CompiledProgram compiled(std::move(copy), *e->memory, trace, aot::TranslateOptions{true, region_bytes, false});
    if (pcs)
      for (const std::uint64_t pc : *pcs) compiled.prepare(pc);
    else
      for (std::uint64_t pc = e->code.lo; pc < e->code.hi; pc += region_bytes) compiled.prepare(pc);
    const double t = since(t0);
    total += t;
    code_bytes = compiled.code_bytes();
    regions = compiled.regions_translated();
    state.SetIterationTime(t);
  }
  if (state.iterations() == 0) return;
  const double ms = total / state.iterations() * 1e3;
  state.counters["ms"] = ms;
  state.counters["ms_per_MiB"] = ms * double(1 << 20) / e->text_bytes;
  state.counters["code_bytes"] = static_cast<double>(code_bytes);
  state.counters["regions"] = static_cast<double>(regions);
}

const int registered = [] {
  benchmark::RegisterBenchmark("decode", BM_Decode)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(5);
  for (bool trace : {false, true})
    benchmark::RegisterBenchmark(trace ? "translate/trace:1" : "translate/trace:0", BM_Translate, trace)
        ->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(5);
  static std::vector<std::unique_ptr<Elf>> elfs;
  for (const std::string& path : elf_paths()) {
    elfs.push_back(load(path));
    const Elf* e = elfs.back().get();
    const int iterations = e->text_bytes > (256u << 10) ? 1 : 5;
    for (bool stubs : {true, false})
      for (bool trace : {false, true})
        benchmark::RegisterBenchmark(("elf/" + e->name + (trace ? "/trace:1" : "/trace:0") + (stubs ? "/stubs:1" : "/stubs:0")).c_str(),
                                     BM_TranslateElf, e, trace, stubs)
            ->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(iterations);
    for (std::size_t r : {std::size_t{4} << 10, std::size_t{16} << 10})
      benchmark::RegisterBenchmark(("elf/" + e->name + "/regions:" + std::to_string(r)).c_str(), BM_TranslateRegions, e, r,
                                   false, nullptr)
          ->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(iterations);
    static std::vector<std::uint64_t> pcs;
    if (const char* f = std::getenv("RVTRACE_TRANSLATE_PCS"); f && *f && elfs.size() == 1) {
      if (std::FILE* in = std::fopen(f, "r")) {
        unsigned long long pc = 0;
        while (std::fscanf(in, "%llx", &pc) == 1) pcs.push_back(pc);
        std::fclose(in);
      }
      for (std::size_t r : {std::size_t{4} << 10, std::size_t{16} << 10})
        for (bool trace : {false, true})
          benchmark::RegisterBenchmark(("elf/" + e->name + "/run-regions:" + std::to_string(r) + (trace ? "/trace:1" : "/trace:0")).c_str(),
                                       BM_TranslateRegions, e, r, trace, &pcs)
              ->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(iterations);
    }
  }
  return 0;
}();
}  // namespace

BENCHMARK_MAIN();
