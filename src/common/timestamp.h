#pragma once

// The one ISO-8601 format of snaplake: how every document, lease, log and message writes a wall
// time, and the one parser that reads them back (and the AWS answers that use the same form).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace snaplake {

using WallTime = std::chrono::sys_time<std::chrono::milliseconds>;
WallTime wall_now();

// "2026-12-01T19:44:37.123Z": UTC, to the millisecond.
std::string iso8601(WallTime t);

// "2026-11-25T00:30:00[.123456][Z|z|+01:00|+0100|+01]", 'T' or a space between date and time,
// to the millisecond (further digits dropped); no offset means UTC. nullopt for anything else,
// including dates and times that do not exist.
std::optional<WallTime> parse_iso8601(std::string_view text);

// The UTC time of a civil date and time; nullopt when it does not exist (second 60 allowed).
std::optional<std::chrono::sys_seconds> civil_time(int y, int mo, int d, int h, int mi, int s);

}  // namespace snaplake
