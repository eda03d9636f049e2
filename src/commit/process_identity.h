// Who holds a claim or a lease: a process named precisely enough that another process can tell
// whether it is the same machine and, if so, whether that process still runs. A pid alone is not
// enough: pids are reused (so the process's start time is part of it), and containers on one
// host share the kernel's boot id but not their pid namespace (so that is part of it too).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace snaplake::commit {

struct ProcessIdentity {
  std::string host;  // gethostname()
  int64_t pid = 0;
  uint64_t start_ticks = 0;   // /proc/<pid>/stat field 22: the process's start, in clock ticks
  std::string boot_id;        // /proc/sys/kernel/random/boot_id
  std::string pid_namespace;  // readlink /proc/self/ns/pid, e.g. "pid:[4026531836]"

  // This process (read once, then cached).
  static const ProcessIdentity& current();

  // Same kernel and pid namespace: a pid there means the same process table as ours.
  bool same_machine_as(const ProcessIdentity& other) const;
  // Only meaningful when same_machine_as(current()): whether that process still runs (the pid
  // exists and started at the same tick).
  bool is_running() const;

  // "pid 4242 on host worker-1"
  std::string describe() const;

  nlohmann::json to_json() const;
  static std::optional<ProcessIdentity> from_json(const nlohmann::json& j);
};

}  // namespace snaplake::commit
