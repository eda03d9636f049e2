// A landing's progress on a terminal: one line per table — its name, the percentage of its
// bytes landed, its rows (expected from export_tables_info, where it has them) and an ETA — and
// one line overall (files, bytes, rows, ETA), redrawn in place. Only on a terminal: the caller
// decides (`LandOptions::show_progress`); logs keep their one line per event. The ETA is the
// bytes still to copy at the rate of the bytes copied so far (the copies run in parallel, so
// one rate for all).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace snaplake::landing {

class LandProgress {
 public:
  struct Table {
    std::string name;  // <database>/<schema>.<table>
    uint64_t files = 0;
    uint64_t bytes = 0;
    uint64_t rows = 0;  // expected; 0 where unknown
  };

  // Writes to `out` (a terminal's stream); nullptr: renders only (tests).
  LandProgress(std::vector<Table> tables, std::FILE* out);

  // One file of table `table` landed: redraws now and then (the first file, every half second,
  // and the last).
  void file_done(size_t table, uint64_t bytes, uint64_t rows);

  // The lines as they are after `elapsed` (pure: the tests' way in).
  std::vector<std::string> render(std::chrono::steady_clock::duration elapsed) const;

 private:
  struct Done {
    uint64_t files = 0, bytes = 0, rows = 0;
  };
  void draw(std::chrono::steady_clock::duration elapsed);

  std::vector<Table> tables_;
  std::vector<Done> done_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
  size_t lines_drawn_ = 0;
  mutable std::mutex mutex_;
};

// "0:07", "12:03", "1:02:03".
std::string eta_text(std::chrono::seconds remaining);

}  // namespace snaplake::landing
