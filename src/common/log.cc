#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

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
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

}  // namespace

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
    line = fmt::format("{} {:5} {}", timestamp(), level_name(level), message);
    for (const auto& [k, v] : t_scope) line += fmt::format(" {}={}", k, v);
    for (const auto& [k, v] : fields) line += fmt::format(" {}={}", context_key(k), v);
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
