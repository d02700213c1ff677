#pragma once
// What a ProfilePolicy result says, for people and tools: the call tree with names (segments of the
// merged profile folded into one root), per-function self/total steps and cost and call counts, and
// the writers of the text table, Brendan Gregg's folded stacks and speedscope's JSON file format
// (https://www.speedscope.app/file-format-schema.json). The SVG flame graph is trace/flame_graph.hpp.
//
// Total of a function: the steps whose path holds it at least once (a recursive function is not
// counted twice). Self: the steps whose leaf it is. Calls: calls (and tail calls) into its first
// instruction. Children are sorted by name, so every output is deterministic.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "rvtrace/guest/elf.hpp"
#include "rvtrace/guest/symbols.hpp"
#include "rvtrace/trace/profile_policy.hpp"

namespace rvtrace::trace {

struct ProfileReport {
  struct Node {
    Frame frame = no_frame;        // no_frame: the root
    std::uint32_t parent = 0;
    std::vector<std::uint32_t> children;  // sorted by name
    std::uint64_t steps = 0, cost = 0, calls = 0;  // self
    std::uint64_t total_steps = 0, total_cost = 0; // self + descendants
  };
  struct FunctionStats {
    Frame frame = no_frame;
    std::string name;
    std::uint64_t self_steps = 0, self_cost = 0, total_steps = 0, total_cost = 0, calls = 0;
  };
  std::vector<Node> nodes;                  // nodes[0] is the root ("all")
  std::vector<std::string> frame_names;     // by position in `frames`
  std::vector<Frame> frames;                // every frame that occurs, sorted by name
  std::unordered_map<Frame, std::uint32_t> frame_index;
  std::vector<FunctionStats> functions;     // by self cost, then self steps, then name (descending)
  std::string unit = "steps";               // the cost model's unit
  bool cost_is_steps = true;

  const std::string& name(Frame f) const { return frame_names[frame_index.at(f)]; }
  std::uint64_t total_steps() const { return nodes[0].total_steps; }
  std::uint64_t total_cost() const { return nodes[0].total_cost; }
  // The path of a node from the root's child down, names joined by ';' (folded-stack style).
  std::string path(std::uint32_t n) const {
    std::vector<std::uint32_t> up;
    for (; n != 0; n = nodes[n].parent) up.push_back(n);
    std::string s;
    for (auto it = up.rbegin(); it != up.rend(); ++it) (s.empty() ? s : s += ';') += name(nodes[*it].frame);
    return s;
  }
};

namespace profile_detail {

// Names go into folded stacks (';' separated, ' ' before the count) and one-line labels.
inline std::string clean_name(std::string s) {
  for (char& c : s)
    if (c == ';' || c == '\n' || c == '\r' || c == '\t') c = '_';
  return s;
}

inline std::string frame_name(Frame f, const guest::FunctionTable& fns, const guest::Program& prog) {
  if (!is_region(f)) return clean_name(std::string(fns.name(static_cast<std::uint32_t>(f))));
  const std::uint64_t label = f & ~region_bit;
  if (auto s = guest::read_only_string(prog, label)) return "[" + clean_name(*s) + "]";
  char b[40];
  std::snprintf(b, sizeof b, "[region@0x%llx]", (unsigned long long)label);
  return b;
}

}  // namespace profile_detail

inline ProfileReport make_report(const ProfilePolicy& p, const guest::FunctionTable& fns, const guest::Program& prog) {
  using namespace profile_detail;
  ProfileReport r;
  r.unit = p.code().model.unit;
  r.cost_is_steps = p.code().model.counts_steps();
  r.nodes.emplace_back();
  // Fold every segment root into node 0 (a parent always comes before its children).
  std::map<std::pair<std::uint32_t, Frame>, std::uint32_t> child;
  const auto& in = p.nodes();
  std::vector<std::uint32_t> map(in.size(), 0);
  for (std::uint32_t i = 0; i < in.size(); ++i) {
    if (in[i].parent == ProfilePolicy::none) continue;
    const std::uint32_t parent = map[in[i].parent];
    auto [it, added] = child.try_emplace({parent, in[i].frame}, static_cast<std::uint32_t>(r.nodes.size()));
    if (added) {
      r.nodes.push_back({in[i].frame, parent, {}});
      r.nodes[parent].children.push_back(it->second);
    }
    ProfileReport::Node& n = r.nodes[map[i] = it->second];
    n.steps += in[i].steps;
    n.cost += in[i].cost;
    n.calls += in[i].calls;
  }
  // Frames and names.
  for (const auto& n : r.nodes)
    if (n.frame != no_frame && !r.frame_index.count(n.frame)) {
      r.frame_index.emplace(n.frame, 0);
      r.frames.push_back(n.frame);
    }
  std::vector<std::pair<std::string, Frame>> named;
  for (Frame f : r.frames) named.emplace_back(frame_name(f, fns, prog), f);
  std::sort(named.begin(), named.end());
  r.frames.clear();
  for (auto& [name, f] : named) {
    r.frame_index[f] = static_cast<std::uint32_t>(r.frames.size());
    r.frames.push_back(f);
    r.frame_names.push_back(name);
  }
  for (auto& n : r.nodes)
    std::sort(n.children.begin(), n.children.end(), [&](auto a, auto b) {
      return r.frame_index[r.nodes[a].frame] < r.frame_index[r.nodes[b].frame];
    });
  // Subtree totals (children come after their parent).
  for (std::size_t i = r.nodes.size(); i-- > 0;) {
    auto& n = r.nodes[i];
    n.total_steps += n.steps;
    n.total_cost += n.cost;
    if (i) r.nodes[n.parent].total_steps += n.total_steps, r.nodes[n.parent].total_cost += n.total_cost;
  }
  // Per function: self and calls from every node; total from the outermost node of each frame on a path.
  std::vector<ProfileReport::FunctionStats> stats(r.frames.size());
  for (std::size_t k = 0; k < stats.size(); ++k) stats[k].frame = r.frames[k], stats[k].name = r.frame_names[k];
  std::vector<std::uint32_t> on_path(r.frames.size(), 0);
  std::vector<std::pair<std::uint32_t, bool>> todo{{0, false}};  // (node, leaving)
  while (!todo.empty()) {
    auto [n, leaving] = todo.back();
    todo.pop_back();
    const auto& node = r.nodes[n];
    const std::uint32_t k = n ? r.frame_index[node.frame] : 0;
    if (leaving) {
      --on_path[k];
      continue;
    }
    if (n) {
      auto& s = stats[k];
      s.self_steps += node.steps, s.self_cost += node.cost, s.calls += node.calls;
      if (on_path[k]++ == 0) s.total_steps += node.total_steps, s.total_cost += node.total_cost;
      todo.push_back({n, true});
    }
    for (auto c : node.children) todo.push_back({c, false});
  }
  std::sort(stats.begin(), stats.end(), [](const auto& a, const auto& b) {
    if (a.self_cost != b.self_cost) return a.self_cost > b.self_cost;
    if (a.self_steps != b.self_steps) return a.self_steps > b.self_steps;
    return a.name < b.name;
  });
  r.functions = std::move(stats);
  return r;
}

// The top `top` functions by self cost (all when top is 0).
inline void write_profile_text(std::FILE* out, const ProfileReport& r, std::size_t top = 20) {
  using ull = unsigned long long;
  const double steps = r.total_steps() ? double(r.total_steps()) : 1.0;
  std::fprintf(out, "%llu steps", (ull)r.total_steps());
  if (!r.cost_is_steps) std::fprintf(out, ", %llu %s", (ull)r.total_cost(), r.unit.c_str());
  std::fprintf(out, ", %zu functions/regions\n", r.functions.size());
  std::fprintf(out, "%14s %6s %14s %6s %10s", "self steps", "self%", "total steps", "total%", "calls");
  if (!r.cost_is_steps) std::fprintf(out, " %14s %14s", ("self " + r.unit).c_str(), ("total " + r.unit).c_str());
  std::fprintf(out, "  function\n");
  std::size_t shown = 0;
  for (const auto& f : r.functions) {
    if (top && shown++ == top) break;
    std::fprintf(out, "%14llu %5.1f%% %14llu %5.1f%% %10llu", (ull)f.self_steps, 100.0 * f.self_steps / steps,
                 (ull)f.total_steps, 100.0 * f.total_steps / steps, (ull)f.calls);
    if (!r.cost_is_steps) std::fprintf(out, " %14llu %14llu", (ull)f.self_cost, (ull)f.total_cost);
    std::fprintf(out, "  %s\n", f.name.c_str());
  }
}

// Folded stacks: "main;f;g 123" per path with self weight (cost units when `cost`, else steps),
// sorted by path.
inline void write_profile_folded(std::FILE* out, const ProfileReport& r, bool cost) {
  std::vector<std::pair<std::string, std::uint64_t>> lines;
  for (std::uint32_t i = 1; i < r.nodes.size(); ++i) {
    const std::uint64_t w = cost ? r.nodes[i].cost : r.nodes[i].steps;
    if (w) lines.emplace_back(r.path(i), w);
  }
  std::sort(lines.begin(), lines.end());
  for (const auto& [path, w] : lines) std::fprintf(out, "%s %llu\n", path.c_str(), (unsigned long long)w);
}

namespace profile_detail {
inline std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') o += '\\', o += static_cast<char>(c);
    else if (c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else o += static_cast<char>(c);
  }
  return o + "\"";
}
}  // namespace profile_detail

// speedscope's file format: one "sampled" profile per unit (steps, and the cost model's unit when
// it is not steps); each path with self weight is one sample (stack root first).
inline void write_profile_speedscope(std::FILE* out, const ProfileReport& r, const std::string& name) {
  using profile_detail::json_string;
  std::fprintf(out, "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\n\"shared\":{\"frames\":[");
  for (std::size_t k = 0; k < r.frame_names.size(); ++k)
    std::fprintf(out, "%s{\"name\":%s}", k ? "," : "", json_string(r.frame_names[k]).c_str());
  std::fprintf(out, "]},\n\"profiles\":[");
  auto profile = [&](bool cost) {
    const std::string pname = name + " (" + (cost ? r.unit : std::string("steps")) + ")";
    std::fprintf(out, "{\"type\":\"sampled\",\"name\":%s,\"unit\":\"none\",\"startValue\":0,\"endValue\":%llu,\n\"samples\":[",
                 json_string(pname).c_str(), (unsigned long long)(cost ? r.total_cost() : r.total_steps()));
    std::vector<std::uint64_t> weights;
    bool first = true;
    for (std::uint32_t i = 1; i < r.nodes.size(); ++i) {
      const std::uint64_t w = cost ? r.nodes[i].cost : r.nodes[i].steps;
      if (!w) continue;
      std::vector<std::uint32_t> stack;
      for (std::uint32_t n = i; n != 0; n = r.nodes[n].parent) stack.push_back(r.frame_index.at(r.nodes[n].frame));
      std::fprintf(out, "%s[", first ? "" : ",");
      for (std::size_t k = stack.size(); k-- > 0;) std::fprintf(out, "%u%s", stack[k], k ? "," : "");
      std::fputc(']', out);
      first = false;
      weights.push_back(w);
    }
    std::fprintf(out, "],\n\"weights\":[");
    for (std::size_t k = 0; k < weights.size(); ++k) std::fprintf(out, "%s%llu", k ? "," : "", (unsigned long long)weights[k]);
    std::fprintf(out, "]}");
  };
  profile(false);
  if (!r.cost_is_steps) std::fprintf(out, ",\n"), profile(true);
  std::fprintf(out, "],\n\"name\":%s,\"activeProfileIndex\":0,\"exporter\":\"rvtrace profile\"}\n", json_string(name).c_str());
}

}  // namespace rvtrace::trace
