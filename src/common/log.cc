#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

#include "common/timestamp.h"

namespace snaplake::log {
namespace {

std::atomic<Level> g_level{Level::Info};
std::atomic<Format> g_format{Format::Text};
std::mutex g_mutex;
thread_local std::vector<std::pair<std::string, std::string>> t_scope;

std::string_view level_name(Level level) {
  switch (level) {
    case Level::Debug:
      return "debug";
    case Level::Info:
      return "info";
    case Level::Warn:
      return "warn";
    case Level::Error:
      return "error";
  }
  return "info";
}

std::string timestamp() {
  return iso8601(wall_now());
}

// The length of the UTF-8 sequence starting at text[i] (2..4), or 0 when it is not well-formed
// (Unicode 15, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t utf8_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  auto in = [&](size_t k, unsigned lo, unsigned hi) {
    return k < text.size() && byte(k) >= lo && byte(k) <= hi;
  };
  unsigned c = byte(i);
  if (c >= 0xC2 && c <= 0xDF) return in(i + 1, 0x80, 0xBF) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xBF) && in(i + 3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
    } else if (c == '\n') {
      out += "\\n";
      ++i;
    } else if (c == '\r') {
      out += "\\r";
      ++i;
    } else if (c == '\t') {
      out += "\\t";
      ++i;
    } else if (size_t n = c < 0x80 ? 0 : utf8_length(text, i); n == 0) {
      out += fmt::format("\\x{:02x}", c);  // C0, DEL, or a byte that is not UTF-8
      ++i;
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));  // C1 control
      i += 2;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

void configure(Level level, Format format) {
  g_level = level;
  g_format = format;
}

Level min_level() {
  return g_level;
}

std::string context_key(std::string_view key) {
  for (std::string_view own : kLineFields) {
    if (key == own) return "context_" + std::string(key);
  }
  return std::string(key);
}

Scope::Scope(std::string key, std::string value) {
  t_scope.emplace_back(context_key(key), std::move(value));
}
Scope::~Scope() {
  t_scope.pop_back();
}

void write(Level level, std::string_view message, const Fields& fields) {
  if (level < g_level) return;
  std::string line;
  if (g_format == Format::Json) {
    nlohmann::json j;
    j["time"] = timestamp();
    j["level"] = level_name(level);
    j["message"] = std::string(message);
    for (const auto& [k, v] : t_scope) j[k] = v;
    for (const auto& [k, v] : fields) j[context_key(k)] = v;
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    // Names and causes inside the text and the fields are escaped: one call, one line.
    line = fmt::format("{} {:5} {}", timestamp(), level_name(level), printable(message));
    for (const auto& [k, v] : t_scope) line += fmt::format(" {}={}", printable(k), printable(v));
    for (const auto& [k, v] : fields) {
      line += fmt::format(" {}={}", printable(context_key(k)), printable(v));
    }
  }
  line += '\n';
  std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string redact(std::string_view text) {
  static const std::regex userinfo(R"(([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*):[^@\s]*@)");
  static const std::regex keyvalue(R"((password|secret|token|aws_secret_access_key)=([^\s&]*))",
                                   std::regex::icase);
  std::string out = std::regex_replace(std::string(text), userinfo, "$1:***@");
  return std::regex_replace(out, keyvalue, "$1=***");
}

}  // namespace snaplake::log
