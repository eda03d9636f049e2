// One thin logging layer: plain text on a terminal, JSON lines on request, context fields on
// every line. Never pass secrets; URIs go through redact() first.
//
// A line has three fields of its own, `time`, `level` and `message` (the text); context fields
// follow them. A context key can never take the place of one of the line's own: a key equal to
// one of them is written with the prefix "context_" ("message" -> "context_message"), so the
// text of a JSON line is always its `message`. Name context keys for what they hold
// (`message_id`, `export_id`), and none of them ends up renamed.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/name_table.h"

namespace snaplake::log {

enum class Level { Debug, Info, Warn, Error };
enum class Format { Text, Json };
// The names of --log-format.
inline constexpr auto kFormatNames =
    name_table<Format>({{Format::Text, "text"}, {Format::Json, "json"}});
inline std::string_view to_string(Format format) {
  return kFormatNames.name(format);
}

void configure(Level min_level, Format format);
Level min_level();

using Fields = std::vector<std::pair<std::string, std::string>>;

// The line's own fields, which context keys never replace.
inline constexpr std::string_view kLineFields[] = {"time", "level", "message"};
// `key` as a context field is written: itself, or "context_<key>" when it is one of kLineFields.
std::string context_key(std::string_view key);

// Context fields added to every line logged from this thread while the Scope lives.
class Scope {
 public:
  Scope(std::string key, std::string value);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
};

void write(Level level, std::string_view message, const Fields& fields = {});

template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (min_level() <= Level::Debug) write(Level::Debug, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (min_level() <= Level::Info) write(Level::Info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::Warn, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  write(Level::Error, fmt::format(f, std::forward<Args>(args)...));
}

// `text` made safe for a terminal or a text log line, whatever names and messages it carries:
// control characters become escapes (newline \n, carriage return \r, tab \t, other C0 and DEL
// \xNN, the C1 controls U+0080..U+009F \uNNNN) and bytes that are not UTF-8 become \xNN, so a
// table named "new<LF>line" cannot forge a log line and ESC[31m cannot reach the terminal raw.
// Every text output path (text log lines, main's error line, status, summaries) goes through it;
// JSON output needs it not (JSON escapes control characters itself).
std::string printable(std::string_view text);

// "postgresql://user:secret@host/db" -> "postgresql://user:***@host/db"; also password=...
// key/value pairs. Used on every URI that reaches a log line or an error message.
std::string redact(std::string_view text);

}  // namespace snaplake::log
