// The profile policy (trace/profile_policy.hpp) against an independent reference: a sequential run
// with full memory whose shadow stack follows the real stack pointer (a return to the top frame's
// return address pops it; any other return pops the frames the stack pointer has left), names functions by binary
// search in the symbol table and reads region labels from guest memory. The replayed profile must
// equal it path for path at chunk sizes 2^4, 2^10, 2^18 and 1 or 2 threads.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>

#include "rvtrace/guest/symbols.hpp"
#include "rvtrace/trace/cost_model.hpp"
#include "rvtrace/trace/profile_policy.hpp"
#include "rvtrace/trace/profile_report.hpp"
#include "trace_test_util.hpp"

using namespace tt;

namespace {

struct Expected {
  std::map<std::string, std::uint64_t> self;   // folded path -> steps
  std::map<std::string, std::uint64_t> total;  // frame name -> steps whose path holds it
  std::map<std::string, std::uint64_t> self_by_name, calls;
};

class ReferenceProfile {
 public:
  ReferenceProfile(const guest::FunctionTable& fns, const guest::GuestMemory& mem, Expected& out)
      : fns_(fns), mem_(mem), out_(out) {}

  void on_chunk_begin(const Checkpoint& c) {
    for (unsigned r = 0; r < 32; ++r) x_[r] = c.reg(r);
  }
  void on_step(const StepRecord& s) {
    const std::string leaf(fns_.name(fns_.find(s.pc)));
    std::string path;
    std::set<std::string> on_path{leaf};
    for (const auto& f : frames_)
      for (const auto& n : f.names) path += n + ";", on_path.insert(n);
    ++out_.self[path + leaf];
    ++out_.self_by_name[leaf];
    for (const auto& n : on_path) ++out_.total[n];

    const std::uint64_t a0 = x_[10], a7 = x_[17];
    if (s.rd) x_[s.rd] = s.rd_value;
    const std::string_view op = isa::name_of(s.insn->id);
    const auto& o = s.insn->ops;
    auto link = [](unsigned r) { return r == 1 || r == 5; };
    if (op == "ecall" && a7 == guest::sys::region_begin) {
      frames_.push_back({{leaf, "[" + read_string(a0) + "]"}, x_[2], true, 0});
      ++out_.calls[frames_.back().names[1]];
    } else if (op == "ecall" && a7 == guest::sys::region_end) {
      while (!frames_.empty()) {
        const bool region = frames_.back().region;
        frames_.pop_back();
        if (region) break;
      }
    } else if (op == "jal" || op == "jalr") {
      const bool ret = op == "jalr" && o.rd == 0 && link(o.rs1);
      if (ret && !frames_.empty() && frames_.back().ret == s.next_pc) {
        frames_.pop_back();  // a plain return (millicode such as __riscv_save_0 returns with sp moved)
      } else if (ret) {
        // An unwind: pop the frames the stack pointer has left (a region ends with the function it is in).
        while (!frames_.empty() && (frames_.back().region ? frames_.back().sp < x_[2] : frames_.back().sp <= x_[2]))
          frames_.pop_back();
      } else if (link(o.rd)) {
        frames_.push_back({{leaf}, x_[2], false, s.pc + o.len});
      }
      if (!ret && fns_.is_entry(s.next_pc)) ++out_.calls[std::string(fns_.name(fns_.find(s.next_pc)))];
    }
  }
  void merge(ReferenceProfile&&) {}

 private:
  std::string read_string(std::uint64_t addr) const {
    std::string s;
    while (mem_.readable(addr, 1) && *mem_.host(addr)) s.push_back(static_cast<char>(*mem_.host(addr++)));
    return s;
  }
  struct F {
    std::vector<std::string> names;  // a call: the caller; a region: its function, then "[label]"
    std::uint64_t sp;
    bool region;
    std::uint64_t ret;  // return address of a call
  };
  const guest::FunctionTable& fns_;
  const guest::GuestMemory& mem_;
  Expected& out_;
  std::array<std::uint64_t, 32> x_{};
  std::vector<F> frames_;
};

Expected reference(const GuestCase& g, const std::string& flavour) {
  Guest x = load(g, flavour);
  const guest::FunctionTable fns(x.proc->program);
  Expected e;
  ReferenceProfile ref(fns, x.proc->memory, e);
  run_sequential(*x.proc, x.code, ref);
  return e;
}

Expected from_report(const ProfileReport& r) {
  Expected e;
  std::FILE* f = std::tmpfile();
  write_profile_folded(f, r, false);
  std::rewind(f);
  char line[4096];
  while (std::fgets(line, sizeof line, f)) {
    std::string s(line);
    const auto sp = s.rfind(' ');
    e.self[s.substr(0, sp)] = std::stoull(s.substr(sp + 1));
  }
  std::fclose(f);
  for (const auto& fn : r.functions) {
    e.total[fn.name] = fn.total_steps;
    e.self_by_name[fn.name] = fn.self_steps;
    if (fn.calls) e.calls[fn.name] = fn.calls;
  }
  return e;
}

// The keys whose values differ ("" when the maps are equal), for a readable failure.
std::string diff(const std::map<std::string, std::uint64_t>& got, const std::map<std::string, std::uint64_t>& want) {
  std::ostringstream o;
  int n = 0;
  for (const auto& [k, v] : want)
    if (n < 8 && (!got.count(k) || got.at(k) != v)) ++n, o << k << ": want " << v << " got " << (got.count(k) ? std::to_string(got.at(k)) : "none") << "\n";
  for (const auto& [k, v] : got)
    if (n < 8 && !want.count(k)) ++n, o << k << ": want none got " << v << "\n";
  return o.str();
}

void check_same(const Expected& got, const Expected& want) {
  CHECK(diff(got.self, want.self) == "");
  CHECK(diff(got.total, want.total) == "");
  std::map<std::string, std::uint64_t> self_nonzero;
  for (auto& [k, v] : want.self_by_name)
    if (v) self_nonzero[k] = v;
  std::map<std::string, std::uint64_t> got_nonzero;
  for (auto& [k, v] : got.self_by_name)
    if (v) got_nonzero[k] = v;
  CHECK(diff(got_nonzero, self_nonzero) == "");
  CHECK(diff(got.calls, want.calls) == "");
}

}  // namespace

TEST_CASE("the replayed profile equals a real-stack reference for every chunk size and thread count", "[trace][profile]") {
  for (const std::string flavour : {"rv64imac", "rv64im"}) {
    for (const GuestCase& g : {GuestCase{"profile_calls", {"12"}}, GuestCase{"recursion", {"300", "1"}}, GuestCase{"bytecode", {"40"}}}) {
      INFO(label(g) << " " << flavour);
      const Expected want = reference(g, flavour);
      REQUIRE(!want.self.empty());
      const Guest x = load(g, flavour);
      const guest::FunctionTable fns(x.proc->program);
      const auto pcode = std::make_shared<const ProfileCode>(x.code, fns);
      {
        INFO("sequential");
        Guest y = load(g, flavour);
        ProfilePolicy p(pcode);
        run_sequential(*y.proc, y.code, p);
        check_same(from_report(make_report(p, fns, x.proc->program)), want);
      }
      for (std::uint64_t chunk : {std::uint64_t{1} << 4, std::uint64_t{1} << 10, std::uint64_t{1} << 18}) {
        const MemoryTrace t = record_trace(g, chunk, flavour);
        for (unsigned threads : {1u, 2u}) {
          INFO("chunk " << chunk << ", threads " << threads);
          ReplayOptions o;
          o.threads = threads;
          const ProfilePolicy p = replay(x.code, t.view(), [&] { return ProfilePolicy(pcode); }, o);
          check_same(from_report(make_report(p, fns, x.proc->program)), want);
        }
      }
    }
  }
}

TEST_CASE("profile_calls: the call structure counted by hand", "[trace][profile]") {
  const Expected e = reference({"profile_calls", {"12"}}, "rv64imac");
  const Guest x = load({"profile_calls", {"12"}});
  const guest::FunctionTable fns(x.proc->program);
  const MemoryTrace t = record_trace({"profile_calls", {"12"}}, 1 << 4);
  const ProfilePolicy p = replay(x.code, t.view(), [&] { return ProfilePolicy(std::make_shared<const ProfileCode>(x.code, fns)); });
  const Expected got = from_report(make_report(p, fns, x.proc->program));
  // main's loop 12, caller_one 4 x 1, caller_two 4 x 2, tail_c 5 x 8, unwinder 4 x 1.
  CHECK(got.calls.at("leaf_add") == 12 + 4 + 8 + 40 + 4);
  CHECK(got.calls.at("deep") == 13 + 14 + 15 + 16);  // unwinder(12..15): depth + 1 calls each
  CHECK(got.calls.at("is_even") == 19);                // is_even(36), (34), ..., (0)
  CHECK(got.calls.at("is_odd") == 18);
  CHECK(got.calls.at("tail_b") == 5);                  // tail calls from tail_a (4 in the loop + 1)
  CHECK(got.calls.at("[unwind]") == 1);
  CHECK(got.calls.at("[nested]") == 1);
  // After each longjmp the steps go on in unwinder (called from main inside the region), never
  // under deep: some unwinder self steps sit right under [unwind].
  CHECK(got.self.count("_start;main;[unwind];main;unwinder") == 1);
  CHECK(got.self.count("_start;main;[unwind];main;[nested];main;tail_a") == 1);
  CHECK(got.self.count("_start;main;[unwind];main;[nested];main;tail_c;leaf_add") == 1);
  CHECK(got.self.count("_start;main;[recursion];main;is_even;is_odd;is_even") == 1);
  // Totals count a recursive function once per step.
  CHECK(got.total.at("deep") <= got.total.at("unwinder"));
  std::uint64_t under_main = 0;
  for (const auto& [path, steps] : got.self) under_main += path.rfind("_start;main", 0) == 0 ? steps : 0;
  CHECK(got.total.at("main") == under_main);
  CHECK(got.total.at("_start") == t.info.total_steps);
}

TEST_CASE("the bytecode guest's hottest function is its interpreter loop", "[trace][profile]") {
  const Guest x = load({"bytecode", {"40"}});
  const guest::FunctionTable fns(x.proc->program);
  const MemoryTrace t = record_trace({"bytecode", {"40"}}, 1 << 10);
  const ProfilePolicy p = replay(x.code, t.view(), [&] { return ProfilePolicy(std::make_shared<const ProfileCode>(x.code, fns)); }, 2u);
  const ProfileReport r = make_report(p, fns, x.proc->program);
  REQUIRE(!r.functions.empty());
  CHECK(r.functions[0].name == "run");
  CHECK(r.functions[0].self_steps > r.total_steps() / 2);
}

TEST_CASE("a cost model weighs steps by instruction class; class counts per chunk add up", "[trace][profile]") {
  const GuestCase g{"profile_calls", {"12"}};
  const Guest x = load(g);
  const guest::FunctionTable fns(x.proc->program);
  CostModel m;
  m.unit = "rows";
  m.weight.fill(0);
  m.weight[static_cast<std::size_t>(InsnClass::load)] = 3;
  m.weight[static_cast<std::size_t>(InsnClass::store)] = 5;
  const auto pcode = std::make_shared<const ProfileCode>(x.code, fns, m);
  const MemoryTrace t = record_trace(g, 1 << 10);
  const ProfilePolicy p = replay(x.code, t.view(), [&] { return ProfilePolicy(pcode); }, 2u);
  const ProfileReport r = make_report(p, fns, x.proc->program);
  // Independent count: loads and stores as the steps show them.
  struct Count {
    std::uint64_t loads = 0, stores = 0, muldiv = 0, branches = 0, jumps = 0, ecalls = 0;
    void on_step(const StepRecord& s) {
      const bool amo = s.load.width && s.store.width;
      loads += s.load.width && !amo;
      stores += s.store.width && !amo;
      const std::string_view n = isa::name_of(s.insn->id);
      muldiv += n.starts_with("mul") || n.starts_with("div") || n.starts_with("rem");
      branches += n.starts_with("b");
      jumps += n == "jal" || n == "jalr";
      ecalls += n == "ecall";
    }
    void merge(Count&& o) {
      loads += o.loads, stores += o.stores, muldiv += o.muldiv, branches += o.branches, jumps += o.jumps;
      ecalls += o.ecalls;
    }
  };
  const Count c = replay(x.code, t.view(), [] { return Count{}; }, 1u);
  CHECK(r.total_steps() == t.info.total_steps);
  CHECK(r.total_cost() == 3 * c.loads + 5 * c.stores);
  CHECK(!r.cost_is_steps);

  const ClassCountPolicy k = replay(x.code, t.view(), [&] { return ClassCountPolicy(x.code); }, 2u);
  REQUIRE(k.chunks().size() == t.info.num_chunks);
  const auto total = k.total();
  CHECK(total[static_cast<std::size_t>(InsnClass::load)] == c.loads);
  CHECK(total[static_cast<std::size_t>(InsnClass::store)] == c.stores);
  CHECK(total[static_cast<std::size_t>(InsnClass::muldiv)] == c.muldiv);
  CHECK(total[static_cast<std::size_t>(InsnClass::branch)] == c.branches);
  CHECK(total[static_cast<std::size_t>(InsnClass::jump)] == c.jumps);
  CHECK(total[static_cast<std::size_t>(InsnClass::ecall)] == c.ecalls);
  CHECK(c.muldiv > 0);
  CHECK(c.ecalls > 0);
  std::uint64_t sum = 0;
  for (auto v : total) sum += v;
  CHECK(sum == t.info.total_steps);
  CHECK(k.chunks()[1].first_step == 1 << 10);
}

TEST_CASE("function table: sizes, size-0 labels, per-slot lookup", "[guest][symbols]") {
  const Guest x = load({"profile_calls", {}});
  const guest::FunctionTable fns(x.proc->program);
  const std::uint32_t fib = [&] {
    for (std::uint32_t i = 0; i < fns.size(); ++i)
      if (fns[i].name == "fib") return i;
    return fns.unknown();
  }();
  REQUIRE(fib != fns.unknown());
  CHECK(fns[fib].hi > fns[fib].lo);
  CHECK(fns.find(fns[fib].lo) == fib);
  CHECK(fns.find(fns[fib].hi - 2) == fib);
  CHECK(fns.is_entry(fns[fib].lo));
  CHECK(!fns.is_entry(fns[fib].lo + 2));
  const auto slots = fns.per_slot(x.code.lo, x.code.hi);
  for (std::uint64_t pc = x.code.lo; pc < x.code.hi; pc += 2) REQUIRE(slots[(pc - x.code.lo) / 2] == fns.find(pc));
  CHECK(fns.find(0) == fns.unknown());
  CHECK(fns.name(fns.unknown()) == "[unknown]");
}
