// protocol_probe: how fast the client takes a whole table off the wire in MySQL's text protocol
// (mysql_real_query + mysql_use_result + mysql_fetch_row) and in its binary protocol (a
// prepared statement, unbuffered mysql_stmt_fetch into buffers bound with each column's native
// type), with nothing else done with the rows; and the text protocol with the rows framed into
// batches as the SliceReader does. The choice between the protocols is made on these figures
// (src/mysql/README.md, "Text or binary protocol").
//
//   protocol_probe <mysql://… URI with the database> "<SELECT …>" [rounds]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "mysql/connection.h"
#include "mysql/row_frames.h"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

uint64_t text_protocol(snaplake::mysql::Connection& c, const std::string& sql, bool frame) {
  c.start_stream(sql, "read with the text protocol");
  snaplake::mysql::StreamRow row;
  std::vector<uint8_t> batch;
  uint64_t rows = 0, bytes = 0;
  unsigned n = c.stream_fields();
  while (c.next_row(row)) {
    ++rows;
    if (frame) {
      snaplake::mysql::frame_row(batch, row.fields, row.lengths, n);
      if (batch.size() >= (256u << 10)) {
        bytes += batch.size();
        batch.clear();
      }
    } else {
      for (unsigned i = 0; i < n; ++i) bytes += row.lengths[i];
    }
  }
  return rows + (bytes == 0 ? 0 : 0);
}

uint64_t binary_protocol(MYSQL* m, const std::string& sql) {
  MYSQL_STMT* stmt = mysql_stmt_init(m);
  if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0 || mysql_stmt_execute(stmt) != 0) {
    std::fprintf(stderr, "prepare/execute: %s\n", mysql_stmt_error(stmt));
    std::exit(1);
  }
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt);
  unsigned n = mysql_num_fields(meta);
  MYSQL_FIELD* fields = mysql_fetch_fields(meta);
  std::vector<MYSQL_BIND> bind(n);
  std::vector<std::vector<char>> buffers(n);
  std::vector<unsigned long> lengths(n);
  std::vector<my_bool> nulls(n), errors(n);
  for (unsigned i = 0; i < n; ++i) {
    std::memset(&bind[i], 0, sizeof(MYSQL_BIND));
    enum_field_types t = fields[i].type;
    size_t size = 8;
    switch (t) {
      case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_LONG: case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT:
        t = MYSQL_TYPE_LONGLONG; break;
      case MYSQL_TYPE_DOUBLE: case MYSQL_TYPE_FLOAT: t = MYSQL_TYPE_DOUBLE; break;
      case MYSQL_TYPE_DATE: case MYSQL_TYPE_DATETIME: case MYSQL_TYPE_TIMESTAMP: case MYSQL_TYPE_TIME:
        size = sizeof(MYSQL_TIME); break;
      default:
        t = MYSQL_TYPE_STRING;
        size = 1024;  // the probe's table has short strings
    }
    buffers[i].resize(size);
    bind[i].buffer_type = t;
    bind[i].buffer = buffers[i].data();
    bind[i].buffer_length = size;
    bind[i].length = &lengths[i];
    bind[i].is_null = &nulls[i];
    bind[i].error = &errors[i];
  }
  mysql_stmt_bind_result(stmt, bind.data());
  uint64_t rows = 0;
  int rc;
  while ((rc = mysql_stmt_fetch(stmt)) == 0 || rc == MYSQL_DATA_TRUNCATED) ++rows;
  if (rc != MYSQL_NO_DATA) {
    std::fprintf(stderr, "fetch: %s\n", mysql_stmt_error(stmt));
    std::exit(1);
  }
  mysql_free_result(meta);
  mysql_stmt_close(stmt);
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: protocol_probe <uri> <select> [rounds]\n");
    return 2;
  }
  auto uri = snaplake::mysql::parse_uri(argv[1]);
  std::string sql = argv[2];
  int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  auto conn = snaplake::mysql::Connection::open(uri);
  for (int r = 1; r <= rounds; ++r) {
    auto t0 = Clock::now();
    uint64_t a = text_protocol(conn, sql, false);
    double text_s = seconds_since(t0);
    t0 = Clock::now();
    uint64_t b = text_protocol(conn, sql, true);
    double framed_s = seconds_since(t0);
    t0 = Clock::now();
    uint64_t c = binary_protocol(conn.raw(), sql);
    double binary_s = seconds_since(t0);
    std::printf("round %d: text %.2fs, text+framing %.2fs, binary %.2fs (%llu/%llu/%llu rows)\n", r,
                text_s, framed_s, binary_s, static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b), static_cast<unsigned long long>(c));
  }
  return 0;
}
