// A database login resolved at run time (a Secrets Manager secret, an RDS IAM token), held in
// memory only: the engines hand it to their client library as connection parameters (libpq's
// PQconnectdbParams "user"/"password"), never in a URI, a log line, an error, status or
// export_info. Empty fields mean "the client library's own sources" (the URI's user;
// PGPASSWORD, ~/.pgpass, a passfile).
#pragma once

#include <functional>
#include <string>

namespace snaplake {

struct Login {
  std::string user;
  std::string password;
};

// Called before each connection is opened, so that a short-lived password (an IAM token lasts
// 15 minutes) is fresh for connections opened late in a long export.
using LoginSource = std::function<Login()>;

}  // namespace snaplake
