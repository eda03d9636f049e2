// Export progress a person reads on a terminal (issue 15, item 6): one line per table being
// read, with its percentage and an ETA from the source's row estimate (PostgreSQL
// pg_class.reltuples, MySQL information_schema.TABLES.TABLE_ROWS), and an overall line with
// tables, rows and bytes. Shown only when stderr is a terminal (ExportOptions::show_progress);
// the logs keep their one line per event.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace snaplake::exporter {

struct TableProgress {
  std::string target;
  uint64_t rows_done = 0;
  uint64_t rows_estimate = 0;  // 0: unknown (never analyzed)
  double seconds = 0;          // since its first slice started
};

struct OverallProgress {
  size_t tables_done = 0;
  size_t tables_total = 0;
  uint64_t rows_done = 0;
  uint64_t rows_estimate = 0;  // of every table to export; 0 when unknown
  uint64_t bytes_read = 0;
  double seconds = 0;
  std::vector<TableProgress> reading;  // the tables being read now
};

// "0:07", "12:30", "1:02:03"; "?" when nothing can be told yet.
std::string format_eta(double seconds);

// The lines of one frame: the overall line, then at most `max_tables` tables being read (the
// rest counted in one more line). A percentage stays below 100 until the table is done: an
// estimate may be short.
std::vector<std::string> progress_lines(const OverallProgress& progress, size_t max_tables = 8);

// Redraws the frame on stderr twice a second while it lives (when enabled), in place (ANSI
// cursor movements), and clears it at the end.
class ProgressDisplay {
 public:
  ProgressDisplay(std::function<OverallProgress()> sample, bool enabled);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

 private:
  void run();
  void draw(const std::vector<std::string>& lines);
  std::function<OverallProgress()> sample_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  size_t drawn_ = 0;  // lines of the frame on screen
};

}  // namespace snaplake::exporter
