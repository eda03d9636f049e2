#include "pipeline/config.h"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/error.h"
#include "common/log.h"
#include "landing/catalog.h"
#include "pg/connection.h"
#include "pipeline/source_login.h"
#include "sources/open_source.h"

namespace snaplake::pipeline {
namespace {

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date";
    default:
      return "nothing";
  }
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Reads the keys of one table, remembering which were read so that finish() can reject the
// rest as unknown, and applies SNAPLAKE_<SECTION>_<KEY> from the environment on top.
class SectionReader {
 public:
  SectionReader(const toml::table* table, std::string label, std::string env_prefix,
                std::string_view file, const Environment* env)
      : table_(table),
        label_(std::move(label)),
        env_prefix_(std::move(env_prefix)),
        file_(file),
        env_(env) {}

  void string(std::string_view key, std::string& target) {
    if (const toml::node* node = take(key)) {
      const auto* value = node->as_string();
      if (!value) wrong_type(key, "a string", *node);
      target = value->get();
    }
    if (auto text = from_env(key)) target = *text;
  }

  void integer(std::string_view key, int& target, int minimum) {
    if (const toml::node* node = take(key)) {
      const auto* value = node->as_integer();
      if (!value) wrong_type(key, "an integer", *node);
      target = check_range(key, value->get(), minimum);
    }
    if (auto text = from_env(key)) {
      char* end = nullptr;
      long long parsed = std::strtoll(text->c_str(), &end, 10);
      if (text->empty() || *end != '\0') {
        fail(ErrorKind::Config, "{}: {}: expected an integer, got '{}'", file_, env_name(key),
             *text);
      }
      target = check_range(key, parsed, minimum);
    }
  }

  void duration(std::string_view key, std::chrono::milliseconds& target) {
    if (const toml::node* node = take(key)) {
      if (const auto* seconds = node->as_integer()) {
        if (seconds->get() <= 0) bad_value(key, "must be positive");
        target = std::chrono::seconds(seconds->get());
      } else if (const auto* text = node->as_string()) {
        auto parsed = parse_duration(text->get());
        if (!parsed || parsed->count() <= 0) {
          bad_value(key,
                    fmt::format("'{}' is not a duration like \"15m\" or \"30s\"", text->get()));
        }
        target = *parsed;
      } else {
        wrong_type(key, "a duration like \"15m\"", *node);
      }
    }
    if (auto text = from_env(key)) {
      auto parsed = parse_duration(*text);
      if (!parsed || parsed->count() <= 0) {
        fail(ErrorKind::Config, "{}: {}: '{}' is not a duration like \"15m\"", file_, env_name(key),
             *text);
      }
      target = *parsed;
    }
  }

  void boolean(std::string_view key, bool& target) {
    if (const toml::node* node = take(key)) {
      const auto* value = node->as_boolean();
      if (!value) wrong_type(key, "true or false", *node);
      target = value->get();
    }
    if (auto text = from_env(key)) {
      if (*text != "true" && *text != "false") {
        fail(ErrorKind::Config, "{}: {}: expected true or false, got '{}'", file_, env_name(key),
             *text);
      }
      target = *text == "true";
    }
  }

  void strings(std::string_view key, std::vector<std::string>& target) {
    if (const toml::node* node = take(key)) {
      const auto* array = node->as_array();
      if (!array) wrong_type(key, "an array of strings", *node);
      target.clear();
      for (const toml::node& element : *array) {
        const auto* value = element.as_string();
        if (!value) wrong_type(key, "an array of strings", element);
        target.push_back(value->get());
      }
    }
  }

  // One word of a vocabulary's name table, stored as its enumerator.
  template <typename Enum, size_t N>
  void choice(std::string_view key, Enum& target, const NameTable<Enum, N>& names) {
    std::string text(names.name(target));
    string(key, text);
    auto value = names.find(text);
    if (!value) bad_value(key, fmt::format("'{}' is not {}", text, names.alternatives()));
    target = *value;
  }

  void finish() const {
    if (!table_) return;
    for (const auto& [key, node] : *table_) {
      if (!read_.contains(std::string(key.str()))) {
        fail(ErrorKind::Config, "{}: {}: unknown key '{}'", file_, label_, key.str());
      }
    }
  }

  [[noreturn]] void bad_value(std::string_view key, std::string_view cause) const {
    fail(ErrorKind::Config, "{}: {} {}: {}", file_, label_, key, cause);
  }

  [[noreturn]] void missing(std::string_view key, std::string_view why = {}) const {
    fail(ErrorKind::Config, "{}: {}: missing required key '{}'{}", file_, label_, key, why);
  }

  // "[export] jobs": how messages name a key of this section.
  std::string name_of(std::string_view key) const { return fmt::format("{} {}", label_, key); }

  // The keys asked for so far, in order, with their environment variable ("" for none).
  const std::vector<std::pair<std::string, std::string>>& keys() const { return keys_; }

 private:
  const toml::node* take(std::string_view key) {
    if (read_.insert(std::string(key)).second) {
      keys_.emplace_back(key, env_prefix_.empty() ? "" : env_name(key));
    }
    return table_ ? table_->get(key) : nullptr;
  }

  std::string env_name(std::string_view key) const {
    return fmt::format("{}_{}", env_prefix_, upper(key));
  }

  std::optional<std::string> from_env(std::string_view key) const {
    if (env_prefix_.empty() || !env_ || !env_->lookup) return std::nullopt;
    return env_->lookup(env_name(key));
  }

  int check_range(std::string_view key, long long value, int minimum) const {
    if (value < minimum || value > 1'000'000) {
      bad_value(key, fmt::format("{} is out of range (at least {})", value, minimum));
    }
    return static_cast<int>(value);
  }

  [[noreturn]] void wrong_type(std::string_view key, std::string_view expected,
                               const toml::node& got) const {
    fail(ErrorKind::Config, "{}: {} {}: expected {}, got {}", file_, label_, key, expected,
         type_name(got));
  }

  const toml::table* table_;
  std::string label_;
  std::string env_prefix_;
  std::string_view file_;
  const Environment* env_;
  std::set<std::string> read_;
  std::vector<std::pair<std::string, std::string>> keys_;
};

const toml::table* section_table(const toml::table& root, std::string_view name,
                                 std::string_view file) {
  const toml::node* node = root.get(name);
  if (!node) return nullptr;
  const auto* table = node->as_table();
  if (!table) {
    fail(ErrorKind::Config, "{}: [{}]: expected a table, got {}", file, name, type_name(*node));
  }
  return table;
}

// A local location (not s3://, not another scheme) made absolute against the file's folder;
// file://relative is resolved too and keeps its scheme.
std::string resolve_location(const std::string& location, const std::filesystem::path& base) {
  if (location.empty()) return location;
  std::string_view rest = location;
  std::string scheme;
  if (auto colon = rest.find("://"); colon != std::string_view::npos) {
    scheme = std::string(rest.substr(0, colon + 3));
    if (scheme != "file://") return location;
    rest.remove_prefix(colon + 3);
  }
  std::filesystem::path path(rest);
  if (path.is_relative()) path = (base / path).lexically_normal();
  return scheme + path.string();
}

// The key table: every key of every section, each read in one place. The readers only read;
// the checks of required keys and of values that depend on each other follow in check_*.
void read_queue(SectionReader& r, Config& c) {
  r.choice("backend", c.queue.backend, kQueueBackendNames);
  r.string("path", c.queue.path);
  r.string("events_url", c.queue.events_url);
  r.string("tasks_url", c.queue.tasks_url);
  r.string("events_dlq_url", c.queue.events_dlq_url);
  r.string("tasks_dlq_url", c.queue.tasks_dlq_url);
  r.integer("max_receives", c.queue.max_receives, 1);
  r.duration("visibility_timeout", c.queue.visibility_timeout);
}

void read_export(SectionReader& r, Config& c) {
  r.string("to", c.export_.to);
  r.choice("compression", c.export_.compression, parquet::kCodecNames);
  r.choice("types", c.export_.types, types::kProfileNames);
  // The typed profile's per-type overrides (types/overrides.h), as `snaplake export --type`.
  r.choice("type_uuid", c.export_.type_overrides.uuid, types::kUuidAsNames);
  r.choice("type_time", c.export_.type_overrides.time, types::kTimeAsNames);
  r.choice("type_timestamp", c.export_.type_overrides.timestamp, types::kTimestampUnitNames);
  r.integer("jobs", c.export_.jobs, 1);
  r.string("kms_key_id", c.export_.kms_key_id);
  r.duration("max_wait", c.export_.max_wait);
  r.duration("lease", c.export_.lease);
  r.duration("max_event_age", c.export_.max_event_age);
  r.integer("lambda_mb_per_second", c.export_.lambda_mb_per_second, 1);
}

void read_landing(SectionReader& r, Config& c) {
  r.string("to", c.landing.to);
  r.string("service_area", c.landing.service_area);
  r.string("kms_key_id", c.landing.kms_key_id);
  r.string("notify", c.landing.notify);
  r.duration("max_wait", c.landing.max_wait);
  r.duration("lease", c.landing.lease);
  r.choice("import_date_from", c.landing.import_date_from, landing::kImportDateRuleNames);
}

void read_catalog(SectionReader& r, Config& c) {
  r.string("glue_database", c.catalog.glue_database);
  r.string("table_name", c.catalog.table_name);
}

void read_status(SectionReader& r, Config& c) {
  r.string("location", c.status.location);
}

void read_aws(SectionReader& r, Config& c) {
  r.string("region", c.aws.region);
  r.string("endpoint_url", c.aws.endpoint_url);
}

void read_instance(SectionReader& r, InstanceConfig& instance) {
  r.string("id", instance.id);
  r.choice("engine", instance.engine, kEngineNames);
  r.string("source", instance.source);
  r.strings("databases", instance.databases);
  r.string("password_secret_arn", instance.password_secret_arn);
  r.boolean("iam_auth", instance.iam_auth);
  r.string("iam_role_arn", instance.iam_role_arn);
  r.string("kms_key_id", instance.kms_key_id);
  r.string("export_bucket", instance.export_bucket);
}

void check_queue(const SectionReader& r, const Config& config) {
  if (config.queue.path.empty()) r.missing("path");
  if (config.queue.backend == QueueBackend::Sqs) {
    std::string why = fmt::format(" (backend \"{}\")", to_string(config.queue.backend));
    if (config.queue.events_url.empty()) r.missing("events_url", why);
    if (config.queue.tasks_url.empty()) r.missing("tasks_url", why);
  }
}

void check_export(const SectionReader& r, const Config& config) {
  if (config.export_.to.empty()) r.missing("to");
}

void check_landing(const SectionReader& r, const Config& config) {
  if (config.landing.to.empty()) r.missing("to");
  if (config.landing.service_area.empty()) r.missing("service_area");
  const auto& notify = config.landing.notify;
  if (!notify.empty() && !notify.starts_with("sqs:") && !notify.starts_with("sns:") &&
      !notify.starts_with("glue:")) {
    r.bad_value("notify",
                fmt::format("'{}' is not sqs:<url>, sns:<arn> or glue:<workflow>", notify));
  }
}

void check_catalog(const SectionReader& r, const Config& config) {
  if (config.catalog.table_name.empty()) r.missing("table_name");
  try {
    (void)landing::glue_table_name(config.catalog.table_name, "database", "schema", "table",
                                   "schema.table");
  } catch (const Error& e) {
    r.bad_value("table_name", e.what());
  }
}

void check_instance(const SectionReader& r, const InstanceConfig& instance) {
  if (instance.id.empty()) r.missing("id");
  std::string why = fmt::format(" (engine \"{}\")", to_string(instance.engine));
  if (is_native(instance.engine) && instance.source.empty()) {
    r.missing("source", why.substr(0, why.size() - 1) + " exports from it)");
  }
  if (instance.engine == Engine::Rds) {
    if (instance.iam_role_arn.empty()) r.missing("iam_role_arn", why);
    if (instance.kms_key_id.empty()) r.missing("kms_key_id", why);
    if (instance.export_bucket.empty()) r.missing("export_bucket", why);
  }
  // Passwords come from libpq's usual places (PGPASSWORD, ~/.pgpass, a passfile), never from
  // the configuration, which is read by many and kept in version control.
  if (is_native(instance.engine) && !instance.source.empty()) {
    sources::SourceKind kind = sources::SourceKind::Postgres;
    try {
      kind = sources::source_kind(instance.source);
    } catch (const Error& e) {
      r.bad_value("source", e.what());
    }
    const bool mysql = instance.engine == Engine::Mysql;
    if ((kind == sources::SourceKind::Mysql) != mysql) {
      r.bad_value("source", mysql ? "engine \"mysql\" reads a mysql:// or mariadb:// URI"
                                  : "engine \"postgres\" reads a postgresql:// URI (engine "
                                    "\"mysql\" reads mysql:// and mariadb://)");
    }
  }
  // MySQL passwords come from MYSQL_PWD or an option file; its URI parser refuses one (checked
  // with the export options below).
  if (!instance.source.empty() && instance.engine != Engine::Mysql) {
    pg::ConnInfo info;
    try {
      info = pg::parse_conninfo(instance.source);
    } catch (const Error& e) {
      r.bad_value("source", e.what());
    }
    if (info.has_password) {
      r.bad_value("source",
                  "the URI holds a password, and passwords never come from the configuration: "
                  "give it in password_secret_arn, PGPASSWORD, ~/.pgpass or a passfile instead");
    }
  }
  if (auto problem = login_problem(instance)) r.bad_value(problem->key, problem->cause);
}

struct Section {
  std::string_view name;        // the TOML table
  std::string_view env_prefix;  // SNAPLAKE_<SECTION>
  void (*read)(SectionReader&, Config&);
  void (*check)(const SectionReader&,
                const Config&);  // required keys, values that depend on each other
};
constexpr Section kSections[] = {
    {"queue", "SNAPLAKE_QUEUE", read_queue, check_queue},
    {"export", "SNAPLAKE_EXPORT", read_export, check_export},
    {"landing", "SNAPLAKE_LANDING", read_landing, check_landing},
    {"catalog", "SNAPLAKE_CATALOG", read_catalog, check_catalog},
    {"status", "SNAPLAKE_STATUS", read_status, nullptr},
    {"aws", "SNAPLAKE_AWS", read_aws, nullptr},
};
constexpr std::string_view kInstances = "instances";  // [[instances]], read by read_instance

// SNAPLAKE_INSTANCES: the [[instances]] list as a JSON array of objects with the same keys, for a
// configuration that is only an environment (a Lambda function's). Converted to the TOML it
// stands for, so that it is read and checked by the same code as the file's list.
toml::array instances_from_json(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  auto bad = [](std::string_view why) {
    fail(ErrorKind::Config,
         "{}: {} (expected a JSON array of objects such as "
         "[{{\"id\": \"social-care-db\", \"source\": \"postgresql://…\"}}], one per "
         "[[instances]] table)",
         kInstancesVariable, why);
  };
  if (j.is_discarded()) bad("is not JSON");
  if (!j.is_array()) bad("is not a JSON array");
  toml::array out;
  for (const auto& entry : j) {
    if (!entry.is_object()) bad("has an entry that is not an object");
    toml::table table;
    for (const auto& [key, value] : entry.items()) {
      if (value.is_string()) {
        table.insert(key, value.get<std::string>());
      } else if (value.is_boolean()) {
        table.insert(key, value.get<bool>());
      } else if (value.is_number_integer()) {
        table.insert(key, value.get<int64_t>());
      } else if (value.is_array()) {
        toml::array list;
        for (const auto& item : value) {
          if (!item.is_string()) bad(fmt::format("'{}' holds something other than strings", key));
          list.push_back(item.get<std::string>());
        }
        table.insert(key, std::move(list));
      } else {
        bad(fmt::format("'{}' is not a string, boolean, integer or list of strings", key));
      }
    }
    out.push_back(std::move(table));
  }
  return out;
}

void read_instances(const toml::table& root, Config& config, std::string_view file,
                    const Environment& env) {
  const toml::node* node = root.get(kInstances);
  toml::array from_env;
  std::string label = "[[instances]] #{}";
  std::string_view where = file;
  auto text = env.lookup ? env.lookup(kInstancesVariable) : std::nullopt;
  if (text && !text->empty()) {  // empty: not set (a template cannot always leave it out)
    if (node) {
      config.warnings.push_back(
          fmt::format("{} replaces the file's [[instances]] list", kInstancesVariable));
    }
    from_env = instances_from_json(*text);
    node = &from_env;
    label = fmt::format("{} #{{}}", kInstancesVariable);
    where = "environment";
  }
  if (!node) return;
  const auto* array = node->as_array();
  if (!array || !array->is_array_of_tables()) {
    fail(ErrorKind::Config, "{}: instances: expected [[instances]] tables, got {}", file,
         type_name(*node));
  }
  std::set<std::string> ids;
  int index = 0;
  for (const toml::node& element : *array) {
    ++index;
    InstanceConfig instance;
    SectionReader reader(element.as_table(), fmt::format(fmt::runtime(label), index), "", where,
                         nullptr);
    read_instance(reader, instance);
    reader.finish();
    check_instance(reader, instance);
    if (!ids.insert(instance.id).second) {
      reader.bad_value("id", fmt::format("'{}' is listed twice", instance.id));
    }
    config.instances.push_back(std::move(instance));
  }
}

// The export options of every postgres instance obey the export's own rules, as `snaplake
// export`'s flags do; with no such instance, those of [export] alone.
void check_export_options(const Config& config) {
  auto check = [&](const InstanceConfig& instance, const std::string& label) {
    exporter::ExportOptions::Names names;
    names.source = label + " source";
    names.only = label + " databases";
    names.to = "[export] to";
    names.jobs = "[export] jobs";
    names.kms_key_id = "[export] kms_key_id";
    names.type_override = "[export] type_{}";
    try {
      sources::validate(export_options(config, instance), names);
    } catch (const Error& e) {
      fail(ErrorKind::Config, "{}: {}", config.file, e.what());
    }
  };
  bool checked = false;
  for (size_t i = 0; i < config.instances.size(); ++i) {
    if (!is_native(config.instances[i].engine)) continue;
    check(config.instances[i], fmt::format("[[instances]] #{}", i + 1));
    checked = true;
  }
  if (!checked) check(InstanceConfig{}, "[[instances]]");
}

// SNAPLAKE_* variables that are none of the keys' (a typo like SNAPLAKE_EXPORT_JOB would
// otherwise be ignored in silence).
void warn_unknown_variables(const Environment& env, Config& config) {
  std::set<std::string_view> known(std::begin(kOtherVariables), std::end(kOtherVariables));
  known.insert(std::begin(kDevelopmentVariables), std::end(kDevelopmentVariables));
  for (const auto& key : configuration_keys()) {
    if (!key.variable.empty()) known.insert(key.variable);
  }
  for (const auto& name : env.names) {
    if (!name.starts_with("SNAPLAKE_") || name.starts_with(kDevelopmentPrefix) ||
        known.contains(name)) {
      continue;
    }
    config.warnings.push_back(
        fmt::format("environment variable {} is not a snaplake setting and is ignored (settings: "
                    "SNAPLAKE_<SECTION>_<KEY> of docs/configuration.md, SNAPLAKE_INSTANCES and "
                    "SNAPLAKE_CONFIG)",
                    name));
  }
}

}  // namespace

const InstanceConfig* Config::find_instance(std::string_view id) const {
  for (const auto& instance : instances) {
    if (instance.id == id) return &instance;
  }
  return nullptr;
}

std::string Config::status_path() const {
  return (std::filesystem::path(queue.path).parent_path() / "status.db").string();
}

Environment process_environment() {
  std::vector<std::string> names;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view text = *entry;
    names.emplace_back(text.substr(0, text.find('=')));
  }
  return Environment(
      [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (!value) return std::nullopt;
        return std::string(value);
      },
      std::move(names));
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  // A bare number is seconds.
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (text.size() > 9) return std::nullopt;
    return std::chrono::seconds(std::stoll(std::string(text)));
  }
  std::chrono::milliseconds total{0};
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 9) return std::nullopt;
    long long number = std::stoll(std::string(text.substr(start, i - start)));
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    if (unit == "ms")
      total += std::chrono::milliseconds(number);
    else if (unit == "s")
      total += std::chrono::seconds(number);
    else if (unit == "m")
      total += std::chrono::minutes(number);
    else if (unit == "h")
      total += std::chrono::hours(number);
    else if (unit == "d")
      total += std::chrono::hours(24 * number);
    else
      return std::nullopt;
  }
  return total;
}

Config parse_config(std::string_view text, std::string_view file_name,
                    const std::filesystem::path& base_dir, const Environment& env) {
  toml::table root;
  try {
    root = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    fail(ErrorKind::Config, "{}:{}:{}: {}", file_name, e.source().begin.line,
         e.source().begin.column, e.description());
  }
  for (const auto& [key, node] : root) {
    bool known = key.str() == kInstances;
    for (const auto& section : kSections) known = known || key.str() == section.name;
    if (!known) {
      fail(ErrorKind::Config,
           "{}: unknown key '{}' (sections are [queue], [export], [landing], "
           "[catalog], [status], [aws] and [[instances]])",
           file_name, key.str());
    }
  }

  Config config;
  config.file = std::string(file_name);
  config.queue.path = ".snaplake/queue.db";
  config.export_.to = "exports";
  config.landing.to = "landing";

  for (const auto& section : kSections) {
    SectionReader r(section_table(root, section.name, file_name), fmt::format("[{}]", section.name),
                    std::string(section.env_prefix), file_name, &env);
    section.read(r, config);
    r.finish();
    if (section.check) section.check(r, config);
  }
  read_instances(root, config, file_name, env);

  config.queue.path = resolve_location(config.queue.path, base_dir);
  config.export_.to = resolve_location(config.export_.to, base_dir);
  config.landing.to = resolve_location(config.landing.to, base_dir);
  config.status.location = resolve_location(config.status.location, base_dir);
  if (config.status.location.empty() && config.queue.backend == QueueBackend::Sqs) {
    // Workers on other hosts and the Lambda functions cannot reach a file beside this one; they
    // all reach the export location (docs/run-state.md).
    std::string root = config.export_.to;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    config.status.location = root + "/_snaplake/status";
  }
  check_export_options(config);
  warn_unknown_variables(env, config);
  return config;
}

Config load_config(const std::filesystem::path& file, const Environment& env) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    fail(ErrorKind::Config, "cannot read configuration '{}': {}", file.string(),
         std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto base = std::filesystem::absolute(file).parent_path();
  Config config = parse_config(text.str(), file.string(), base, env);
  for (const auto& warning : config.warnings) log::warn("{}: {}", config.file, warning);
  return config;
}

Config config_from_environment(const Environment& env, const std::filesystem::path& base_dir) {
  Config config = parse_config("", "environment", base_dir, env);
  for (const auto& warning : config.warnings) log::warn("{}: {}", config.file, warning);
  return config;
}

const std::vector<ConfigKey>& configuration_keys() {
  // The key table read once over nothing: each reader names its keys as it asks for them.
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> out;
    Config config;
    for (const auto& section : kSections) {
      SectionReader r(nullptr, "", std::string(section.env_prefix), "", nullptr);
      section.read(r, config);
      for (const auto& [key, variable] : r.keys()) {
        out.push_back({std::string(section.name), key, variable});
      }
    }
    InstanceConfig instance;
    SectionReader r(nullptr, "", "", "", nullptr);
    read_instance(r, instance);
    for (const auto& [key, variable] : r.keys()) out.push_back({std::string(kInstances), key, ""});
    return out;
  }();
  return keys;
}

exporter::ExportOptions export_options(const Config& config, const InstanceConfig& instance) {
  exporter::ExportOptions options;
  options.source_uri = instance.source;
  options.all_databases = !instance.databases.empty();
  options.only = instance.databases;
  options.to = config.export_.to;
  options.jobs = config.export_.jobs;
  options.codec = config.export_.compression;
  options.types = config.export_.types;
  options.type_overrides = config.export_.type_overrides;
  options.kms_key_id = config.export_.kms_key_id;
  return options;
}

}  // namespace snaplake::pipeline
