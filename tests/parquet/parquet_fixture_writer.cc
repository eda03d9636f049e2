// parquet_fixture_writer: writes one Parquet file with snaplake's writer from a JSON spec, so the
// Node tests (tests/parquet/*.test.mjs) can read it back with independent readers.
//
//   parquet_fixture_writer <spec.json | -> <out.parquet>
//
// Spec:
//   { "options": { "codec": "snappy|gzip|zstd|none", "level": 0, "dictionary": true,
//                  "dictionary_bytes": N, "row_group_rows": N, "row_group_bytes": N,
//                  "page_bytes": N, "created_by": "...", "key_value_metadata": {"k": "v"} },
//     "columns": [ { "name": "c", "physical": "INT32", "logical": "DECIMAL", "nullable": true,
//                    "type_length": 16, "precision": 9, "scale": 2, "utc_adjusted": false,
//                    "list": false,
//                    "gen": {…} } ],
//     "rows": [ [v, …], … ]           // explicit rows, or
//     "generate": { "rows": N } }     // N generated rows from each column's "gen"
//
// physical: BOOLEAN INT32 INT64 FLOAT DOUBLE BYTE_ARRAY FIXED_LEN_BYTE_ARRAY
// logical:  NONE STRING JSON ENUM UUID DECIMAL DATE TIME TIMESTAMP TIMESTAMP_MILLIS INT16
// "list": true makes the column a LIST of OPTIONAL elements of that type; its values (explicit
// rows only) are null (a NULL list) or a JSON array of element values (null: a NULL element).
//
// Values (null is NULL everywhere):
//   BOOLEAN                  true / false
//   INT32 (DATE, INT16)      a JSON integer
//   INT64 (TIME, TIMESTAMP)  a JSON integer or a string of one ("-9223372036854775808")
//   FLOAT, DOUBLE            a number or "NaN", "Infinity", "-Infinity", "-0"
//   DECIMAL (any physical)   the value as decimal text ("-123.45"), at most `scale` fraction
//                            digits; written with append_decimal (which checks the precision)
//   STRING, JSON, ENUM       a JSON string, written as its UTF-8 bytes
//   UUID                     "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (or any hex; dashes ignored)
//   other BYTE_ARRAY / FLBA  a hex string ("00ff")
//   any bytes                {"hex": "…"}, {"base64": "…"} or {"repeat": "ab", "count": N}
//                            (the text repeated N times: multi-megabyte values, small specs)
//
// Generated rows ("gen" per column; the tests mirror these formulas in JS): k = row % modulo
// (modulo defaults to the row count), NULL when null_every > 0 and row % null_every == 0;
//   integers, DATE/TIME/TIMESTAMP, DECIMAL (unscaled): start + k * step
//   FLOAT, DOUBLE: start + k * step (computed in double, then narrowed for FLOAT)
//   BOOLEAN: k % 2 == 1
//   strings and bytes: prefix + decimal(k); UUID: 16 bytes, big-endian k in the last 8
//
// Exit status: 0 and {"rows":…,"row_groups":…,"bytes":…} on stdout when the file was written;
// 1 and the writer's message on stderr when the writer threw (the output is then aborted: no
// file, no temporary left behind); 2 when the spec itself is wrong.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/output_stream.h"
#include "parquet/file_writer.h"
#include "parquet/options.h"
#include "parquet/schema.h"

namespace {

using nlohmann::json;
namespace pq = snaplake::parquet;

// __int128 is a GNU extension (the writer's append_decimal takes one); __extension__ keeps
// -Wpedantic quiet about naming it here.
__extension__ using int128 = __int128;
__extension__ using uint128 = unsigned __int128;
// 2^127 - 1, spelled out: std::numeric_limits<__int128> is not specialized in strict C++20 mode.
constexpr int128 kInt128Max = static_cast<int128>((static_cast<uint128>(1) << 127) - 1);

// A mistake in the spec (exit 2), as opposed to an error thrown by the writer (exit 1).
struct SpecError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A local file written under a temporary name and renamed into place on commit; abort unlinks.
class FileOutput final : public snaplake::OutputStream {
 public:
  static FileOutput open(const std::string& path) {
    std::string temp = path + ".partial";
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw SpecError("cannot create '" + temp + "': " + std::strerror(errno));
    return FileOutput(path, std::move(temp), fd);
  }
  FileOutput(FileOutput&& other) noexcept
      : path_(std::move(other.path_)),
        temp_(std::move(other.temp_)),
        fd_(other.fd_),
        position_(other.position_) {
    other.fd_ = -1;
  }
  FileOutput(const FileOutput&) = delete;
  FileOutput& operator=(const FileOutput&) = delete;
  FileOutput& operator=(FileOutput&&) = delete;
  ~FileOutput() override { abort(); }

  void write(std::span<const uint8_t> bytes) override {
    const uint8_t* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) snaplake::fail_errno(errno, "cannot write '" + temp_ + "'");
      p += n;
      left -= static_cast<size_t>(n);
      position_ += static_cast<uint64_t>(n);
    }
  }
  void commit() override {
    if (::close(fd_) != 0) snaplake::fail_errno(errno, "cannot close '" + temp_ + "'");
    fd_ = -1;
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
      snaplake::fail_errno(errno, "cannot rename '" + temp_ + "'");
    }
    committed_ = true;
  }
  void abort() noexcept override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
  }
  uint64_t position() const override { return position_; }

 private:
  FileOutput(std::string path, std::string temp, int fd)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}
  std::string path_;
  std::string temp_;
  int fd_ = -1;
  uint64_t position_ = 0;
  bool committed_ = false;
};

pq::Physical parse_physical(const std::string& s) {
  if (s == "BOOLEAN") return pq::Physical::Boolean;
  if (s == "INT32") return pq::Physical::Int32;
  if (s == "INT64") return pq::Physical::Int64;
  if (s == "FLOAT") return pq::Physical::Float;
  if (s == "DOUBLE") return pq::Physical::Double;
  if (s == "BYTE_ARRAY") return pq::Physical::ByteArray;
  if (s == "FIXED_LEN_BYTE_ARRAY") return pq::Physical::FixedLenByteArray;
  throw SpecError("unknown physical type '" + s + "'");
}

pq::Logical parse_logical(const std::string& s) {
  if (s == "NONE" || s.empty()) return pq::Logical::None;
  if (s == "STRING") return pq::Logical::String;
  if (s == "JSON") return pq::Logical::Json;
  if (s == "ENUM") return pq::Logical::Enum;
  if (s == "UUID") return pq::Logical::Uuid;
  if (s == "DECIMAL") return pq::Logical::Decimal;
  if (s == "DATE") return pq::Logical::Date;
  if (s == "TIME") return pq::Logical::TimeMicros;
  if (s == "TIMESTAMP") return pq::Logical::TimestampMicros;
  if (s == "TIMESTAMP_MILLIS") return pq::Logical::TimestampMillis;
  if (s == "INT16") return pq::Logical::Int16;
  throw SpecError("unknown logical type '" + s + "'");
}

pq::WriterOptions parse_options(const json& o) {
  pq::WriterOptions options;
  if (o.is_null()) return options;
  if (o.contains("codec")) options.codec = pq::parse_codec(o["codec"].get<std::string>());
  options.compression_level = o.value("level", options.compression_level);
  options.dictionary = o.value("dictionary", options.dictionary);
  options.dictionary_bytes = o.value("dictionary_bytes", options.dictionary_bytes);
  options.row_group_rows = o.value("row_group_rows", options.row_group_rows);
  options.row_group_bytes = o.value("row_group_bytes", options.row_group_bytes);
  options.page_bytes = o.value("page_bytes", options.page_bytes);
  options.created_by = o.value("created_by", options.created_by);
  if (o.contains("key_value_metadata")) {
    for (const auto& [k, v] : o["key_value_metadata"].items()) {
      options.key_value_metadata.emplace_back(k, v.get<std::string>());
    }
  }
  return options;
}

pq::Column parse_column(const json& c) {
  pq::Column column;
  column.name = c.at("name").get<std::string>();
  column.physical = parse_physical(c.at("physical").get<std::string>());
  column.logical = parse_logical(c.value("logical", std::string("NONE")));
  column.repetition =
      c.value("nullable", true) ? pq::Repetition::Optional : pq::Repetition::Required;
  column.type_length = c.value("type_length", 0);
  column.precision = c.value("precision", 0);
  column.scale = c.value("scale", 0);
  column.utc_adjusted = c.value("utc_adjusted", false);
  column.list = c.value("list", false);
  return column;
}

// --- value parsing ------------------------------------------------------------------------------

int64_t parse_int64(const json& v, const std::string& column) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size()) return out;
  }
  throw SpecError("column '" + column + "': not a 64-bit integer: " + v.dump());
}

double parse_double(const json& v, const std::string& column) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    if (s == "-0") return -0.0;
  }
  throw SpecError("column '" + column + "': not a floating-point value: " + v.dump());
}

// "-123.45" in a column of scale s → the unscaled value, exactly (anything an int128 holds).
int128 parse_decimal(const json& v, int32_t scale, const std::string& column) {
  if (!v.is_string())
    throw SpecError("column '" + column + "': a DECIMAL is given as text: " + v.dump());
  const std::string& s = v.get_ref<const std::string&>();
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  int128 value = 0;
  int digits = 0;
  int fraction_digits = 0;
  bool point = false;
  for (; i < s.size(); ++i) {
    if (s[i] == '.' && !point) {
      point = true;
      continue;
    }
    if (s[i] < '0' || s[i] > '9') throw SpecError("column '" + column + "': not a decimal: " + s);
    ++digits;
    if (value > (kInt128Max - (s[i] - '0')) / 10) {
      throw SpecError("column '" + column + "': decimal too large for the spec: " + s);
    }
    value = value * 10 + (s[i] - '0');
    if (point) ++fraction_digits;
  }
  if (digits == 0) throw SpecError("column '" + column + "': not a decimal: " + s);
  if (fraction_digits > scale) {
    throw SpecError("column '" + column + "': more fraction digits than the scale: " + s);
  }
  for (int k = fraction_digits; k < scale; ++k) {
    if (value > kInt128Max / 10) {
      throw SpecError("column '" + column + "': decimal too large for the spec: " + s);
    }
    value *= 10;
  }
  return negative ? -value : value;
}

std::string from_hex(std::string_view hex, const std::string& column) {
  std::string out;
  int high = -1;
  for (char ch : hex) {
    if (ch == '-') continue;
    int d = (ch >= '0' && ch <= '9')   ? ch - '0'
            : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
            : (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10
                                       : -1;
    if (d < 0) throw SpecError("column '" + column + "': not hex: " + std::string(hex));
    if (high < 0) {
      high = d;
    } else {
      out.push_back(static_cast<char>(high << 4 | d));
      high = -1;
    }
  }
  if (high >= 0) throw SpecError("column '" + column + "': odd number of hex digits");
  return out;
}

std::string from_base64(std::string_view text, const std::string& column) {
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char ch : text) {
    if (ch == '=') break;
    size_t d = alphabet.find(ch);
    if (d == std::string_view::npos) throw SpecError("column '" + column + "': not base64");
    bits = bits << 6 | static_cast<uint32_t>(d);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

std::string parse_bytes(const json& v, const pq::Column& column) {
  if (v.is_object()) {
    if (v.contains("hex")) return from_hex(v["hex"].get<std::string>(), column.name);
    if (v.contains("base64")) return from_base64(v["base64"].get<std::string>(), column.name);
    if (v.contains("repeat")) {
      std::string unit = v["repeat"].get<std::string>();
      uint64_t count = v.at("count").get<uint64_t>();
      std::string out;
      out.reserve(unit.size() * count);
      for (uint64_t k = 0; k < count; ++k) out += unit;
      return out;
    }
  }
  if (!v.is_string()) throw SpecError("column '" + column.name + "': bytes expected: " + v.dump());
  const std::string& s = v.get_ref<const std::string&>();
  switch (column.logical) {
    case pq::Logical::String:
    case pq::Logical::Json:
    case pq::Logical::Enum:
      return s;
    default:
      return from_hex(s, column.name);
  }
}

void append_scalar(pq::FileWriter& w, size_t c, const pq::Column& column, const json& v);

void append_value(pq::FileWriter& w, size_t c, const pq::Column& column, const json& v) {
  if (!column.list || v.is_null()) return append_scalar(w, c, column, v);
  if (!v.is_array()) throw SpecError("column '" + column.name + "': a list needs an array");
  w.begin_list(c);
  for (const json& element : v) append_scalar(w, c, column, element);
  w.end_list(c);
}

void append_scalar(pq::FileWriter& w, size_t c, const pq::Column& column, const json& v) {
  if (v.is_null()) {
    w.append_null(c);
    return;
  }
  if (column.logical == pq::Logical::Decimal) {
    w.append_decimal(c, parse_decimal(v, column.scale, column.name));
    return;
  }
  switch (column.physical) {
    case pq::Physical::Boolean:
      if (!v.is_boolean()) throw SpecError("column '" + column.name + "': boolean expected");
      w.append_bool(c, v.get<bool>());
      return;
    case pq::Physical::Int32: {
      int64_t x = parse_int64(v, column.name);
      if (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()) {
        throw SpecError("column '" + column.name + "': not a 32-bit integer: " + v.dump());
      }
      w.append_int32(c, static_cast<int32_t>(x));
      return;
    }
    case pq::Physical::Int64:
      w.append_int64(c, parse_int64(v, column.name));
      return;
    case pq::Physical::Float:
      w.append_float(c, static_cast<float>(parse_double(v, column.name)));
      return;
    case pq::Physical::Double:
      w.append_double(c, parse_double(v, column.name));
      return;
    case pq::Physical::ByteArray:
    case pq::Physical::FixedLenByteArray:
      w.append_bytes(c, parse_bytes(v, column));
      return;
  }
}

// --- generated values (mirrored by generatedValue() in tests/parquet/fixtures.mjs) -------------

struct Generator {
  int64_t start = 0;
  int64_t step = 1;
  double fstart = 0;
  double fstep = 1;
  uint64_t modulo = 0;
  uint64_t null_every = 0;
  std::string prefix;
};

Generator parse_generator(const json& g) {
  Generator gen;
  if (g.is_null()) return gen;
  if (g.contains("start")) {
    gen.fstart = g["start"].get<double>();
    if (g["start"].is_number_integer()) gen.start = g["start"].get<int64_t>();
  }
  if (g.contains("step")) {
    gen.fstep = g["step"].get<double>();
    if (g["step"].is_number_integer()) gen.step = g["step"].get<int64_t>();
  }
  gen.modulo = g.value("modulo", uint64_t{0});
  gen.null_every = g.value("null_every", uint64_t{0});
  gen.prefix = g.value("prefix", std::string());
  return gen;
}

void append_generated(pq::FileWriter& w, size_t c, const pq::Column& column, const Generator& g,
                      uint64_t row, uint64_t rows) {
  if (g.null_every > 0 && row % g.null_every == 0) {
    w.append_null(c);
    return;
  }
  const uint64_t k = row % (g.modulo > 0 ? g.modulo : rows);
  const int64_t integer = g.start + static_cast<int64_t>(k) * g.step;
  if (column.logical == pq::Logical::Decimal) {
    w.append_decimal(c, static_cast<int128>(integer));
    return;
  }
  switch (column.physical) {
    case pq::Physical::Boolean:
      w.append_bool(c, k % 2 == 1);
      return;
    case pq::Physical::Int32:
      w.append_int32(c, static_cast<int32_t>(integer));
      return;
    case pq::Physical::Int64:
      w.append_int64(c, integer);
      return;
    case pq::Physical::Float:
      w.append_float(c, static_cast<float>(g.fstart + static_cast<double>(k) * g.fstep));
      return;
    case pq::Physical::Double:
      w.append_double(c, g.fstart + static_cast<double>(k) * g.fstep);
      return;
    case pq::Physical::ByteArray:
    case pq::Physical::FixedLenByteArray:
      if (column.logical == pq::Logical::Uuid) {
        std::string bytes(16, '\0');
        for (int b = 0; b < 8; ++b) bytes[15 - b] = static_cast<char>((k >> (8 * b)) & 0xff);
        w.append_bytes(c, bytes);
      } else {
        w.append_bytes(c, g.prefix + std::to_string(k));
      }
      return;
  }
}

json read_spec(const std::string& path) {
  std::string text;
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw SpecError("cannot read spec '" + path + "'");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw SpecError(std::string("spec is not JSON: ") + e.what());
  }
}

int run(const std::string& spec_path, const std::string& out_path) {
  json spec;
  pq::Schema schema;
  pq::WriterOptions options;
  std::vector<Generator> generators;
  try {
    spec = read_spec(spec_path);
    for (const auto& c : spec.at("columns")) {
      schema.push_back(parse_column(c));
      generators.push_back(parse_generator(c.value("gen", json())));
    }
    options = parse_options(spec.value("options", json()));
  } catch (const json::exception& e) {
    throw SpecError(std::string("bad spec: ") + e.what());
  }

  FileOutput out = FileOutput::open(out_path);
  try {
    pq::FileWriter writer(schema, options, out);
    if (spec.contains("generate")) {
      const uint64_t rows = spec["generate"].at("rows").get<uint64_t>();
      for (uint64_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < schema.size(); ++c) {
          append_generated(writer, c, schema[c], generators[c], r, rows);
        }
        writer.end_row();
      }
    } else {
      for (const auto& row : spec.at("rows")) {
        if (!row.is_array() || row.size() != schema.size()) {
          throw SpecError("every row needs " + std::to_string(schema.size()) +
                          " values: " + row.dump().substr(0, 200));
        }
        for (size_t c = 0; c < schema.size(); ++c) append_value(writer, c, schema[c], row[c]);
        writer.end_row();
      }
    }
    pq::FileStats stats = writer.close();
    out.commit();
    std::cout << json{{"rows", stats.rows},
                      {"row_groups", stats.row_groups},
                      {"bytes", stats.bytes}}
              << "\n";
    return 0;
  } catch (...) {
    out.abort();
    throw;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: parquet_fixture_writer <spec.json | -> <out.parquet>\n";
    return 2;
  }
  try {
    return run(argv[1], argv[2]);
  } catch (const SpecError& e) {
    std::cerr << "parquet_fixture_writer: spec: " << e.what() << "\n";
    return 2;
  } catch (const nlohmann::json::exception& e) {
    std::cerr << "parquet_fixture_writer: spec: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "parquet_fixture_writer: " << e.what() << "\n";
    return 1;
  }
}
