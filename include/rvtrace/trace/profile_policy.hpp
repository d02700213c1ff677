#pragma once
// The profile policy: steps and cost (trace/cost_model.hpp) per call path, call counts, and the call
// tree, from replay at trace speed.
//
// The stack. A step belongs to the path [callers..., leaf], where leaf is the function holding its
// pc (guest/symbols.hpp) and the callers come from a shadow stack of entries pushed and popped at
// jal/jalr by the RISC-V calling convention's link-register hints (rd and rs1 as decoded, ra/t0 being
// the link registers):
//   - call: rd is a link register (and not a return below): push (the caller's path, pc + len);
//   - return: jalr with rs1 a link register and rd = x0 (or rd another link register: a coroutine
//     swap, a return then a call): pop entries until one is popped whose return address is the
//     target, or whose caller is the target's function (a longjmp-like unwind back into a function
//     deeper down the stack);
//   - any other jump (rd = x0): a tail call or a plain jump. The stack stays; the leaf becomes the
//     target's function (counted as a call when the target is a function's first instruction).
// Region markers (the ecall of guest/syscalls.hpp's sys::region_begin/end with a0 = the label's
// address) push and pop a frame named by the label. a0 and a7 before an ecall come from the chunk's
// checkpoint and the register writes since.
//
// Chunks. A chunk does not know the stack it starts on. It builds its tree relative to an unknown
// base; a return that pops past everything the chunk pushed is an "unmatched" event: the chunk
// closes its current segment (a tree relative to the base so far), records the event, and starts a
// new segment on the base as the event leaves it. merge(later) stitches: each of later's segments is
// grafted at this profile's current stack top, its event is applied to this profile's stack (where
// it pops, or, when it pops past everything, becomes an unmatched event of the merged profile), and
// later's own pushes go on top. The pops and grafts are exactly the ones a single sequential pass
// makes, so the result is the same for any chunk size and any thread count.
//
// Per step the hot path is one slot read (function id, cost, transfer kind), a compare with the
// current leaf and two adds; calls, returns and function changes take the slow path.
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "rvtrace/guest/symbols.hpp"
#include "rvtrace/guest/syscalls.hpp"
#include "rvtrace/interp/program.hpp"
#include "rvtrace/interp/step.hpp"
#include "rvtrace/isa/decoder.hpp"
#include "rvtrace/trace/checkpoint.hpp"
#include "rvtrace/trace/cost_model.hpp"

namespace rvtrace::trace {

// A frame of a call path: a function id (guest::FunctionTable) or a region (region_bit | label).
using Frame = std::uint64_t;
inline constexpr Frame region_bit = Frame{1} << 63;
inline constexpr Frame no_frame = ~Frame{0};
inline constexpr bool is_region(Frame f) { return f != no_frame && (f & region_bit); }

// What a step at a slot may do to the stack (bits).
namespace transfer {
inline constexpr std::uint8_t call = 1, ret = 2, jump = 4, ecall = 8, writes_a0_a7 = 16;
}

// Everything the policy precomputes per 2-byte slot of the program (shared by all chunks).
struct ProfileCode {
  struct Slot {
    std::uint32_t func = 0;  // function id of this pc
    std::uint32_t cost = 1;  // the cost model's weight of the instruction here
    std::uint8_t kind = 0;   // transfer:: bits
    bool entry = false;      // first instruction of a function
  };
  std::uint64_t lo = 0;
  std::vector<Slot> slots;
  std::uint32_t unknown = 0;  // function id of pcs outside the code or any symbol
  CostModel model;

  ProfileCode(const DecodedProgram& code, const guest::FunctionTable& functions, CostModel m = {})
      : lo(code.lo), slots(code.slots.size()), unknown(functions.unknown()), model(std::move(m)) {
    const std::vector<std::uint32_t> func = functions.per_slot(code.lo, code.hi);
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const isa::Decoded& d = code.slots[i];
      const InsnClass c = insn_class(d.id);
      const std::uint64_t pc = code.lo + 2 * i;
      slots[i] = Slot{func[i], static_cast<std::uint32_t>(model.of(c)), transfer_kind(c, d.ops),
                      func[i] != unknown && functions[func[i]].lo == pc};
    }
  }
  const Slot* at(std::uint64_t pc) const {
    const std::uint64_t i = (pc - lo) >> 1;
    return i < slots.size() ? &slots[static_cast<std::size_t>(i)] : nullptr;
  }
  std::uint32_t func_at(std::uint64_t pc) const {
    const Slot* s = at(pc);
    return s ? s->func : unknown;
  }

  static constexpr bool is_link(std::uint8_t r) { return r == 1 || r == 5; }
  // The link-register hints of the RISC-V spec (jalr table), on the decoded operands of a jump.
  static std::uint8_t transfer_kind(InsnClass c, const isa::Operands& o) {
    std::uint8_t k = (o.rd == 10 || o.rd == 17) ? transfer::writes_a0_a7 : 0;
    if (c == InsnClass::ecall) return k | transfer::ecall;
    if (c != InsnClass::jump) return k;
    const bool ret = is_link(o.rs1) && (o.rd == 0 || (is_link(o.rd) && o.rd != o.rs1));
    if (ret) k |= transfer::ret;
    if (is_link(o.rd)) k |= transfer::call;
    if (!ret && o.rd == 0) k |= transfer::jump;
    return k;
  }
};

class ProfilePolicy {
 public:
  struct Node {
    std::uint32_t parent;  // none for a segment root
    Frame frame;           // no_frame for a segment root
    std::uint64_t steps = 0, cost = 0, calls = 0;  // self steps and cost, calls into this path
  };
  struct Event {  // what pops past a chunk's base: a return to `target`, or a region's end
    bool region_end = false;
    std::uint64_t target = 0;
    std::uint32_t target_func = 0;
  };
  static constexpr std::uint32_t none = ~std::uint32_t{0};

  explicit ProfilePolicy(std::shared_ptr<const ProfileCode> code) : code_(std::move(code)) { new_segment(); }

  void on_chunk_begin(const Checkpoint& c) {
    a0_ = c.reg(10);
    a7_ = c.reg(17);
  }

  void on_step(const StepRecord& s) {
    const ProfileCode::Slot& slot = code_->slots[(s.pc - code_->lo) >> 1];
    if (slot.func != leaf_) [[unlikely]]
      enter_leaf(slot.func);
    Node& n = nodes_[cur_];
    ++n.steps;
    n.cost += slot.cost;
    if (slot.kind) [[unlikely]]
      on_transfer(slot, s);
  }

  void merge(ProfilePolicy&& later) {
    // Graft points of later's segments, applying its events to our stack in between.
    std::vector<std::uint32_t> graft(later.seg_roots_.size());
    for (std::size_t k = 0; k < graft.size(); ++k) {
      graft[k] = stack_top();
      if (k < later.events_.size()) apply(later.events_[k]);
    }
    std::vector<std::uint32_t> map(later.nodes_.size());
    std::size_t seg = 0;
    for (std::uint32_t i = 0; i < later.nodes_.size(); ++i) {
      const Node& b = later.nodes_[i];
      if (b.parent == none) {
        map[i] = graft[seg++];
        continue;
      }
      Node& a = nodes_[map[i] = child(map[b.parent], b.frame)];
      a.steps += b.steps;
      a.cost += b.cost;
      a.calls += b.calls;
    }
    for (const Entry& e : later.entries_) entries_.push_back({map[e.node], e.ret});
    leaf_ = none;  // (a merged profile is not stepped further; re-find the leaf if it were)
  }

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<std::uint32_t>& segment_roots() const { return seg_roots_; }
  const ProfileCode& code() const { return *code_; }

 private:
  struct Entry {
    std::uint32_t node;  // the caller's path (or the region's frame)
    std::uint64_t ret;   // return address; region_ret for a region frame
  };
  static constexpr std::uint64_t region_ret = ~std::uint64_t{0};

  std::uint32_t stack_top() const { return entries_.empty() ? seg_roots_.back() : entries_.back().node; }

  std::uint32_t child(std::uint32_t parent, Frame f) {
    auto [it, added] = children_.try_emplace(Key{parent, f}, static_cast<std::uint32_t>(nodes_.size()));
    if (added) nodes_.push_back(Node{parent, f});
    return it->second;
  }
  void new_segment() {
    seg_roots_.push_back(static_cast<std::uint32_t>(nodes_.size()));
    nodes_.push_back(Node{none, no_frame});
  }
  void enter_leaf(std::uint32_t func) {
    leaf_ = func;
    cur_ = child(stack_top(), func);
  }

  // Pops entries as the event says; one that pops past everything becomes our own unmatched event.
  void apply(const Event& e) {
    for (std::size_t i = entries_.size(); i-- > 0;) {
      const Entry& en = entries_[i];
      const bool match = e.region_end ? en.ret == region_ret
                                      : en.ret == e.target || nodes_[en.node].frame == e.target_func;
      if (match) {
        entries_.resize(i);
        return;
      }
    }
    entries_.clear();
    events_.push_back(e);
    new_segment();
  }

  void on_transfer(const ProfileCode::Slot& slot, const StepRecord& s) {
    if (slot.kind & transfer::ecall) return on_ecall(s);
    if (slot.kind & transfer::writes_a0_a7) track_a0_a7(s);
    if (!(slot.kind & (transfer::call | transfer::ret | transfer::jump))) return;
    const ProfileCode::Slot* t = code_->at(s.next_pc);
    const std::uint32_t target = t ? t->func : code_->unknown;
    const bool into_entry = t && t->entry;
    if (slot.kind == transfer::jump && target == leaf_ && !into_entry) return;  // a jump inside the function
    if (slot.kind & transfer::ret) {
      apply(Event{false, s.next_pc, target});
      if (slot.kind & transfer::call) cur_ = child(stack_top(), leaf_);  // a swap: the caller, returned to
    }
    if (slot.kind & transfer::call) entries_.push_back({cur_, s.pc + s.insn->ops.len});
    enter_leaf(target);
    if ((slot.kind & (transfer::call | transfer::jump)) && into_entry) ++nodes_[cur_].calls;
  }

  void on_ecall(const StepRecord& s) {
    const std::uint64_t label = a0_;
    if (a7_ == guest::sys::region_begin) {
      entries_.push_back({cur_, region_ret});  // under the caller's path: ..., F, [label], F
      entries_.back().node = child(cur_, region_bit | label);
      ++nodes_[entries_.back().node].calls;
      enter_leaf(leaf_);
    } else if (a7_ == guest::sys::region_end) {
      apply(Event{true, 0, 0});
      enter_leaf(leaf_);
    }
    track_a0_a7(s);
  }
  void track_a0_a7(const StepRecord& s) {
    if (s.rd == 10) a0_ = s.rd_value;
    if (s.rd == 17) a7_ = s.rd_value;
  }

  struct Key {
    std::uint32_t parent;
    Frame frame;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return static_cast<std::size_t>((k.frame * 0x9e3779b97f4a7c15ull) ^ (std::uint64_t{k.parent} * 0xc2b2ae3d27d4eb4full));
    }
  };

  std::shared_ptr<const ProfileCode> code_;
  std::vector<Node> nodes_;
  std::unordered_map<Key, std::uint32_t, KeyHash> children_;
  std::vector<std::uint32_t> seg_roots_;  // segment k's root; events_[k] ends segment k
  std::vector<Event> events_;
  std::vector<Entry> entries_;            // the stack above the current segment's base
  std::uint32_t cur_ = 0, leaf_ = none;   // the current path's node and its leaf function
  std::uint64_t a0_ = 0, a7_ = 0;
};

}  // namespace rvtrace::trace
