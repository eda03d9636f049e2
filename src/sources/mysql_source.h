// MySQL and MariaDB as an export source (exporter/source.h), on the building blocks of src/mysql
// (src/mysql/README.md). Per database: the catalog is read (base tables, columns, partitions,
// engines, readability), then one ConsistentSnapshot opens the readers inside one point in time
// (BACKUP STAGE, FTWRL, LOCK TABLES or the binlog-checked no-lock mode, the first the user's
// privileges allow), recorded with the binary-log/GTID position in export_info's
// databases[].consistency. Slices: one per leaf partition, or integer-key ranges of a big
// table (mysql/plan.h), read by sources/mysql_copy.h; --jobs N reads N streams.
//
// Non-transactional tables (MyISAM, Aria, MEMORY…) are in no read view: the lock is kept until
// they are read — first, on the connection holding it — and every write they (BACKUP STAGE,
// FTWRL: every write on the server) block waits until then. A warning names them.
#pragma once

#include <string>
#include <vector>

#include "exporter/export.h"
#include "exporter/source.h"
#include "mysql/connection.h"

namespace snaplake::sources {

class MysqlSource : public exporter::Source {
 public:
  explicit MysqlSource(const exporter::ExportOptions& options);
  std::string engine() const override { return "mysql"; }
  std::vector<std::string> databases(bool all) override;
  std::string id_base(bool all) const override;
  exporter::OnlyFilter parse_only(const std::string& text) const override;
  int readers(int jobs) const override { return jobs; }
  uint64_t stored_bytes(const std::string& database) override;
  std::unique_ptr<exporter::DatabaseSnapshot> snapshot(
      const std::string& database, const std::vector<exporter::OnlyFilter>& filters,
      int jobs) override;

 private:
  // The source URI, with the login of ExportOptions::login.
  mysql::Uri uri() const;
  const exporter::ExportOptions& options_;
};

}  // namespace snaplake::sources
