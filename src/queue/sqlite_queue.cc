#include "queue/sqlite_queue.h"

#include <thread>

#include "common/error.h"
#include "common/log.h"

namespace snaplake::queue {
namespace {

// Times are milliseconds since the Unix epoch, always from the queue's clock (never SQLite's),
// so a fake clock drives every state change.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS queue_messages (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  queue         TEXT    NOT NULL,
  body          TEXT    NOT NULL,
  sent_at       INTEGER NOT NULL,
  visible_at    INTEGER NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0,
  receipt       TEXT
);
CREATE INDEX IF NOT EXISTS queue_messages_ready ON queue_messages (queue, visible_at);
CREATE UNIQUE INDEX IF NOT EXISTS queue_messages_receipt ON queue_messages (receipt);
CREATE TABLE IF NOT EXISTS queue_dead_letters (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  queue         TEXT    NOT NULL,
  id            INTEGER NOT NULL,
  body          TEXT    NOT NULL,
  receive_count INTEGER NOT NULL,
  cause         TEXT    NOT NULL,
  dead_at       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_dead_letters_queue ON queue_dead_letters (queue, seq);
)sql";

int64_t to_ms(std::chrono::milliseconds d) {
  return d.count();
}

}  // namespace

Clock system_clock() {
  return [] { return std::chrono::system_clock::now(); };
}

SqliteQueue::SqliteQueue(std::unique_ptr<sqlite::Database> db, std::string name,
                         SqliteQueueOptions options)
    : db_(std::move(db)),
      name_(std::move(name)),
      options_(std::move(options)),
      random_(std::random_device{}()) {}

std::unique_ptr<SqliteQueue> SqliteQueue::open(const std::string& path, std::string name,
                                               SqliteQueueOptions options) {
  if (options.max_receives < 1) {
    fail(ErrorKind::InvalidInput, "queue '{}': max_receives must be at least 1", name);
  }
  auto db = sqlite::Database::open(path);
  db->exec(kSchema);
  return std::unique_ptr<SqliteQueue>(
      new SqliteQueue(std::move(db), std::move(name), std::move(options)));
}

std::string SqliteQueue::describe() const {
  return fmt::format("sqlite:{}#{}", db_->path(), name_);
}

void SqliteQueue::insert_dead_letter(int64_t id, std::string_view body, int64_t receive_count,
                                     std::string_view cause, int64_t now) {
  db_->prepare(
         "INSERT INTO queue_dead_letters (queue, id, body, receive_count, cause, dead_at) "
         "VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, name_)
      .bind(2, id)
      .bind(3, body)
      .bind(4, receive_count)
      .bind(5, cause)
      .bind(6, now)
      .run();
}

int64_t SqliteQueue::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(options_.clock().time_since_epoch())
      .count();
}

std::string SqliteQueue::send(std::string_view body, std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  if (delay.count() < 0) fail(ErrorKind::InvalidInput, "a message delay cannot be negative");
  int64_t now = now_ms();
  auto insert = db_->prepare(
      "INSERT INTO queue_messages (queue, body, sent_at, visible_at) VALUES (?, ?, ?, ?) "
      "RETURNING id");
  insert.bind(1, name_).bind(2, body).bind(3, now).bind(4, now + to_ms(delay));
  if (!insert.step()) fail(ErrorKind::Internal, "queue '{}': INSERT returned no id", name_);
  return std::to_string(insert.integer(0));
}

std::vector<Message> SqliteQueue::claim(int max, std::chrono::milliseconds visibility) {
  std::lock_guard lock(mutex_);
  int64_t now = now_ms();
  sqlite::Database::Transaction transaction(*db_);
  // SQS's redrive policy: a message received max_receives times is moved to the dead-letter
  // queue instead of being delivered again.
  auto expired = db_->prepare(
      "SELECT id, body, receive_count FROM queue_messages "
      "WHERE queue = ? AND visible_at <= ? AND receive_count >= ?");
  expired.bind(1, name_).bind(2, now).bind(3, options_.max_receives);
  std::vector<std::tuple<int64_t, std::string, int64_t>> dead;
  while (expired.step()) dead.emplace_back(expired.integer(0), expired.text(1), expired.integer(2));
  for (const auto& [id, body, count] : dead) {
    std::string cause = fmt::format("received {} times without being deleted (max_receives {})",
                                    count, options_.max_receives);
    insert_dead_letter(id, body, count, cause, now);
    db_->prepare("DELETE FROM queue_messages WHERE id = ?").bind(1, id).run();
    log::warn("queue {}: message {} dead-lettered: {}", name_, id, cause);
  }

  auto claim = db_->prepare(
      "UPDATE queue_messages SET receive_count = receive_count + 1, visible_at = ?, "
      "  receipt = id || '.' || ? "
      "WHERE id IN (SELECT id FROM queue_messages WHERE queue = ? AND visible_at <= ? "
      "             ORDER BY visible_at, id LIMIT ?) "
      "RETURNING id, body, receipt, receive_count");
  claim.bind(1, now + to_ms(visibility))
      .bind(2, fmt::format("{:016x}", random_()))
      .bind(3, name_)
      .bind(4, now)
      .bind(5, static_cast<int64_t>(max));
  std::vector<Message> messages;
  while (claim.step()) {
    messages.push_back(Message{std::to_string(claim.integer(0)), claim.text(1), claim.text(2),
                               static_cast<int>(claim.integer(3))});
  }
  transaction.commit();
  // RETURNING gives rows in no particular order; deliver oldest first.
  std::sort(messages.begin(), messages.end(),
            [](const Message& a, const Message& b) { return std::stoll(a.id) < std::stoll(b.id); });
  return messages;
}

std::vector<Message> SqliteQueue::receive(int max, std::chrono::milliseconds visibility,
                                          std::chrono::milliseconds wait) {
  if (max < 1 || max > 10) {
    fail(ErrorKind::InvalidInput, "queue '{}': cannot receive {} messages (1 to 10)", name_, max);
  }
  if (visibility.count() < 0) fail(ErrorKind::InvalidInput, "visibility cannot be negative");
  // Long polling: look again every 100 ms until the wait (real time) has passed.
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    auto messages = claim(max, visibility);
    if (!messages.empty() || std::chrono::steady_clock::now() >= deadline) return messages;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(100), deadline - std::chrono::steady_clock::now()));
  }
}

void SqliteQueue::remove(std::string_view receipt) {
  std::lock_guard lock(mutex_);
  db_->prepare("DELETE FROM queue_messages WHERE queue = ? AND receipt = ?")
      .bind(1, name_)
      .bind(2, receipt)
      .run();
}

void SqliteQueue::change_visibility(std::string_view receipt,
                                    std::chrono::milliseconds visibility) {
  std::lock_guard lock(mutex_);
  if (visibility.count() < 0) fail(ErrorKind::InvalidInput, "visibility cannot be negative");
  db_->prepare("UPDATE queue_messages SET visible_at = ? WHERE queue = ? AND receipt = ?")
      .bind(1, now_ms() + to_ms(visibility))
      .bind(2, name_)
      .bind(3, receipt)
      .run();
  if (db_->changes() == 0) {
    fail(ErrorKind::Conflict,
         "queue '{}': receipt '{}' is no longer valid (the message was deleted or received again)",
         name_, receipt);
  }
}

void SqliteQueue::dead_letter(const Message& message, std::string_view cause,
                              std::optional<std::string_view> body) {
  std::lock_guard lock(mutex_);
  int64_t now = now_ms();
  sqlite::Database::Transaction transaction(*db_);
  auto row = db_->prepare(
      "DELETE FROM queue_messages WHERE queue = ? AND receipt = ? "
      "RETURNING id, body, receive_count");
  row.bind(1, name_).bind(2, message.receipt);
  if (!row.step()) {
    // Received again by someone else meanwhile: theirs to finish.
    return;
  }
  int64_t id = row.integer(0);
  std::string kept = body ? std::string(*body) : row.text(1);
  int64_t count = row.integer(2);
  row.run();
  insert_dead_letter(id, kept, count, cause, now);
  transaction.commit();
}

std::vector<DeadLetter> SqliteQueue::dead_letters(size_t limit) {
  std::lock_guard lock(mutex_);
  auto rows = db_->prepare(
      "SELECT id, body, receive_count, cause, dead_at FROM queue_dead_letters "
      "WHERE queue = ? ORDER BY seq DESC LIMIT ?");
  rows.bind(1, name_).bind(2, static_cast<int64_t>(limit));
  std::vector<DeadLetter> out;
  while (rows.step()) {
    out.push_back(DeadLetter{
        std::to_string(rows.integer(0)), rows.text(1), static_cast<int>(rows.integer(2)),
        rows.text(3),
        std::chrono::system_clock::time_point(std::chrono::milliseconds(rows.integer(4)))});
  }
  return out;
}

std::vector<std::string> SqliteQueue::redrive(std::optional<std::string_view> id) {
  std::lock_guard lock(mutex_);
  int64_t now = now_ms();
  // One transaction: the message is back with its own id (its runs in the status store keep
  // their message), and out of the dead letters, or neither.
  sqlite::Database::Transaction transaction(*db_);
  auto rows = db_->prepare(id ? "SELECT seq, id, body FROM queue_dead_letters "
                                "WHERE queue = ? AND id = ? ORDER BY seq"
                              : "SELECT seq, id, body FROM queue_dead_letters "
                                "WHERE queue = ? ORDER BY seq");
  rows.bind(1, name_);
  if (id) {
    int64_t number = 0;
    try {
      size_t used = 0;
      number = std::stoll(std::string(*id), &used);
      if (used != id->size()) throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      fail(ErrorKind::NotFound, "queue '{}' has no dead letter '{}' (its ids are numbers)", name_,
           *id);
    }
    rows.bind(2, number);
  }
  std::vector<std::tuple<int64_t, int64_t, std::string>> moved;
  while (rows.step()) moved.emplace_back(rows.integer(0), rows.integer(1), rows.text(2));
  if (id && moved.empty()) {
    fail(ErrorKind::NotFound, "queue '{}' has no dead letter '{}'", name_, *id);
  }
  for (const auto& [seq, message_id, body] : moved) {
    db_->prepare(
           "INSERT INTO queue_messages (id, queue, body, sent_at, visible_at, receive_count) "
           "VALUES (?, ?, ?, ?, ?, 0)")
        .bind(1, message_id)
        .bind(2, name_)
        .bind(3, body)
        .bind(4, now)
        .bind(5, now)
        .run();
    db_->prepare("DELETE FROM queue_dead_letters WHERE seq = ?").bind(1, seq).run();
  }
  transaction.commit();
  std::vector<std::string> ids;
  for (const auto& [seq, message_id, body] : moved) ids.push_back(std::to_string(message_id));
  return ids;
}

Counts SqliteQueue::counts() {
  std::lock_guard lock(mutex_);
  int64_t now = now_ms();
  auto rows = db_->prepare(
      "SELECT "
      "  COALESCE(SUM(visible_at <= ?), 0), "
      "  COALESCE(SUM(visible_at > ? AND receive_count > 0), 0), "
      "  COALESCE(SUM(visible_at > ? AND receive_count = 0), 0), "
      "  (SELECT COUNT(*) FROM queue_dead_letters WHERE queue = ?) "
      "FROM queue_messages WHERE queue = ?");
  rows.bind(1, now).bind(2, now).bind(3, now).bind(4, name_).bind(5, name_);
  Counts counts;
  if (rows.step()) {
    counts.visible = static_cast<uint64_t>(rows.integer(0));
    counts.in_flight = static_cast<uint64_t>(rows.integer(1));
    counts.delayed = static_cast<uint64_t>(rows.integer(2));
    counts.dead = static_cast<uint64_t>(rows.integer(3));
  }
  return counts;
}

}  // namespace snaplake::queue
