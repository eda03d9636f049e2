// Test-only helpers of the commit layer: the identity of a process that has exited.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include "commit/process_identity.h"

namespace snaplake::commit::testing {

// This process's identity with the pid of a child that has already exited (and been reaped),
// i.e. a holder on this machine that is gone.
inline ProcessIdentity exited_process() {
  ProcessIdentity p = ProcessIdentity::current();
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  p.pid = child;
  return p;
}

}  // namespace snaplake::commit::testing
