// The native export engine's entry point: one consistent snapshot of a database (or of every
// database of a server) read from a Source (exporter/source.h: PostgreSQL or MySQL, in
// src/sources/) and written as Parquet in the RDS snapshot export layout (docs/layouts.md,
// "Export"). `snaplake export` and the pipeline's export stage call sources::run_export, which
// opens the source the URI names and calls run_export below.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/login.h"
#include "exporter/source.h"
#include "parquet/options.h"
#include "rds_export/documents.h"
#include "types/overrides.h"
#include "types/profile.h"

namespace snaplake::aws {
struct AwsSession;
}

namespace snaplake::exporter {

// What to do when the export id names a COMPLETE export already.
enum class IfComplete {
  Replace,  // export again, replacing it (a re-run from the command line)
  Keep,     // leave it and return at once (the pipeline: a redelivered or duplicated event)
};

struct ExportOptions {
  std::string source_uri;      // postgresql://…, mysql://…; without a database: all databases
  bool all_databases = false;  // --all-databases
  std::string to;              // folder, file://…, or s3://bucket/prefix (the export root)
  std::string export_id;       // "" = generate a readable, unique id
  std::vector<std::string> only;  // RDS ExportOnly filters: db[.schema[.table]], MySQL db[.table]
  int jobs = 2;                   // parallel connections
  parquet::Codec codec = parquet::Codec::Snappy;
  int compression_level = 0;
  types::Profile types = types::Profile::Rds;
  // How the typed profile writes uuid, time and timestamp (types/overrides.h); the rds profile
  // takes none but the defaults.
  types::TypeOverrides type_overrides;
  // SSE-KMS for every object of the export (parts, export_info, export_tables_info, markers):
  // a key id, ARN or alias ("alias/x"); "" = the bucket's default encryption. s3:// only. (Not
  // an rds instance's kms_key_id, which is the key RDS's own export task encrypts with.)
  std::string kms_key_id;
  // The login of every connection to the source when it is not libpq's own (pipeline: an
  // instance's password_secret_arn or iam_auth, pipeline/source_login.h); empty = none.
  LoginSource login;
  std::string source_arn;  // recorded as sourceArn (pipeline: the snapshot ARN)
  // pipeline: the snapshot and time of the event the export stands for (rds_export/documents.h)
  rds_export::ExportInfoDoc::SourceSnapshot source_snapshot;
  bool show_progress = false;  // progress lines on a terminal
  // The attempt's claim on its export id (docs/commit-protocol.md) lasts this long without
  // renewal: an attempt that crashed on another host is taken over after it (one on this host
  // at once, its process being gone).
  std::chrono::milliseconds lease = std::chrono::seconds(60);
  IfComplete if_complete = IfComplete::Replace;
  // Set (by a signal handler) to stop: the export ends FAILED "interrupted", removes what it
  // wrote and throws Error(Interrupted).
  const std::atomic<bool>* interrupt = nullptr;
  // The AWS session of an s3:// destination (region, endpoint, credentials); null: one from the
  // AWS conventions (the command line), else the pipeline's (pipeline/session.h).
  std::shared_ptr<const aws::AwsSession> aws;

  // How messages name each option: as `snaplake export`'s flags by default; the configuration
  // loader names its keys instead ("[export] jobs").
  struct Names {
    std::string source = "--source";
    std::string to = "--to";
    std::string export_id = "--export-id";
    std::string only = "--only";
    std::string jobs = "--jobs";
    std::string compression_level = "--compression-level";
    std::string kms_key_id = "--kms-key-id";
    // One override: "{}" is its key ("uuid"), e.g. "--type {}" or "[export] type_{}".
    std::string type_override = "--type {}";
  };
  // Every rule the engine applies to its options, checked without I/O; Error(InvalidInput)
  // naming the option for the first one broken. run_export calls it before anything else.
  // The source's own rules (the URI, the --only form) are checked with these by
  // sources::validate, which the CLI and the configuration loader call before anything is
  // created, so the flags and the configuration keys obey the same rules.
  void validate(const Names& names) const;
  void validate() const { validate(Names()); }
};

struct TableResult {
  std::string target;  // db.schema.table (original names)
  uint64_t rows = 0;
  uint64_t bytes = 0;
  uint64_t files = 0;
  std::vector<std::string> warnings;
};

struct ExportResult {
  std::string export_id;
  std::string export_root;    // where export_info_<id>.json is, e.g. /x/exports/<id>
  std::string snapshot_time;  // ISO-8601 UTC, the time the snapshot was taken
  std::vector<TableResult> tables;
  uint64_t rows = 0;
  uint64_t bytes = 0;
  double seconds = 0;
  bool kept = false;      // IfComplete::Keep found it COMPLETE: nothing was written
  std::string took_over;  // the earlier attempt this one took over, if any ("a FAILED attempt")
};

// Runs the export. First claims the export id (commit/claim.h): while another attempt holds it
// with a live lease, throws commit::ClaimBusy (Error(Conflict), exit 75) and writes nothing. On
// failure writes status FAILED with the cause into export_info, removes every other object of
// the export (nothing partial stays visible) and throws.
ExportResult run_export(const ExportOptions& options, Source& source);

}  // namespace snaplake::exporter
