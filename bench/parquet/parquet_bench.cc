// parquet_bench: encode+compress throughput of snaplake's Parquet writer on a realistic mixed
// table (mixed_table.h), per codec, into a discarding sink (/dev/null: the writer alone) and into
// a file (write, and fsync with --fsync). The table is generated before timing starts.
//
//   parquet_bench [--rows N] [--codecs snappy,zstd] [--sinks null,file] [--dir DIR]
//                 [--level L] [--repeat K] [--fsync] [--json]
//                 [--row-group-rows N] [--dictionary-bytes N] [--no-dictionary]
// (the last three override WriterOptions' defaults, to see where the time goes)
//
// Prints one line per (codec, sink, repetition); with --json one JSON object per line, which
// bench/parquet/compare_duckdb.mjs reads. Times are wall clock and process CPU time.
#include <fcntl.h>
#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/output_stream.h"
#include "mixed_table.h"
#include "parquet/file_writer.h"
#include "parquet/options.h"

namespace {

using snaplake::bench::MixedTable;
namespace pq = snaplake::parquet;

// A local file; fsync'ed on commit when asked (an export makes its file durable; DuckDB's COPY
// does not fsync, so the comparison leaves it off on both sides).
class FileSink final : public snaplake::OutputStream {
 public:
  FileSink(const std::string& path, bool fsync) : path_(path), fsync_(fsync) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) snaplake::fail_errno(errno, "cannot create '" + path + "'");
  }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;
  ~FileSink() override { abort(); }

  void write(std::span<const uint8_t> bytes) override {
    const uint8_t* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) snaplake::fail_errno(errno, "cannot write '" + path_ + "'");
      p += n;
      left -= static_cast<size_t>(n);
      position_ += static_cast<uint64_t>(n);
    }
  }
  void commit() override {
    if (fsync_ && ::fsync(fd_) != 0) snaplake::fail_errno(errno, "cannot fsync '" + path_ + "'");
    if (::close(fd_) != 0) snaplake::fail_errno(errno, "cannot close '" + path_ + "'");
    fd_ = -1;
  }
  void abort() noexcept override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  uint64_t position() const override { return position_; }

 private:
  std::string path_;
  bool fsync_;
  int fd_ = -1;
  uint64_t position_ = 0;
};

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Appends every row of the table, as an export appends rows decoded from PostgreSQL.
pq::FileStats write_table(const MixedTable& t, const pq::WriterOptions& options,
                          snaplake::OutputStream& out) {
  pq::FileWriter w(snaplake::bench::mixed_table_schema(), options, out);
  const auto& v = t.valid;
  for (size_t r = 0; r < t.rows; ++r) {
    w.append_int64(0, t.id[r]);
    v[1][r] ? w.append_int32(1, t.quantity[r]) : w.append_null(1);
    v[2][r] ? w.append_bytes(2, t.name.at(r)) : w.append_null(2);
    v[3][r] ? w.append_decimal(3, t.amount[r]) : w.append_null(3);
    v[4][r] ? w.append_int64(4, t.created_at[r]) : w.append_null(4);
    v[5][r] ? w.append_int32(5, t.birth_date[r]) : w.append_null(5);
    v[6][r] ? w.append_bool(6, t.active[r] != 0) : w.append_null(6);
    v[7][r] ? w.append_bytes(7, std::string_view(t.external_id).substr(r * 16, 16))
            : w.append_null(7);
    v[8][r] ? w.append_bytes(8, t.attributes.at(r)) : w.append_null(8);
    w.end_row();
  }
  return w.close();
}

struct Args {
  size_t rows = 2'000'000;
  std::vector<std::string> codecs{"snappy", "zstd"};
  std::vector<std::string> sinks{"null", "file"};
  std::string dir = "/tmp";
  // -1: ZSTD at level 3, DuckDB's, so the comparison is like for like (the writer's own
  // default is 1); other codecs at their defaults.
  int level = -1;
  int repeat = 1;
  bool fsync = false;
  bool json = false;
  snaplake::parquet::WriterOptions options;  // defaults, with the overrides given
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument("missing value after " + flag);
      return argv[++i];
    };
    if (flag == "--rows") {
      a.rows = std::stoull(value());
    } else if (flag == "--codecs") {
      a.codecs = split(value());
    } else if (flag == "--sinks") {
      a.sinks = split(value());
    } else if (flag == "--dir") {
      a.dir = value();
    } else if (flag == "--level") {
      a.level = std::stoi(value());
    } else if (flag == "--repeat") {
      a.repeat = std::stoi(value());
    } else if (flag == "--fsync") {
      a.fsync = true;
    } else if (flag == "--json") {
      a.json = true;
    } else if (flag == "--row-group-rows") {
      a.options.row_group_rows = std::stoull(value());
    } else if (flag == "--dictionary-bytes") {
      a.options.dictionary_bytes = static_cast<uint32_t>(std::stoul(value()));
    } else if (flag == "--no-dictionary") {
      a.options.dictionary = false;
    } else {
      throw std::invalid_argument("unknown flag " + flag);
    }
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args args = parse_args(argc, argv);
    const auto g0 = std::chrono::steady_clock::now();
    const MixedTable table = MixedTable::generate(args.rows);
    const double generate_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();
    if (!args.json) {
      fmt::print("generated {} rows ({:.1f} MB of values) in {:.2f} s\n", table.rows,
                 static_cast<double>(table.value_bytes) / 1e6, generate_s);
    }
    for (int k = 0; k < args.repeat; ++k) {
      for (const auto& codec : args.codecs) {
        pq::WriterOptions options = args.options;
        options.codec = pq::parse_codec(codec);
        options.compression_level =
            args.level >= 0 ? args.level : (options.codec == pq::Codec::Zstd ? 3 : 0);
        for (const auto& sink : args.sinks) {
          const std::string path = fmt::format("{}/snaplake-{}.parquet", args.dir, codec);
          const auto t0 = std::chrono::steady_clock::now();
          const double c0 = process_cpu_seconds();
          pq::FileStats stats;
          if (sink == "null") {
            snaplake::DiscardingStream out;
            stats = write_table(table, options, out);
            out.commit();
          } else if (sink == "file") {
            FileSink out(path, args.fsync);
            stats = write_table(table, options, out);
            out.commit();
          } else {
            throw std::invalid_argument("unknown sink " + sink);
          }
          const double cpu = process_cpu_seconds() - c0;
          const double wall =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          const double mb = static_cast<double>(table.value_bytes) / 1e6;
          if (args.json) {
            fmt::print(
                R"({{"writer":"snaplake","codec":"{}","sink":"{}","rows":{},"row_groups":{},"bytes":{},"value_bytes":{},"wall_s":{:.4f},"cpu_s":{:.4f},"file":"{}"}})"
                "\n",
                codec, sink, stats.rows, stats.row_groups, stats.bytes, table.value_bytes, wall,
                cpu, sink == "file" ? path : "");
          } else {
            fmt::print(
                "{:<7} {:<5} {:>9.0f} rows/s {:>7.1f} MB/s  wall {:.3f} s  cpu {:.3f} s  {:.2f} "
                "MB, {} row groups\n",
                codec, sink, static_cast<double>(stats.rows) / wall, mb / wall, wall, cpu,
                static_cast<double>(stats.bytes) / 1e6, stats.row_groups);
          }
          std::fflush(stdout);
        }
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parquet_bench: %s\n", e.what());
    return 1;
  }
}
