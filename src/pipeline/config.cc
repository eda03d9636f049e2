#include "pipeline/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "common/error.h"

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

 private:
  const toml::node* take(std::string_view key) {
    read_.insert(std::string(key));
    return table_ ? table_->get(key) : nullptr;
  }

  std::string env_name(std::string_view key) const {
    return fmt::format("{}_{}", env_prefix_, upper(key));
  }

  std::optional<std::string> from_env(std::string_view key) const {
    if (env_prefix_.empty() || !env_ || !*env_) return std::nullopt;
    return (*env_)(env_name(key));
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
};

const toml::table* section(const toml::table& root, std::string_view name, std::string_view file) {
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

void read_instances(const toml::table& root, Config& config, std::string_view file) {
  const toml::node* node = root.get("instances");
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
    SectionReader reader(element.as_table(), fmt::format("[[instances]] #{}", index), "", file,
                         nullptr);
    reader.string("id", instance.id);
    reader.choice("engine", instance.engine, kEngineNames);
    reader.string("source", instance.source);
    reader.strings("databases", instance.databases);
    reader.string("iam_role_arn", instance.iam_role_arn);
    reader.string("kms_key_id", instance.kms_key_id);
    reader.string("export_bucket", instance.export_bucket);
    reader.finish();
    if (instance.id.empty()) reader.missing("id");
    if (instance.engine == Engine::Postgres && instance.source.empty()) {
      reader.missing("source",
                     fmt::format(" (engine \"{}\" exports from it)", to_string(instance.engine)));
    }
    if (instance.engine == Engine::Rds) {
      std::string why = fmt::format(" (engine \"{}\")", to_string(instance.engine));
      if (instance.iam_role_arn.empty()) reader.missing("iam_role_arn", why);
      if (instance.kms_key_id.empty()) reader.missing("kms_key_id", why);
      if (instance.export_bucket.empty()) reader.missing("export_bucket", why);
    }
    if (!ids.insert(instance.id).second) {
      reader.bad_value("id", fmt::format("'{}' is listed twice", instance.id));
    }
    config.instances.push_back(std::move(instance));
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
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
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
    static const std::set<std::string_view> known = {"queue", "export", "landing", "aws",
                                                     "instances"};
    if (!known.contains(key.str())) {
      fail(ErrorKind::Config,
           "{}: unknown key '{}' (sections are [queue], [export], [landing], "
           "[aws] and [[instances]])",
           file_name, key.str());
    }
  }

  Config config;
  config.file = std::string(file_name);
  config.queue.path = ".snaplake/queue.db";
  config.export_.to = "exports";
  config.landing.to = "landing";

  {
    SectionReader r(section(root, "queue", file_name), "[queue]", "SNAPLAKE_QUEUE", file_name,
                    &env);
    r.choice("backend", config.queue.backend, kQueueBackendNames);
    r.string("path", config.queue.path);
    r.string("events_url", config.queue.events_url);
    r.string("tasks_url", config.queue.tasks_url);
    r.string("events_dlq_url", config.queue.events_dlq_url);
    r.string("tasks_dlq_url", config.queue.tasks_dlq_url);
    r.integer("max_receives", config.queue.max_receives, 1);
    r.duration("visibility_timeout", config.queue.visibility_timeout);
    r.finish();
    if (config.queue.path.empty()) r.missing("path");
    if (config.queue.backend == QueueBackend::Sqs) {
      std::string why = fmt::format(" (backend \"{}\")", to_string(config.queue.backend));
      if (config.queue.events_url.empty()) r.missing("events_url", why);
      if (config.queue.tasks_url.empty()) r.missing("tasks_url", why);
    }
  }
  {
    SectionReader r(section(root, "export", file_name), "[export]", "SNAPLAKE_EXPORT", file_name,
                    &env);
    r.string("to", config.export_.to);
    r.choice("compression", config.export_.compression, parquet::kCodecNames);
    r.choice("types", config.export_.types, types::kProfileNames);
    r.integer("jobs", config.export_.jobs, 1);
    r.duration("max_wait", config.export_.max_wait);
    r.finish();
    if (config.export_.to.empty()) r.missing("to");
  }
  {
    SectionReader r(section(root, "landing", file_name), "[landing]", "SNAPLAKE_LANDING", file_name,
                    &env);
    r.string("to", config.landing.to);
    r.string("service_area", config.landing.service_area);
    r.string("kms_key_id", config.landing.kms_key_id);
    r.string("notify", config.landing.notify);
    r.duration("max_wait", config.landing.max_wait);
    r.finish();
    if (config.landing.to.empty()) r.missing("to");
    if (config.landing.service_area.empty()) r.missing("service_area");
    const auto& notify = config.landing.notify;
    if (!notify.empty() && !notify.starts_with("sqs:") && !notify.starts_with("sns:") &&
        !notify.starts_with("glue:")) {
      r.bad_value("notify",
                  fmt::format("'{}' is not sqs:<url>, sns:<arn> or glue:<workflow>", notify));
    }
  }
  {
    SectionReader r(section(root, "aws", file_name), "[aws]", "SNAPLAKE_AWS", file_name, &env);
    r.string("region", config.aws.region);
    r.string("endpoint_url", config.aws.endpoint_url);
    r.finish();
  }
  read_instances(root, config, file_name);

  config.queue.path = resolve_location(config.queue.path, base_dir);
  config.export_.to = resolve_location(config.export_.to, base_dir);
  config.landing.to = resolve_location(config.landing.to, base_dir);
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
  return parse_config(text.str(), file.string(), base, env);
}

}  // namespace snaplake::pipeline
