#include "commit/process_identity.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>

namespace snaplake::commit {
namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Field 22 of /proc/<pid>/stat (starttime). The command name (field 2) is in parentheses and
// may hold spaces and ')', so fields are counted after the last ')'.
std::optional<uint64_t> start_ticks_of(int64_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string stat = buffer.str();
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  // After ')': field 3 (state) is the first; starttime is field 22, the 20th from here.
  for (int i = 3; i <= 22; ++i) {
    if (!(fields >> field)) return std::nullopt;
  }
  try {
    return std::stoull(field);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

ProcessIdentity read_current() {
  ProcessIdentity p;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) p.host = host;
  p.pid = ::getpid();
  p.start_ticks = start_ticks_of(p.pid).value_or(0);
  p.boot_id = first_line("/proc/sys/kernel/random/boot_id");
  char link[128] = {};
  ssize_t n = ::readlink("/proc/self/ns/pid", link, sizeof link - 1);
  if (n > 0) p.pid_namespace.assign(link, static_cast<size_t>(n));
  return p;
}

}  // namespace

const ProcessIdentity& ProcessIdentity::current() {
  static const ProcessIdentity identity = read_current();
  return identity;
}

bool ProcessIdentity::same_machine_as(const ProcessIdentity& other) const {
  return !boot_id.empty() && !pid_namespace.empty() && host == other.host &&
         boot_id == other.boot_id && pid_namespace == other.pid_namespace;
}

bool ProcessIdentity::is_running() const {
  if (pid <= 0) return false;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  auto ticks = start_ticks_of(pid);
  // A pid that exists but started at another tick is another process (the pid was reused).
  return !ticks || start_ticks == 0 || *ticks == start_ticks;
}

std::string ProcessIdentity::describe() const {
  return fmt::format("pid {} on host {}", pid, host.empty() ? "?" : host);
}

nlohmann::json ProcessIdentity::to_json() const {
  return {{"host", host},
          {"pid", pid},
          {"startTicks", start_ticks},
          {"bootId", boot_id},
          {"pidNamespace", pid_namespace}};
}

std::optional<ProcessIdentity> ProcessIdentity::from_json(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  ProcessIdentity p;
  try {
    p.host = j.value("host", "");
    p.pid = j.value("pid", int64_t{0});
    p.start_ticks = j.value("startTicks", uint64_t{0});
    p.boot_id = j.value("bootId", "");
    p.pid_namespace = j.value("pidNamespace", "");
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return p;
}

}  // namespace snaplake::commit
