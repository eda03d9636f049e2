// One vocabulary's names, said once. A vocabulary (the compression codecs, the type profiles,
// the export engines, …) is one enum inside the program and one table of names at its edges:
// flags, configuration keys, messages and metadata are parsed with find() and written with
// name(), so no copy of the names can drift from another or fall back to a default in silence.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace snaplake {

template <typename Enum, size_t N>
class NameTable {
 public:
  using Entry = std::pair<Enum, std::string_view>;

  constexpr explicit NameTable(const Entry (&entries)[N]) {
    for (size_t i = 0; i < N; ++i) entries_[i] = entries[i];
  }

  // The name of `value`. Every enumerator has an entry (a test per vocabulary checks it).
  constexpr std::string_view name(Enum value) const {
    for (const auto& [v, n] : entries_) {
      if (v == value) return n;
    }
    return "?";
  }

  // The value named `name` exactly; nullopt for any other text.
  constexpr std::optional<Enum> find(std::string_view name) const {
    for (const auto& [v, n] : entries_) {
      if (n == name) return v;
    }
    return std::nullopt;
  }

  // Every name, in table order (for CLI11's IsMember and for tests).
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : entries_) out.emplace_back(entry.second);
    return out;
  }

  // "snappy, gzip, zstd or none", for messages that say what would have been accepted.
  std::string alternatives() const {
    std::string out;
    for (size_t i = 0; i < N; ++i) {
      if (i > 0) out += i + 1 == N ? " or " : ", ";
      out += entries_[i].second;
    }
    return out;
  }

  constexpr const std::array<Entry, N>& entries() const { return entries_; }

 private:
  std::array<Entry, N> entries_{};
};

// name_table<Codec>({{Codec::Snappy, "snappy"}, …}): the table, its size deduced.
template <typename Enum, size_t N>
constexpr NameTable<Enum, N> name_table(const std::pair<Enum, std::string_view> (&entries)[N]) {
  return NameTable<Enum, N>(entries);
}

}  // namespace snaplake
