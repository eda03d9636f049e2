// mysql_table_to_parquet: a test and benchmark driver of the MySQL building blocks (src/mysql),
// before they are wired into the exporter. It takes a consistent snapshot, discovers one table,
// maps its columns, plans its slices and reads each slice on a reader thread that hands framed
// batches to an encoder thread writing Parquet (SliceReader → bounded queue → BatchDecoder →
// FileWriter), as the exporter's pipeline does.
//
//   mysql_table_to_parquet --source <mysql://…> --database DB --table T --to DIR
//                          [--types rds|typed] [--jobs N] [--codec snappy|zstd|gzip|none]
//
// --jobs N: N worker connections in the snapshot, the table split into N key ranges when it can
// be (plan.h, with no size threshold), one reader and one encoder thread per slice, slice k
// written to DIR/part-<k>.parquet; otherwise everything goes to DIR/part-0.parquet.
// Prints one JSON object: {"rows", "files": [...], "mode", "binlog", "slices": [...],
// "columns": [{"name", "originalType", "expectedExportedType", "unrepresentable"}]}.
// Exit 0, or 1 with "mysql_table_to_parquet: <message>" on stderr.
#include <condition_variable>
#include <deque>
#include <exception>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "mysql/batch_decoder.h"
#include "mysql/catalog.h"
#include "mysql/plan.h"
#include "mysql/slice_reader.h"
#include "mysql/snapshot.h"
#include "parquet/file_writer.h"
#include "store/object_store.h"
#include "types/mysql_mapping.h"

namespace {

using namespace snaplake;

// A bounded hand-over of batches between one reader and one encoder (the exporter has its own,
// exporter/tuple_batches.h; the library does not depend on it).
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}
  bool push(std::vector<uint8_t> batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return cancelled_ || full_.size() < capacity_; });
    if (cancelled_) return false;
    full_.push_back(std::move(batch));
    changed_.notify_all();
    return true;
  }
  bool pop(std::vector<uint8_t>& batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return cancelled_ || closed_ || !full_.empty(); });
    if (cancelled_ || full_.empty()) return false;
    batch = std::move(full_.front());
    full_.pop_front();
    changed_.notify_all();
    return true;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    changed_.notify_all();
  }

 private:
  size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<uint8_t>> full_;
  bool closed_ = false, cancelled_ = false;
};

struct SliceOutcome {
  uint64_t rows = 0;
  std::vector<uint64_t> unrepresentable;
  std::exception_ptr error;
};

constexpr size_t kBatchBytes = 256 << 10;

SliceOutcome copy_slice(mysql::Connection& conn, const std::string& sql,
                        const std::vector<types::MysqlColumnMapping>& columns,
                        const parquet::WriterOptions& options, store::ObjectStore& out,
                        const std::string& key) {
  SliceOutcome outcome;
  BatchQueue queue(4);
  std::thread encoder([&] {
    try {
      mysql::BatchDecoder decoder(columns);
      auto upload = out.create(key);
      parquet::FileWriter writer(decoder.schema(), options, *upload);
      std::vector<uint8_t> batch;
      while (queue.pop(batch))
        outcome.rows += decoder.append(writer, batch, outcome.unrepresentable);
      outcome.unrepresentable.resize(columns.size());
      writer.close();
      upload->commit();
    } catch (...) {
      outcome.error = std::current_exception();
      queue.cancel();
    }
  });
  try {
    mysql::SliceReader reader(conn, sql, columns.size(), "read " + key);
    while (true) {
      std::vector<uint8_t> batch;
      batch.reserve(kBatchBytes + (64 << 10));
      if (reader.fill(batch, kBatchBytes) == 0) break;
      if (!queue.push(std::move(batch))) break;
    }
    queue.close();
  } catch (...) {
    if (!outcome.error) outcome.error = std::current_exception();
    queue.cancel();
  }
  encoder.join();
  return outcome;
}

int run(int argc, char** argv) {
  std::string source, database, table_name, to, profile_name = "rds", codec = "snappy";
  int jobs = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) fail(ErrorKind::InvalidInput, "{} needs a value", a);
      return argv[++i];
    };
    if (a == "--source")
      source = next();
    else if (a == "--database")
      database = next();
    else if (a == "--table")
      table_name = next();
    else if (a == "--to")
      to = next();
    else if (a == "--types")
      profile_name = next();
    else if (a == "--jobs")
      jobs = std::stoi(next());
    else if (a == "--codec")
      codec = next();
    else
      fail(ErrorKind::InvalidInput, "unknown argument '{}'", a);
  }
  if (source.empty() || database.empty() || table_name.empty() || to.empty()) {
    fail(ErrorKind::InvalidInput, "--source, --database, --table and --to are required");
  }
  types::Profile profile = profile_name == "typed" ? types::Profile::Typed : types::Profile::Rds;
  mysql::Uri uri = mysql::parse_uri(source);

  mysql::Connection catalog = mysql::Connection::open(uri);
  std::vector<mysql::Table> tables = mysql::list_tables(catalog, database);
  const mysql::Table* table = nullptr;
  for (const auto& t : tables) {
    if (t.name == table_name) table = &t;
  }
  if (table == nullptr) fail(ErrorKind::NotFound, "no table '{}' in '{}'", table_name, database);
  if (!table->readable) fail(ErrorKind::Source, "table '{}' is not readable", table_name);

  mysql::SnapshotOptions so;
  so.workers = static_cast<size_t>(std::max(jobs, 1));
  so.tables = {{database, table_name}};
  so.keep_lock = !table->transactional;
  mysql::ConsistentSnapshot snapshot = mysql::ConsistentSnapshot::start(uri, so);
  for (const auto& w : snapshot.warnings()) std::cerr << "warning: " << w << "\n";

  std::vector<types::MysqlColumnMapping> columns;
  for (const auto& c : table->columns) columns.push_back(types::map_mysql_column(c, profile));
  mysql::SplitPolicy split{0, 0};
  std::vector<mysql::Slice> slices = mysql::plan_slices(
      snapshot.workers()[0], *table, static_cast<int>(snapshot.workers().size()), split);

  parquet::WriterOptions options;
  options.codec = parquet::parse_codec(codec);
  auto out = store::open_store(to);

  std::vector<SliceOutcome> outcomes(slices.size());
  std::vector<std::string> files;
  if (slices.size() == 1) {
    // A non-transactional table is read on the lock's connection while it holds still.
    mysql::Connection& conn = snapshot.lock_held() ? snapshot.lock_holder() : snapshot.workers()[0];
    files.push_back("part-0.parquet");
    outcomes[0] = copy_slice(conn, mysql::select_sql(*table, columns, slices[0]), columns, options,
                             *out, files[0]);
  } else {
    // One worker per slice, each slice in its own thread (plan_slices made as many as workers,
    // or one per partition: those go round-robin).
    std::vector<std::thread> threads;
    const size_t n = snapshot.workers().size();
    for (size_t k = 0; k < slices.size(); ++k)
      files.push_back("part-" + std::to_string(k) + ".parquet");
    for (size_t w = 0; w < n; ++w) {
      threads.emplace_back([&, w] {
        for (size_t k = w; k < slices.size(); k += n) {
          outcomes[k] =
              copy_slice(snapshot.workers()[w], mysql::select_sql(*table, columns, slices[k]),
                         columns, options, *out, files[k]);
          if (outcomes[k].error) return;
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  snapshot.release_lock();
  for (const auto& o : outcomes) {
    if (o.error) std::rethrow_exception(o.error);
  }

  nlohmann::json result;
  uint64_t rows = 0;
  std::vector<uint64_t> unrepresentable(columns.size(), 0);
  for (const auto& o : outcomes) {
    rows += o.rows;
    for (size_t i = 0; i < o.unrepresentable.size(); ++i)
      unrepresentable[i] += o.unrepresentable[i];
  }
  result["rows"] = rows;
  result["files"] = files;
  result["mode"] = std::string(mysql::lock_mode_name(snapshot.mode()));
  if (snapshot.binlog()) {
    result["binlog"] = {{"file", snapshot.binlog()->file},
                        {"position", snapshot.binlog()->position},
                        {"gtid", snapshot.binlog()->gtid}};
  }
  for (const auto& s : slices)
    result["slices"].push_back({{"partition", s.partition}, {"condition", s.condition}});
  for (size_t i = 0; i < columns.size(); ++i) {
    result["columns"].push_back({{"name", columns[i].column.name},
                                 {"originalType", columns[i].original_type},
                                 {"expectedExportedType", columns[i].expected_exported_type},
                                 {"unrepresentable", unrepresentable[i]}});
  }
  std::cout << result.dump() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "mysql_table_to_parquet: " << e.what() << "\n";
    return 1;
  }
}
