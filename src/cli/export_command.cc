// `snaplake export`: a consistent snapshot of PostgreSQL, MySQL or MariaDB written as Parquet in
// the RDS export layout. The call chain: this callback -> sources::run_export(options)
// (src/sources/open_source.cc: the source the URI names) -> exporter::run_export (src/exporter/
// export.cc: claim, snapshot, discovery, workers, metadata).
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "aws/session.h"
#include "cli/commands.h"
#include "cli/interrupt.h"
#include "common/error.h"
#include "common/log.h"
#include "exporter/export.h"
#include "pipeline/source_login.h"
#include "sources/open_source.h"

namespace snaplake::cli {
namespace {

// Names are the source's and may hold anything: escaped (log::printable) on the terminal.
void print_summary(const exporter::ExportResult& r) {
  double mb = static_cast<double>(r.bytes) / 1e6;
  std::printf("exported %zu tables, %llu rows, %.1f MB of Parquet in %.2f s to %s\n",
              r.tables.size(), static_cast<unsigned long long>(r.rows), mb, r.seconds,
              log::printable(log::redact(r.export_root)).c_str());
  std::printf("export id: %s, snapshot time: %s\n", log::printable(r.export_id).c_str(),
              r.snapshot_time.c_str());
  for (const auto& t : r.tables) {
    std::printf("  %-50s %12llu rows %4llu files %12llu bytes\n", log::printable(t.target).c_str(),
                static_cast<unsigned long long>(t.rows), static_cast<unsigned long long>(t.files),
                static_cast<unsigned long long>(t.bytes));
    for (const auto& w : t.warnings) std::printf("    warning: %s\n", log::printable(w).c_str());
  }
}

void print_json(const exporter::ExportResult& r) {
  nlohmann::ordered_json j;
  j["exportId"] = r.export_id;
  j["exportRoot"] = log::redact(r.export_root);
  j["snapshotTime"] = r.snapshot_time;
  j["rows"] = r.rows;
  j["bytes"] = r.bytes;
  j["seconds"] = r.seconds;
  j["tables"] = nlohmann::ordered_json::array();
  for (const auto& t : r.tables) {
    j["tables"].push_back({{"target", t.target},
                           {"rows", t.rows},
                           {"files", t.files},
                           {"bytes", t.bytes},
                           {"warnings", t.warnings}});
  }
  // Names are the source's and may be any bytes: invalid UTF-8 is replaced, never fatal.
  std::printf("%s\n",
              j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
}

}  // namespace

void add_export_command(CLI::App& root, int& exit_status) {
  auto options = std::make_shared<exporter::ExportOptions>();
  auto compression = std::make_shared<std::string>(to_string(options->codec));
  auto profile = std::make_shared<std::string>(to_string(options->types));
  auto as_json = std::make_shared<bool>(false);
  auto* cmd = root.add_subcommand(
      "export",
      "Export a consistent snapshot of a PostgreSQL, MySQL or MariaDB database (or of every "
      "database of a server) as Parquet, in the RDS snapshot export layout: "
      "<to>/<export-id>/export_info_<id>.json, export_tables_info_…json and "
      "<db>/<schema>.<table>/<batch>/part-….parquet (MySQL: <db>/<db>.<table>/…).");
  cmd->add_option("--source", options->source_uri,
                  "postgresql://user@host:port/db (passwords from PGPASSWORD, ~/.pgpass or "
                  "passfile), or mysql://user@host:3306/db or mariadb://… (passwords from "
                  "MYSQL_PWD or an option file; ?ssl-mode=REQUIRED…); without a database, every "
                  "database of the server")
      ->required();
  cmd->add_option("--to", options->to, "Export root: a folder, file://…, or s3://bucket/prefix")
      ->required();
  cmd->add_option("--export-id", options->export_id,
                  "Export id (default: <db>-<yyyymmddThhmmssZ>-<4 hex>); re-using one replaces "
                  "that export. While another process writes that id, exit 75 and write nothing");
  cmd->add_option("--only", options->only,
                  "Only these databases, schemas or tables: db, db.schema or db.schema.table; "
                  "MySQL: db or db.table, `quoted` when a name holds a dot (repeat or separate "
                  "with commas)")
      ->delimiter(',');
  cmd->add_option("--jobs", options->jobs,
                  "Parallel work, 1 to 64 (default 2): PostgreSQL N encoding threads fed by "
                  "ceil(N/2) connections; MySQL N connections, each with its encoder");
  cmd->add_option("--compression", *compression,
                  fmt::format("{} (default {})", parquet::kCodecNames.alternatives(),
                              to_string(options->codec)))
      ->check(CLI::IsMember(parquet::kCodecNames.names()));
  cmd->add_option("--compression-level", options->compression_level,
                  "zstd 1..22 or gzip 1..9 for every page (default: gzip 6; zstd 3 for numbers, 1 "
                  "for strings)");
  cmd->add_option("--types", *profile,
                  "Type profile: rds (AWS's mapping, default) or typed (DECIMAL, DATE, TIMESTAMP, "
                  "JSON, ENUM and arrays as LIST kept as such; see --type)")
      ->check(CLI::IsMember(types::kProfileNames.names()));
  auto overrides = std::make_shared<std::vector<std::string>>();
  cmd->add_option("--type", *overrides,
                  "typed profile: how a type is written, TYPE=VALUE (repeatable): uuid=string "
                  "(default) or uuid; time=string (default), micros (plain INT64) or time; "
                  "timestamp=micros (default) or millis")
      ->type_name("TYPE=VALUE");
  cmd->add_option("--kms-key-id", options->kms_key_id,
                  "SSE-KMS key (id, ARN or alias/name) for every object of the export; s3:// "
                  "destinations only (default: the bucket's own encryption)");
  cmd->add_flag("--all-databases", options->all_databases,
                "Export every database of the server, even when the URI names one");
  auto lease = std::make_shared<double>(60);
  cmd->add_option("--lease-seconds", *lease,
                  "How long this export's claim on its id lasts without renewal (an export that "
                  "crashed on another host is taken over after it)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 86400.0));
  struct Login {
    std::string secret_arn;
    bool iam_auth = false;
  };
  auto login = std::make_shared<Login>();
  cmd->add_option("--password-secret-arn", login->secret_arn,
                  "Log in with this AWS Secrets Manager secret (ARN or name): RDS's JSON form "
                  "with username and password, or the password as text");
  cmd->add_flag("--iam-auth", login->iam_auth,
                "PostgreSQL: log in with an RDS IAM token for the URI's host, port and user (the "
                "URI must ask for TLS: sslmode=require or stricter)");
  cmd->add_flag("--json", *as_json, "Print the result as JSON on stdout");
  cmd->callback([options, compression, profile, overrides, as_json, lease, login, &exit_status] {
    // The names were checked against the same tables while parsing.
    options->lease = std::chrono::milliseconds(static_cast<int64_t>(*lease * 1000));
    options->interrupt = &interrupt_on_signals();
    options->codec = parquet::parse_codec(*compression);
    options->types = *types::kProfileNames.find(*profile);
    for (const auto& text : *overrides) types::parse_override(options->type_overrides, text);
    sources::validate(*options);  // before anything is created
    if (!login->secret_arn.empty() || login->iam_auth) {
      // The pipeline's instance rules and login (pipeline/source_login.h), with the flags' names.
      pipeline::InstanceConfig instance;
      instance.id = "export";
      instance.engine = sources::source_kind(options->source_uri) == sources::SourceKind::Mysql
                            ? pipeline::Engine::Mysql
                            : pipeline::Engine::Postgres;
      instance.source = options->source_uri;
      instance.password_secret_arn = login->secret_arn;
      instance.iam_auth = login->iam_auth;
      if (auto problem = pipeline::login_problem(
              instance, {"--source", "--password-secret-arn", "--iam-auth"})) {
        fail(ErrorKind::InvalidInput, "invalid {}: {}", problem->key, problem->cause);
      }
      if (!options->aws) options->aws = aws::AwsSession::from_environment();
      options->login = pipeline::source_login(instance, options->aws);
    }
    // Progress only for a person: stdout and stderr both a terminal (not `--json > f`, not a
    // log), as `land` decides.
    options->show_progress = isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1;
    exporter::ExportResult result = sources::run_export(*options);
    if (*as_json) {
      print_json(result);
    } else {
      print_summary(result);
    }
    exit_status = 0;
  });
}

}  // namespace snaplake::cli
