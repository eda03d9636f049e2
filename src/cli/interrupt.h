// The process's one piece of state a signal handler touches: SIGINT and SIGTERM ask the running
// command to stop. An export ends FAILED "interrupted" and a landing discards what it staged
// (exit 130); `run` stops its workers after the message each is on. A second signal exits at
// once, as a user pressing Ctrl-C twice expects.
#pragma once

#include <atomic>

namespace snaplake::cli {

// Installs the handlers (idempotent) and returns the flag they set.
const std::atomic<bool>& interrupt_on_signals();

}  // namespace snaplake::cli
