// The one error type of snaplake. Every failure that crosses a layer is an Error with a kind
// (what sort of failure, which decides the exit code and whether a retry can help) and a
// message that names the thing and the cause. Only `main` and the worker loop catch it.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace snaplake {

enum class ErrorKind {
  InvalidInput,  // a bad argument, flag, message or value: retrying cannot help
  Config,        // a configuration file or key is wrong
  Source,        // the source database refused or failed (connect, query, permission)
  Io,            // local file system
  Network,       // a connection failed or timed out: a retry may help
  Auth,          // credentials missing or rejected
  Conflict,      // the state is not what was expected (e.g. export not finished yet)
  NotFound,      // a named object, table, snapshot or queue does not exist
  Unsupported,   // a value or feature we do not handle
  Interrupted,   // stopped by a signal (SIGINT, SIGTERM) before it finished
  Internal,      // a bug (stays last: tests iterate every kind up to it)
};

std::string_view to_string(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message)
      : std::runtime_error(std::move(message)), kind_(kind) {}

  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

// fail(kind, "cannot open '{}'", path): throw an Error with a formatted message.
template <typename... Args>
[[noreturn]] void fail(ErrorKind kind, fmt::format_string<Args...> format, Args&&... args) {
  throw Error(kind, fmt::format(format, std::forward<Args>(args)...));
}

// An errno-carrying I/O failure: "cannot write '/x/y': No space left on device".
[[noreturn]] void fail_errno(int errnum, std::string_view what);

// The process exit code for an error kind (documented in docs/commands.md, "Exit codes").
int exit_code(ErrorKind kind);

// The one exit code that is not an error kind's: the command did its work, and something it did
// needs a person. `run --drain` drained the queues, but messages were dead-lettered during the
// run, so that cron (or whatever runs it) can alert. Distinct from every kind's code
// (error_test.cc).
inline constexpr int kExitDeadLettered = 10;

}  // namespace snaplake
