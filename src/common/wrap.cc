#include "common/wrap.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace snaplake {
namespace {

bool continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// UTF-8 characters in `text`.
size_t columns(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += continuation_byte(c) ? 0 : 1;
  return n;
}

// The byte offset after the first `count` characters of `text`.
size_t offset_of(std::string_view text, size_t count) {
  size_t i = 0;
  for (size_t seen = 0; i < text.size(); ++i) {
    if (!continuation_byte(text[i]) && seen++ == count) break;
  }
  return i;
}

}  // namespace

std::vector<std::string> wrap(std::string_view text, size_t width) {
  if (width == 0) width = 1;
  std::vector<std::string> lines;
  std::string line;
  size_t line_columns = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    i = end;
    size_t word_columns = columns(word);
    if (!line.empty() && line_columns + 1 + word_columns <= width) {
      line += ' ';
      line += word;
      line_columns += 1 + word_columns;
      continue;
    }
    if (!line.empty()) lines.push_back(std::move(line));
    line.clear();
    // A word longer than a line fills whole lines of its own first.
    while (word_columns > width) {
      size_t cut = offset_of(word, width);
      lines.emplace_back(word.substr(0, cut));
      word.remove_prefix(cut);
      word_columns -= width;
    }
    line = std::string(word);
    line_columns = word_columns;
  }
  if (!line.empty() || lines.empty()) lines.push_back(std::move(line));
  return lines;
}

size_t output_width() {
  winsize size{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40) {
    return size.ws_col;
  }
  return 100;
}

}  // namespace snaplake
