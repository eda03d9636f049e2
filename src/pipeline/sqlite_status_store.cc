#include "pipeline/sqlite_status_store.h"

#include "common/error.h"

namespace snaplake::pipeline {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  export_id       TEXT PRIMARY KEY,
  instance_id     TEXT NOT NULL DEFAULT '',
  snapshot_id     TEXT NOT NULL DEFAULT '',
  event_id        TEXT NOT NULL DEFAULT '',
  event_time      TEXT NOT NULL DEFAULT '',
  stage           TEXT NOT NULL,
  started_ms      INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL,
  exported_ms     INTEGER NOT NULL DEFAULT 0,
  landed_ms       INTEGER NOT NULL DEFAULT 0,
  tables          INTEGER NOT NULL DEFAULT 0,
  rows            INTEGER NOT NULL DEFAULT 0,
  bytes           INTEGER NOT NULL DEFAULT 0,
  export_location TEXT NOT NULL DEFAULT '',
  error           TEXT NOT NULL DEFAULT '',
  attempts        INTEGER NOT NULL DEFAULT 0,
  message_id      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_recent ON runs (started_ms);
CREATE TABLE IF NOT EXISTS notes (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms    INTEGER NOT NULL,
  queue      TEXT NOT NULL,
  message_id TEXT NOT NULL,
  outcome    TEXT NOT NULL,
  detail     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dead_letters (
  queue         TEXT NOT NULL,
  message_id    TEXT NOT NULL,
  time_ms       INTEGER NOT NULL,
  cause         TEXT NOT NULL,
  receive_count INTEGER NOT NULL,
  body          TEXT NOT NULL,
  PRIMARY KEY (queue, message_id)
);
)sql";

}  // namespace

std::unique_ptr<SqliteStatusStore> SqliteStatusStore::open(const std::string& path,
                                                           queue::Clock clock) {
  auto db = sqlite::Database::open(path);
  db->exec(kSchema);
  // Status files written before runs had message_id gain the column.
  bool has_message_id = false;
  for (auto info = db->prepare("PRAGMA table_info(runs)"); info.step();) {
    has_message_id |= info.text(1) == "message_id";
  }
  if (!has_message_id) db->exec("ALTER TABLE runs ADD COLUMN message_id TEXT NOT NULL DEFAULT ''");
  return std::unique_ptr<SqliteStatusStore>(
      new SqliteStatusStore(std::move(db), path, std::move(clock)));
}

int64_t SqliteStatusStore::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_().time_since_epoch()).count();
}

void SqliteStatusStore::update(const Update& u) {
  int64_t now = now_ms();
  // One upsert, apply_update() as SQL: the identifying fields are kept from the first sighting
  // unless given anew.
  auto s = db_->prepare(R"sql(
    INSERT INTO runs (export_id, instance_id, snapshot_id, event_id, event_time, stage,
                      started_ms, updated_ms, export_location, error, attempts,
                      tables, rows, bytes, exported_ms, landed_ms, message_id)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, ?10,
            COALESCE(?11, 0), COALESCE(?12, 0), COALESCE(?13, 0),
            CASE WHEN ?6 = 'exported' THEN ?7 ELSE 0 END,
            CASE WHEN ?6 = 'landed' THEN ?7 ELSE 0 END, ?14)
    ON CONFLICT (export_id) DO UPDATE SET
      instance_id = CASE WHEN ?2 <> '' THEN ?2 ELSE instance_id END,
      snapshot_id = CASE WHEN ?3 <> '' THEN ?3 ELSE snapshot_id END,
      event_id = CASE WHEN ?4 <> '' THEN ?4 ELSE event_id END,
      event_time = CASE WHEN ?5 <> '' THEN ?5 ELSE event_time END,
      stage = ?6,
      updated_ms = ?7,
      export_location = CASE WHEN ?8 <> '' THEN ?8 ELSE export_location END,
      error = ?9,
      attempts = attempts + ?10,
      tables = COALESCE(?11, tables),
      rows = COALESCE(?12, rows),
      bytes = COALESCE(?13, bytes),
      exported_ms = CASE WHEN ?6 = 'exported' THEN ?7 ELSE exported_ms END,
      landed_ms = CASE WHEN ?6 = 'landed' THEN ?7 ELSE landed_ms END,
      message_id = CASE WHEN ?14 <> '' THEN ?14 ELSE message_id END
  )sql");
  s.bind(1, u.export_id)
      .bind(2, u.instance_id)
      .bind(3, u.snapshot_id)
      .bind(4, u.event_id)
      .bind(5, u.event_time)
      .bind(6, to_string(u.stage))
      .bind(7, now)
      .bind(8, u.export_location)
      .bind(9, u.error)
      .bind(10, int64_t{u.new_attempt ? 1 : 0});
  auto bind_count = [&](int index, const std::optional<uint64_t>& value) {
    if (value)
      s.bind(index, static_cast<int64_t>(*value));
    else
      s.bind_null(index);
  };
  bind_count(11, u.tables);
  bind_count(12, u.rows);
  bind_count(13, u.bytes);
  s.bind(14, u.message_id);
  s.run();
}

void SqliteStatusStore::note(std::string_view queue, std::string_view message_id,
                             std::string_view outcome, std::string_view detail) {
  db_->prepare("INSERT INTO notes (time_ms, queue, message_id, outcome, detail) VALUES (?,?,?,?,?)")
      .bind(1, now_ms())
      .bind(2, queue)
      .bind(3, message_id)
      .bind(4, outcome)
      .bind(5, detail)
      .run();
}

void SqliteStatusStore::dead_letter(const DeadLetterRecord& d) {
  // Replaced, not added: the latest record of a message given up again is the one listed.
  db_->prepare(
         "INSERT OR REPLACE INTO dead_letters (queue, message_id, time_ms, cause, receive_count, "
         "body) VALUES (?,?,?,?,?,?)")
      .bind(1, d.queue)
      .bind(2, d.message_id)
      .bind(3, d.time_ms != 0 ? d.time_ms : now_ms())
      .bind(4, d.cause)
      .bind(5, int64_t{d.receive_count})
      .bind(6, d.body.substr(0, kDeadLetterBodyBytes))
      .run();
}

void SqliteStatusStore::forget_dead_letter(std::string_view queue, std::string_view message_id) {
  db_->prepare("DELETE FROM dead_letters WHERE queue = ? AND message_id = ?")
      .bind(1, queue)
      .bind(2, message_id)
      .run();
}

std::map<std::string, int64_t> SqliteStatusStore::last_landings() {
  auto s = db_->prepare(
      "SELECT instance_id, MAX(landed_ms) FROM runs WHERE stage = 'landed' AND landed_ms > 0 "
      "AND instance_id <> '' GROUP BY instance_id");
  std::map<std::string, int64_t> out;
  while (s.step()) out.emplace(s.text(0), s.integer(1));
  return out;
}

namespace {

constexpr std::string_view kRunColumns =
    "export_id, instance_id, snapshot_id, event_id, event_time, stage, started_ms, updated_ms, "
    "exported_ms, landed_ms, tables, rows, bytes, export_location, error, attempts, message_id";

RunRecord read_run(const sqlite::Statement& s) {
  RunRecord r;
  r.export_id = s.text(0);
  r.instance_id = s.text(1);
  r.snapshot_id = s.text(2);
  r.event_id = s.text(3);
  r.event_time = s.text(4);
  r.stage = parse_run_stage(s.text(5)).value_or(RunStage::Failed);
  r.started_ms = s.integer(6);
  r.updated_ms = s.integer(7);
  r.exported_ms = s.integer(8);
  r.landed_ms = s.integer(9);
  r.tables = static_cast<uint64_t>(s.integer(10));
  r.rows = static_cast<uint64_t>(s.integer(11));
  r.bytes = static_cast<uint64_t>(s.integer(12));
  r.export_location = s.text(13);
  r.error = s.text(14);
  r.attempts = static_cast<int>(s.integer(15));
  r.message_id = s.text(16);
  return r;
}

}  // namespace

std::optional<RunRecord> SqliteStatusStore::run(std::string_view export_id) {
  auto s = db_->prepare(fmt::format("SELECT {} FROM runs WHERE export_id = ?", kRunColumns));
  s.bind(1, export_id);
  if (!s.step()) return std::nullopt;
  return read_run(s);
}

std::vector<RunRecord> SqliteStatusStore::recent_runs(size_t limit) {
  auto s = db_->prepare(
      fmt::format("SELECT {} FROM runs ORDER BY started_ms DESC, export_id LIMIT ?", kRunColumns));
  s.bind(1, static_cast<int64_t>(limit));
  std::vector<RunRecord> out;
  while (s.step()) out.push_back(read_run(s));
  return out;
}

std::vector<NoteRecord> SqliteStatusStore::recent_notes(size_t limit) {
  auto s = db_->prepare(
      "SELECT time_ms, queue, message_id, outcome, detail FROM notes ORDER BY seq DESC LIMIT ?");
  s.bind(1, static_cast<int64_t>(limit));
  std::vector<NoteRecord> out;
  while (s.step()) {
    out.push_back(NoteRecord{s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4)});
  }
  return out;
}

std::vector<DeadLetterRecord> SqliteStatusStore::recent_dead_letters(size_t limit) {
  auto s = db_->prepare(
      "SELECT time_ms, queue, message_id, cause, receive_count, body FROM dead_letters "
      "ORDER BY time_ms DESC, rowid DESC LIMIT ?");
  s.bind(1, static_cast<int64_t>(limit));
  std::vector<DeadLetterRecord> out;
  while (s.step()) {
    out.push_back(DeadLetterRecord{s.integer(0), s.text(1), s.text(2), s.text(3),
                                   static_cast<int>(s.integer(4)), s.text(5)});
  }
  return out;
}

}  // namespace snaplake::pipeline
