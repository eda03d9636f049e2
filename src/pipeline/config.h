// The pipeline's configuration file (TOML; PRODUCT.md, "Configuration"). Its key names are the
// contract. Every key may be overridden from the environment as SNAPLAKE_<SECTION>_<KEY>
// (SNAPLAKE_QUEUE_BACKEND, SNAPLAKE_EXPORT_JOBS, …); instances come from the file only.
// Relative paths are resolved against the configuration file's folder, so a configuration
// means the same thing whatever the working directory of the worker.
//
// Everything is validated when the file is loaded: an unknown key, a wrong type, a bad value or
// a missing required key is Error(Config) naming the key and the file.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/name_table.h"
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
  int jobs = 2;
  // rds engine: how long an event waits for its snapshot to finish being created, or for a free
  // RDS export slot, before it is dead-lettered.
  std::chrono::milliseconds max_wait = std::chrono::hours(1);
};

struct LandingConfig {
  std::string to;  // folder (absolute after loading), file://…, or s3://bucket[/prefix]
  std::string service_area = "unrestricted";
  std::string kms_key_id;
  std::string notify;  // "", sqs:<url>, sns:<arn>, glue:<workflow>
  // rds engine: how long an export task may run (STARTING, IN_PROGRESS) before its message is
  // dead-lettered.
  std::chrono::milliseconds max_wait = std::chrono::hours(48);
};

struct AwsConfig {
  std::string region = "eu-west-2";
  std::string endpoint_url;
};

struct InstanceConfig {
  std::string id;  // the RDS instance id / the name events carry
  Engine engine = Engine::Postgres;
  std::string source;                  // postgresql://… (postgres engine)
  std::vector<std::string> databases;  // default: the URI's database, or all if it names none
  std::string iam_role_arn;            // rds engine
  std::string kms_key_id;              // rds engine
  std::string export_bucket;           // rds engine
};

struct Config {
  std::string file;  // the file it was read from (for messages)
  QueueConfig queue;
  ExportConfig export_;
  LandingConfig landing;
  AwsConfig aws;
  std::vector<InstanceConfig> instances;

  const InstanceConfig* find_instance(std::string_view id) const;
  // The status store's file: status.db beside the SQLite queue's file.
  std::string status_path() const;
};

// Looks an environment variable up; injectable so that tests need not touch the process's.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;
Environment process_environment();

// Reads and validates the file. Throws Error(Config) naming the file and the key.
Config load_config(const std::filesystem::path& file, const Environment& env);
// The same for text already read; `base_dir` resolves relative paths.
Config parse_config(std::string_view text, std::string_view file_name,
                    const std::filesystem::path& base_dir, const Environment& env);

// "15m", "30s", "1h30m", "500ms", "2d" or a bare number of seconds. nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace snaplake::pipeline
