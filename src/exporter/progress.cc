#include "exporter/progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/log.h"

namespace snaplake::exporter {

namespace {

// The share done, in percent, below 100 while not done; -1 when the estimate is unknown.
int percent(uint64_t done, uint64_t estimate) {
  if (estimate == 0) return -1;
  return static_cast<int>(std::min<uint64_t>(99, done * 100 / estimate));
}

// The time left at the pace so far.
double remaining(uint64_t done, uint64_t estimate, double seconds) {
  if (done == 0 || estimate == 0 || seconds <= 0) return -1;
  if (done >= estimate) return 0;
  return seconds * static_cast<double>(estimate - done) / static_cast<double>(done);
}

std::string count(uint64_t n) {
  if (n >= 1'000'000) return fmt::format("{:.2f}M", static_cast<double>(n) / 1e6);
  if (n >= 10'000) return fmt::format("{:.1f}k", static_cast<double>(n) / 1e3);
  return std::to_string(n);
}

}  // namespace

std::string format_eta(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "?";
  auto s = static_cast<uint64_t>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::vector<std::string> progress_lines(const OverallProgress& p, size_t max_tables) {
  std::vector<std::string> lines;
  const double mb = static_cast<double>(p.bytes_read) / 1e6;
  std::string rows = count(p.rows_done) + " rows";
  int all = percent(p.rows_done, p.rows_estimate);
  if (all >= 0) rows += fmt::format(" of ~{} ({}%)", count(p.rows_estimate), all);
  lines.push_back(fmt::format("exporting: {}/{} tables, {}, {:.1f} MB read, {:.1f} MB/s, ETA {}",
                              p.tables_done, p.tables_total, rows, mb,
                              p.seconds > 0 ? mb / p.seconds : 0.0,
                              format_eta(remaining(p.rows_done, p.rows_estimate, p.seconds))));
  for (size_t i = 0; i < p.reading.size() && i < max_tables; ++i) {
    const TableProgress& t = p.reading[i];
    int pct = percent(t.rows_done, t.rows_estimate);
    std::string target = log::printable(t.target);
    if (pct < 0) {
      lines.push_back(fmt::format("  {:<40}    ?  {} rows", target, count(t.rows_done)));
    } else {
      lines.push_back(fmt::format("  {:<40} {:>3}%  {}/~{} rows  ETA {}", target, pct,
                                  count(t.rows_done), count(t.rows_estimate),
                                  format_eta(remaining(t.rows_done, t.rows_estimate, t.seconds))));
    }
  }
  if (p.reading.size() > max_tables)
    lines.push_back(
        fmt::format("  … and {} more tables being read", p.reading.size() - max_tables));
  return lines;
}

ProgressDisplay::ProgressDisplay(std::function<OverallProgress()> sample, bool enabled)
    : sample_(std::move(sample)) {
  if (enabled) thread_ = std::thread([this] { run(); });
}

ProgressDisplay::~ProgressDisplay() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  draw({});
}

void ProgressDisplay::run() {
  std::unique_lock lock(mutex_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stop_; })) {
    draw(progress_lines(sample_()));
  }
}

void ProgressDisplay::draw(const std::vector<std::string>& lines) {
  // Back to the frame's first line, then each line cleared and written; lines left over from a
  // longer frame are cleared too.
  std::string out = "\r";
  for (size_t i = 1; i < drawn_; ++i) out += "\033[A";
  const size_t total = std::max(lines.size(), drawn_);
  for (size_t i = 0; i < total; ++i) {
    out += "\033[K";
    if (i < lines.size()) out += lines[i];
    if (i + 1 < total) out += "\n";
  }
  // Stay on the frame's last line (its first when it is empty), so the next frame starts from
  // there and the final, empty one leaves the cursor where the frame began.
  const size_t last = lines.empty() ? 0 : lines.size() - 1;
  for (size_t i = last; i + 1 < total; ++i) out += "\033[A";
  if (lines.empty()) out += "\r";
  std::fputs(out.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = lines.size();
}

}  // namespace snaplake::exporter
