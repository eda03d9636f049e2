#include "sources/open_source.h"

#include <set>

#include "common/error.h"
#include "mysql/catalog.h"
#include "mysql/connection.h"
#include "pg/catalog.h"
#include "pg/connection.h"
#include "sources/mysql_source.h"
#include "sources/pg_source.h"

namespace snaplake::sources {

SourceKind source_kind(const std::string& uri) {
  const auto scheme_end = uri.find("://");
  // libpq's keyword form ("host=db dbname=x") has no scheme.
  if (scheme_end == std::string::npos) return SourceKind::Postgres;
  const std::string scheme = uri.substr(0, scheme_end);
  if (scheme == "postgresql" || scheme == "postgres") return SourceKind::Postgres;
  if (scheme == "mysql" || scheme == "mariadb") return SourceKind::Mysql;
  fail(ErrorKind::InvalidInput,
       "'{}' is no source snaplake reads (postgresql://, postgres://, mysql://, mariadb://)",
       scheme);
}

std::string source_user(const std::string& uri) {
  switch (source_kind(uri)) {
    case SourceKind::Postgres:
      return pg::parse_conninfo(uri).user;
    case SourceKind::Mysql:
      return mysql::parse_uri(uri).user;
  }
  fail(ErrorKind::Internal, "unknown source kind");
}

std::unique_ptr<exporter::Source> open_source(const exporter::ExportOptions& options) {
  switch (source_kind(options.source_uri)) {
    case SourceKind::Postgres:
      return std::make_unique<PgSource>(options);
    case SourceKind::Mysql:
      return std::make_unique<MysqlSource>(options);
  }
  fail(ErrorKind::Internal, "unknown source kind");
}

void validate(const exporter::ExportOptions& options, const exporter::ExportOptions::Names& names) {
  options.validate(names);
  // The source's checks throw their own Error(InvalidInput) ("invalid filter 'x': …"); the
  // message is prefixed with the option's name, as the engine's are.
  auto named = [](const std::string& name, auto&& check) {
    try {
      check();
    } catch (const Error& e) {
      fail(ErrorKind::InvalidInput, "{}: {}", name, e.what());
    }
  };
  SourceKind kind = SourceKind::Postgres;
  named(names.source, [&] { kind = source_kind(options.source_uri); });
  if (kind == SourceKind::Postgres) {
    named(names.source, [&] { pg::parse_conninfo(options.source_uri); });
    for (const auto& text : options.only) named(names.only, [&] { pg::parse_only_filter(text); });
  } else {
    named(names.source, [&] { mysql::parse_uri(options.source_uri); });
    for (const auto& text : options.only)
      named(names.only, [&] { mysql::parse_only_filter(text); });
  }
}

exporter::ExportResult run_export(const exporter::ExportOptions& options) {
  validate(options);
  std::unique_ptr<exporter::Source> source = open_source(options);
  return exporter::run_export(options, *source);
}

uint64_t estimate_export_bytes(const exporter::ExportOptions& options) {
  validate(options);
  std::unique_ptr<exporter::Source> source = open_source(options);
  std::set<std::string> databases;
  for (const auto& text : options.only) databases.insert(source->parse_only(text).database);
  if (databases.empty()) {
    for (auto& name : source->databases(options.all_databases)) databases.insert(std::move(name));
  }
  uint64_t total = 0;
  for (const auto& name : databases) total += source->stored_bytes(name);
  return total;
}

}  // namespace snaplake::sources
