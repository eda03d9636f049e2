#include "ops/prometheus_text.h"

#include <fmt/format.h>

#include <cmath>

namespace snaplake::ops {
namespace {

std::string escaped(std::string_view text, bool quotes) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// Go's ParseFloat reads what this writes: integers as integers, "+Inf", "-Inf", "NaN".
std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

std::string label_set(const Labels& labels, std::string_view le = {}) {
  if (labels.empty() && le.empty()) return "";
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += fmt::format("{}=\"{}\"", name, escaped(value, true));
  }
  if (!le.empty()) out += fmt::format("{}le=\"{}\"", out.size() > 1 ? "," : "", le);
  return out + "}";
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

std::string prometheus_text(const std::vector<FamilySnapshot>& families) {
  std::string out;
  for (const auto& f : families) {
    const MetricFamily& family = *f.family;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, escaped(family.help, false),
                       family.name, type_name(family.type));
    for (const Series& s : f.series) {
      if (family.type != MetricType::Histogram) {
        out += fmt::format("{}{} {}\n", family.name, label_set(s.labels), number(s.value));
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i < family.buckets.size(); ++i) {
        cumulative += s.bucket_counts[i];
        out += fmt::format("{}_bucket{} {}\n", family.name,
                           label_set(s.labels, number(family.buckets[i])), cumulative);
      }
      out += fmt::format("{}_bucket{} {}\n", family.name, label_set(s.labels, "+Inf"), s.count);
      out += fmt::format("{}_sum{} {}\n", family.name, label_set(s.labels), number(s.sum));
      out += fmt::format("{}_count{} {}\n", family.name, label_set(s.labels), s.count);
    }
  }
  return out;
}

}  // namespace snaplake::ops
