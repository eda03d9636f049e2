// The pipeline's configuration file (TOML; docs/configuration.md). Its key names are the
// contract; config.cc reads each key in one place, and configuration_keys() lists them all.
// Every section key may be overridden from the environment as SNAPLAKE_<SECTION>_<KEY>
// (SNAPLAKE_QUEUE_BACKEND, SNAPLAKE_EXPORT_JOBS, …); instances come from the file only.
// Relative paths are resolved against the configuration file's folder, so a configuration
// means the same thing whatever the working directory of the worker.
//
// Everything is validated when the file is loaded: an unknown key, a wrong type, a bad value, a
// missing required key, export options the export would refuse (exporter::ExportOptions::
// validate) or a password in a source URI is Error(Config) naming the key and the file. An
// environment variable SNAPLAKE_* that snaplake does not know is a warning naming it.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/name_table.h"
#include "exporter/export.h"
#include "landing/landing_layout.h"
#include "parquet/options.h"
#include "pipeline/engine.h"
#include "types/profile.h"

namespace snaplake::pipeline {

// The queue backends, the vocabulary of `[queue] backend`.
enum class QueueBackend { Sqlite, Sqs };
inline constexpr auto kQueueBackendNames =
    name_table<QueueBackend>({{QueueBackend::Sqlite, "sqlite"}, {QueueBackend::Sqs, "sqs"}});
inline std::string_view to_string(QueueBackend backend) {
  return kQueueBackendNames.name(backend);
}

struct QueueConfig {
  QueueBackend backend = QueueBackend::Sqlite;
  std::string path;            // sqlite: the queue's file (absolute after loading)
  std::string events_url;      // sqs: queue URL of snapshot events
  std::string tasks_url;       // sqs: queue URL of export tasks
  std::string events_dlq_url;  // sqs: dead-letter queue of the events queue ("" = none)
  std::string tasks_dlq_url;   // sqs: dead-letter queue of the tasks queue ("" = none)
  int max_receives = 4;        // receives before a message is dead-lettered
  std::chrono::milliseconds visibility_timeout = std::chrono::minutes(15);
};

struct ExportConfig {
  std::string to;  // folder (absolute after loading), file://…, or s3://…
  parquet::Codec compression = parquet::Codec::Snappy;
  types::Profile types = types::Profile::Rds;
  types::TypeOverrides type_overrides;  // type_uuid, type_time, type_timestamp
  int jobs = 2;
  // postgres engine: SSE-KMS for every object of each export (exporter::ExportOptions::
  // kms_key_id); "" = the bucket's default. Not [[instances]] kms_key_id (the rds engine's key).
  std::string kms_key_id;
  // rds engine: how long an event waits for its snapshot to finish being created, or for a free
  // RDS export slot, before it is dead-lettered.
  std::chrono::milliseconds max_wait = std::chrono::hours(1);
  // How long an export attempt's claim on its export id lasts without renewal
  // (docs/commit-protocol.md): one that crashed on another host is taken over after this; a
  // duplicate event waits while it lives.
  std::chrono::milliseconds lease = std::chrono::seconds(60);
  // The native engine exports the database as it is when the event is handled: an event older
  // than this is not exported as if it were its snapshot (it is dropped with a note). 0: no limit.
  std::chrono::milliseconds max_event_age = std::chrono::hours(24);
  // The export rate the Lambda export function assumes, per MB of pg_database_size, to refuse a
  // database it would not export in the time its invocation has left (lambda_budget.h).
  int lambda_mb_per_second = 20;
};

struct LandingConfig {
  std::string to;  // folder (absolute after loading), file://…, or s3://bucket[/prefix]
  std::string service_area = "unrestricted";
  std::string kms_key_id;
  std::string notify;  // "", sqs:<url>, sns:<arn>, glue:<workflow>
  // rds engine: how long an export task may run (STARTING, IN_PROGRESS) before its message is
  // dead-lettered.
  std::chrono::milliseconds max_wait = std::chrono::hours(48);
  // How long a landing attempt's record lasts without renewal: the files of one that crashed on
  // another host are swept after this.
  std::chrono::milliseconds lease = std::chrono::seconds(60);
  // Where the partition's date comes from when no message overrides it (landing_layout.h).
  landing::ImportDateRule import_date_from = landing::ImportDateRule::SnapshotTime;
};

// [catalog]: registration in the Glue Data Catalog after each landing (landing/catalog.h).
struct CatalogConfig {
  std::string glue_database;            // "" = no registration
  std::string table_name = "{folder}";  // {database} {schema} {table} {folder}
};

// [status]: where run state lives (pipeline/status_store.h, docs/run-state.md).
struct StatusConfig {
  // A folder, file://… or s3://bucket[/prefix] of status objects shared by every worker (absolute
  // after loading). "" = the SQLite file status_path(), the embedded queue's default; with
  // `[queue] backend = "sqs"` the loader makes it `<[export] to>/_snaplake/status`.
  std::string location;
};

struct AwsConfig {
  // "" = from the AWS conventions (pipeline/session.h has the precedence)
  std::string region;
  std::string endpoint_url;
};

struct InstanceConfig {
  std::string id;  // the RDS instance id / the name events carry
  Engine engine = Engine::Postgres;
  std::string source;                  // postgresql://… (postgres), mysql://… (mysql)
  std::vector<std::string> databases;  // default: the URI's database, or all if it names none
  // postgres and mysql engines: where the password comes from instead of the client library's
  // own places (pipeline/source_login.h): a Secrets Manager secret (RDS's JSON form with "username"
  // and "password", or the password as plain text), or an RDS IAM authentication token.
  std::string password_secret_arn;
  bool iam_auth = false;
  std::string iam_role_arn;   // rds engine
  std::string kms_key_id;     // rds engine: the key RDS's StartExportTask encrypts with
  std::string export_bucket;  // rds engine
};

struct Config {
  std::string file;                   // the file it was read from (for messages)
  std::vector<std::string> warnings;  // found while loading; load_config logs each
  QueueConfig queue;
  ExportConfig export_;
  LandingConfig landing;
  CatalogConfig catalog;
  StatusConfig status;
  AwsConfig aws;
  std::vector<InstanceConfig> instances;

  const InstanceConfig* find_instance(std::string_view id) const;
  // The SQLite status store's file, used when status.location is "": status.db beside the
  // SQLite queue's file.
  std::string status_path() const;
};

// The environment the configuration is read with; injectable so that tests need not touch the
// process's.
struct Environment {
  using Lookup = std::function<std::optional<std::string>(std::string_view name)>;
  Lookup lookup;
  std::vector<std::string> names;  // every variable's name, for the warning about unknown ones

  Environment() = default;
  template <typename F>
  requires std::is_invocable_r_v<std::optional<std::string>, F, std::string_view> Environment(
      F lookup, std::vector<std::string> names = {})  // NOLINT: a lookup is an environment
      : lookup(std::move(lookup)), names(std::move(names)) {}
};
Environment process_environment();

// A key of the configuration: its section ("queue", …, "instances"), its name, and the
// environment variable that overrides it ("" for [[instances]] keys, which come from the file).
struct ConfigKey {
  std::string section;
  std::string key;
  std::string variable;
};
// Every key the loader accepts, in the order it reads them (docs/configuration.md lists each;
// a test checks that).
const std::vector<ConfigKey>& configuration_keys();
// The SNAPLAKE_* variables snaplake reads that are not configuration keys.
// [[instances]] as a JSON array of objects with the same keys; replaces the file's list.
inline constexpr std::string_view kInstancesVariable = "SNAPLAKE_INSTANCES";
inline constexpr std::string_view kOtherVariables[] = {
    "SNAPLAKE_CONFIG",   // lambda: the configuration file
    kInstancesVariable,  // the instances, for a configuration that is only an environment
};
// Variables of snaplake's own development scripts and tests (scripts/, tests/, bench/): not
// configuration, and not warned about.
inline constexpr std::string_view kDevelopmentVariables[] = {
    "SNAPLAKE_BIN", "SNAPLAKE_ROOT", "SNAPLAKE_BUILD_DIR", "SNAPLAKE_BENCH_BUILD_DIR"};
inline constexpr std::string_view kDevelopmentPrefix = "SNAPLAKE_TEST_";

// What the export stage runs for a snapshot of a postgres `instance` (the event adds the export
// id and the source ARN). The loader validates exactly these options.
exporter::ExportOptions export_options(const Config& config, const InstanceConfig& instance);

// Reads and validates the file, and logs its warnings. Throws Error(Config) naming the file and
// the key.
// Relative paths in it (queue path, export and landing folders) resolve against its folder.
Config load_config(const std::filesystem::path& file, const Environment& env);
// A configuration that is only the environment: SNAPLAKE_<SECTION>_<KEY> and SNAPLAKE_INSTANCES
// over the defaults (a Lambda function's, or a container's). Logs its warnings.
Config config_from_environment(const Environment& env, const std::filesystem::path& base_dir);
// The same for text already read; `base_dir` resolves relative paths.
Config parse_config(std::string_view text, std::string_view file_name,
                    const std::filesystem::path& base_dir, const Environment& env);

// "15m", "30s", "1h30m", "500ms", "2d" or a bare number of seconds. nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace snaplake::pipeline
