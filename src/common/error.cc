#include "common/error.h"

#include <cstring>

namespace snaplake {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidInput:
      return "invalid input";
    case ErrorKind::Config:
      return "configuration";
    case ErrorKind::Source:
      return "source database";
    case ErrorKind::Io:
      return "i/o";
    case ErrorKind::Network:
      return "network";
    case ErrorKind::Auth:
      return "authentication";
    case ErrorKind::Conflict:
      return "conflict";
    case ErrorKind::NotFound:
      return "not found";
    case ErrorKind::Unsupported:
      return "unsupported";
    case ErrorKind::Interrupted:
      return "interrupted";
    case ErrorKind::Internal:
      return "internal";
  }
  return "unknown";
}

void fail_errno(int errnum, std::string_view what) {
  char buffer[256];
  const char* text = strerror_r(errnum, buffer, sizeof buffer);
  throw Error(ErrorKind::Io, fmt::format("{}: {}", what, text));
}

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidInput:
      return 2;
    case ErrorKind::Config:
      return 3;
    case ErrorKind::Source:
      return 4;
    case ErrorKind::Io:
      return 5;
    case ErrorKind::Network:
      return 6;
    case ErrorKind::Auth:
      return 7;
    case ErrorKind::Conflict:
      return 75;  // EX_TEMPFAIL: try again later
    case ErrorKind::NotFound:
      return 8;
    case ErrorKind::Unsupported:
      return 9;
    case ErrorKind::Interrupted:
      return 130;  // 128 + SIGINT, as shells report it
    case ErrorKind::Internal:
      return 70;  // EX_SOFTWARE
  }
  return 1;
}

}  // namespace snaplake
