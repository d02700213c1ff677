#pragma once
// A self-contained SVG flame graph of a ProfileReport (no script, no external tool): the root at the
// bottom, each path a box as wide as its total weight, children left to right by name. Every box
// has a <title> (name, weight, share: the browser's tooltip) and, when wide enough, its name as a
// <text> node, shortened with ".." to fit.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "rvtrace/trace/profile_report.hpp"

namespace rvtrace::trace {

struct FlameGraphOptions {
  std::string title = "rvtrace profile";
  bool cost = false;         // weigh boxes by the cost model's unit instead of steps
  double width = 1200;       // pixels
  double row = 17;           // box height
  double min_width = 0.2;    // boxes narrower than this are left out
};

namespace flame_detail {

inline std::string xml(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

// A warm colour from the name (stable across runs), regions in blue.
inline std::string colour(const std::string& name) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  char b[32];
  if (!name.empty() && name[0] == '[')
    std::snprintf(b, sizeof b, "rgb(%u,%u,%u)", 80 + h % 40, 140 + (h >> 8) % 50, 220 + (h >> 16) % 35);
  else
    std::snprintf(b, sizeof b, "rgb(%u,%u,%u)", 205 + h % 50, 60 + (h >> 8) % 130, 40 + (h >> 16) % 40);
  return b;
}

}  // namespace flame_detail

inline void write_flame_graph_svg(std::FILE* out, const ProfileReport& r, const FlameGraphOptions& o = {}) {
  using namespace flame_detail;
  auto weight = [&](const ProfileReport::Node& n) { return o.cost ? n.total_cost : n.total_steps; };
  const std::uint64_t total = weight(r.nodes[0]);
  const std::string unit = o.cost ? r.unit : std::string("steps");
  // Depth of every node (parents come first), to size the picture.
  std::vector<std::uint32_t> depth(r.nodes.size(), 0);
  std::uint32_t max_depth = 0;
  for (std::uint32_t i = 1; i < r.nodes.size(); ++i)
    max_depth = std::max(max_depth, depth[i] = depth[r.nodes[i].parent] + 1);
  const double top = 40, height = top + (max_depth + 1) * o.row + 10;
  std::fprintf(out,
               "<?xml version=\"1.0\" standalone=\"no\"?>\n"
               "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"Verdana, sans-serif\" font-size=\"12\">\n"
               "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#f8f8f0\"/>\n"
               "<text x=\"%.1f\" y=\"24\" text-anchor=\"middle\" font-size=\"17\">%s</text>\n"
               "<text x=\"10\" y=\"%.1f\" font-size=\"11\" fill=\"#555\">%llu %s in total</text>\n",
               o.width + 20, height + 16, o.width + 20, height + 16, (o.width + 20) / 2, xml(o.title).c_str(),
               height + 8, (unsigned long long)total, xml(unit).c_str());
  if (total == 0) {
    std::fprintf(out, "</svg>\n");
    return;
  }
  const double scale = o.width / double(total);
  // Depth-first, children left to right from their parent's left edge.
  std::vector<std::pair<std::uint32_t, double>> todo{{0, 10.0}};  // (node, x)
  while (!todo.empty()) {
    auto [n, x] = todo.back();
    todo.pop_back();
    const ProfileReport::Node& node = r.nodes[n];
    const double w = weight(node) * scale;
    if (w < o.min_width) continue;
    const double y = top + (max_depth - depth[n]) * o.row;
    const std::string name = n ? r.name(node.frame) : std::string("all");
    char share[64];
    std::snprintf(share, sizeof share, "%llu %s, %.2f%%", (unsigned long long)weight(node), unit.c_str(),
                  100.0 * weight(node) / total);
    std::fprintf(out, "<g><title>%s (%s)</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\" rx=\"2\"/>",
                 xml(name).c_str(), share, x, y, w, o.row - 1, n ? colour(name).c_str() : "rgb(200,200,200)");
    const std::size_t fits = static_cast<std::size_t>((w - 6) / 7.2);  // ~7 px per character at 12 px
    if (fits >= 3) {
      const std::string label = name.size() <= fits ? name : name.substr(0, fits - 2) + "..";
      std::fprintf(out, "<text x=\"%.2f\" y=\"%.1f\">%s</text>", x + 3, y + o.row - 5, xml(label).c_str());
    }
    std::fprintf(out, "</g>\n");
    double cx = x;
    std::vector<std::pair<std::uint32_t, double>> kids;
    for (auto c : node.children) kids.push_back({c, cx}), cx += weight(r.nodes[c]) * scale;
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) todo.push_back(*it);
  }
  std::fprintf(out, "</svg>\n");
}

}  // namespace rvtrace::trace
