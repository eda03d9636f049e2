#include "landing/land_progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/log.h"

namespace snaplake::landing {
namespace {

std::string megabytes(uint64_t bytes) {
  return fmt::format("{:.1f}", static_cast<double>(bytes) / 1e6);
}

}  // namespace

std::string eta_text(std::chrono::seconds remaining) {
  auto s = std::max<int64_t>(0, remaining.count());
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

LandProgress::LandProgress(std::vector<Table> tables, std::FILE* out)
    : tables_(std::move(tables)), done_(tables_.size()), out_(out) {}

std::vector<std::string> LandProgress::render(std::chrono::steady_clock::duration elapsed) const {
  Done total_done;
  Table total;
  for (size_t i = 0; i < tables_.size(); ++i) {
    total.files += tables_[i].files;
    total.bytes += tables_[i].bytes;
    total.rows += tables_[i].rows;
    total_done.files += done_[i].files;
    total_done.bytes += done_[i].bytes;
    total_done.rows += done_[i].rows;
  }
  double seconds = std::chrono::duration<double>(elapsed).count();
  // Bytes per second so far; none yet: no ETA.
  double rate = total_done.bytes > 0 && seconds > 0 ? total_done.bytes / seconds : 0;
  auto eta = [&](uint64_t remaining) -> std::string {
    if (remaining == 0) return "done";
    if (rate <= 0) return "ETA -:--";
    return "ETA " +
           eta_text(std::chrono::seconds(static_cast<int64_t>(std::ceil(remaining / rate))));
  };
  auto percent = [](uint64_t done, uint64_t all) {
    return all == 0 ? 100 : static_cast<int>(done * 100 / all);
  };
  size_t width = 0;
  for (const auto& t : tables_) width = std::max(width, log::printable(t.name).size());
  std::vector<std::string> lines;
  for (size_t i = 0; i < tables_.size(); ++i) {
    const Table& t = tables_[i];
    const Done& d = done_[i];
    std::string rows =
        t.rows > 0 ? fmt::format("{}/{} rows", d.rows, t.rows) : fmt::format("{} rows", d.rows);
    // A table is finished when its files are; its bytes may be 0 (an empty table).
    uint64_t remaining = d.files == t.files ? 0 : t.bytes - std::min(t.bytes, d.bytes);
    lines.push_back(fmt::format("  {:<{}} {:>3}%  {}/{} MB  {}  {}", log::printable(t.name), width,
                                d.files == t.files ? 100 : percent(d.bytes, t.bytes),
                                megabytes(d.bytes), megabytes(t.bytes), rows,
                                eta(remaining == 0 && d.files < t.files ? 1 : remaining)));
  }
  uint64_t remaining = total_done.files == total.files ? 0 : total.bytes - total_done.bytes;
  lines.push_back(
      fmt::format("landing {}/{} files, {}/{} MB, {}{} rows, {:.1f} MB/s, {}", total_done.files,
                  total.files, megabytes(total_done.bytes), megabytes(total.bytes), total_done.rows,
                  total.rows > 0 ? fmt::format("/{}", total.rows) : "", rate / 1e6,
                  eta(remaining == 0 && total_done.files < total.files ? 1 : remaining)));
  return lines;
}

void LandProgress::file_done(size_t table, uint64_t bytes, uint64_t rows) {
  std::lock_guard lock(mutex_);
  ++done_[table].files;
  done_[table].bytes += bytes;
  done_[table].rows += rows;
  auto now = std::chrono::steady_clock::now();
  bool first = lines_drawn_ == 0;
  bool last = true;
  for (size_t i = 0; i < tables_.size(); ++i) last &= done_[i].files == tables_[i].files;
  if (first || last || now - last_draw_ >= std::chrono::milliseconds(500)) {
    last_draw_ = now;
    draw(now - started_);
  }
}

void LandProgress::draw(std::chrono::steady_clock::duration elapsed) {
  if (!out_) return;
  std::string text;
  // Back to the first line drawn (CSI n F: cursor to the start of the line n lines up), then
  // each line cleared (CSI 2 K) and written again (ECMA-48).
  if (lines_drawn_ > 0) text += fmt::format("\x1b[{}F", lines_drawn_);
  auto lines = render(elapsed);
  for (const auto& line : lines) text += "\x1b[2K" + line + "\n";
  lines_drawn_ = lines.size();
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace snaplake::landing
