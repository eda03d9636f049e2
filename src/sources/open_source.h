// The sources snaplake exports from, chosen by the URI's scheme: postgresql:// and postgres://
// (and libpq's keyword form, "host=… dbname=…") read by PgSource, mysql:// and mariadb:// by
// MysqlSource. The one place that knows both; `snaplake export` and the pipeline's export stage
// call run_export here.
#pragma once

#include <memory>
#include <string>

#include "exporter/export.h"
#include "exporter/source.h"

namespace snaplake::sources {

enum class SourceKind { Postgres, Mysql };

// Which source a URI names; Error(InvalidInput) for a scheme no source reads.
SourceKind source_kind(const std::string& uri);

// The user a source URI names ("" when it names none), parsed as its source parses it.
std::string source_user(const std::string& uri);

// The source of options.source_uri (nothing is connected yet).
std::unique_ptr<exporter::Source> open_source(const exporter::ExportOptions& options);

// Every rule of the export's options, checked without I/O: the engine's
// (ExportOptions::validate) and the source's (its URI, its --only form), each message naming
// the option as `names` does.
void validate(const exporter::ExportOptions& options,
              const exporter::ExportOptions::Names& names = {});

// Opens the source and runs the export (exporter::run_export).
exporter::ExportResult run_export(const exporter::ExportOptions& options);

// What the source says the databases an export of `options` would read take (Source::
// stored_bytes): the --only databases, else the URI's, else every database it lists.
uint64_t estimate_export_bytes(const exporter::ExportOptions& options);

}  // namespace snaplake::sources
