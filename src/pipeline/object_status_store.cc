#include "pipeline/object_status_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "common/error.h"

namespace snaplake::pipeline {
namespace {

using nlohmann::json;

constexpr int64_t kInverseBase = 9'999'999'999'999;  // 13 digits: times up to the year 2286

std::string inverse_ms(int64_t ms) {
  return fmt::format("{:013}", kInverseBase - std::clamp<int64_t>(ms, 0, kInverseBase));
}

uint64_t random_64() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator();
}

// An id as one key segment: [A-Za-z0-9._-] kept, every other byte %XX (so '/', '%' and bytes
// that are not printable never reach a key). "." and ".." are not ids anyone gives, but encode
// them too so the key is always valid.
std::string key_segment(std::string_view id) {
  if (id.empty() || id == "." || id == "..") {
    std::string out;
    for (unsigned char c : id) out += fmt::format("%{:02X}", c);
    return out.empty() ? "%00" : out;
  }
  std::string out;
  for (unsigned char c : id) {
    if (std::isalnum(c) || c == '.' || c == '_' || c == '-') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string from_key_segment(std::string_view segment) {
  std::string out;
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '%' && i + 2 < segment.size()) {
      out += static_cast<char>(std::stoi(std::string(segment.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += segment[i];
    }
  }
  return out == std::string(1, '\0') ? std::string() : out;
}

std::string run_key(std::string_view export_id) {
  return fmt::format("runs/{}.json", key_segment(export_id));
}

constexpr std::string_view kRecentRuns = "recent-runs/";
constexpr std::string_view kNotes = "notes/";
constexpr std::string_view kDeadLetters = "dead-letters/";
constexpr std::string_view kLastLandings = "last-landings/";

std::string marker_key(int64_t started_ms, std::string_view export_id) {
  return fmt::format("{}{}-{}", kRecentRuns, inverse_ms(started_ms), key_segment(export_id));
}

std::string once_key(std::string_view folder, int64_t ms) {
  return fmt::format("{}{}-{:016x}.json", folder, inverse_ms(ms), random_64());
}

// Queue names ("events", "tasks") have no '-', so the message id is what follows the second one.
std::string dead_letter_key(int64_t ms, std::string_view queue, std::string_view message_id) {
  return fmt::format("{}{}-{}-{}.json", kDeadLetters, inverse_ms(ms), queue,
                     key_segment(message_id));
}

bool is_dead_letter_of(std::string_view key, std::string_view queue, std::string_view message_id) {
  std::string tail = fmt::format("-{}-{}.json", queue, key_segment(message_id));
  return key.size() == kDeadLetters.size() + 13 + tail.size() && key.starts_with(kDeadLetters) &&
         key.ends_with(tail);
}

// Documents: text that is not UTF-8 (a message body, a cause quoting a server) is replaced, not
// fatal, as `status --json` does.
std::string dump(const json& doc) {
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

json parse(const std::string& text, std::string_view what) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    fail(ErrorKind::InvalidInput, "the status object {} is not JSON: {}", what, e.what());
  }
}

json run_document(const RunRecord& r) {
  return {{"exportId", r.export_id},
          {"instanceId", r.instance_id},
          {"snapshotId", r.snapshot_id},
          {"eventId", r.event_id},
          {"eventTime", r.event_time},
          {"stage", to_string(r.stage)},
          {"messageId", r.message_id},
          {"startedMs", r.started_ms},
          {"updatedMs", r.updated_ms},
          {"exportedMs", r.exported_ms},
          {"landedMs", r.landed_ms},
          {"tables", r.tables},
          {"rows", r.rows},
          {"bytes", r.bytes},
          {"exportLocation", r.export_location},
          {"error", r.error},
          {"attempts", r.attempts}};
}

RunRecord run_of(const json& d) {
  RunRecord r;
  r.export_id = d.value("exportId", "");
  r.instance_id = d.value("instanceId", "");
  r.snapshot_id = d.value("snapshotId", "");
  r.event_id = d.value("eventId", "");
  r.event_time = d.value("eventTime", "");
  r.stage = parse_run_stage(d.value("stage", "")).value_or(RunStage::Failed);
  r.message_id = d.value("messageId", "");
  r.started_ms = d.value("startedMs", int64_t{0});
  r.updated_ms = d.value("updatedMs", int64_t{0});
  r.exported_ms = d.value("exportedMs", int64_t{0});
  r.landed_ms = d.value("landedMs", int64_t{0});
  r.tables = d.value("tables", uint64_t{0});
  r.rows = d.value("rows", uint64_t{0});
  r.bytes = d.value("bytes", uint64_t{0});
  r.export_location = d.value("exportLocation", "");
  r.error = d.value("error", "");
  r.attempts = d.value("attempts", 0);
  return r;
}

// A short random pause after a lost race, growing with the losses, so that writers of one run
// do not retry in lockstep.
void back_off(int losses) {
  auto ceiling = std::chrono::microseconds(500) * (1 << std::min(losses, 6));
  std::this_thread::sleep_for(std::chrono::microseconds(random_64() % (ceiling.count() + 1)));
}

}  // namespace

std::unique_ptr<ObjectStatusStore> ObjectStatusStore::open(
    std::unique_ptr<store::ObjectStore> store, queue::Clock clock) {
  if (!store) fail(ErrorKind::Internal, "a status store needs an object store");
  return std::unique_ptr<ObjectStatusStore>(
      new ObjectStatusStore(std::move(store), std::move(clock)));
}

int64_t ObjectStatusStore::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_().time_since_epoch()).count();
}

void ObjectStatusStore::update(const Update& u) {
  const std::string key = run_key(u.export_id);
  // The marker this update wrote for a run it then failed to create: removed once the run that
  // won is read, unless that run has the same marker (created in the same millisecond).
  std::optional<std::pair<std::string, int64_t>> lost_marker;
  for (int losses = 0; losses < kMaxUpdateAttempts; ++losses) {
    if (losses > 0) back_off(losses);
    int64_t now = now_ms();
    auto current = store_->read_versioned(key);
    if (current) {
      RunRecord run = run_of(parse(current->bytes, store_->describe(key)));
      if (lost_marker) {
        if (lost_marker->second != run.started_ms) {
          std::vector<std::string> ours{lost_marker->first};
          store_->remove(ours);
        }
        lost_marker.reset();
      }
      apply_update(run, u, now);
      if (store_->put_if(key, dump(run_document(run)),
                         store::Precondition::matches(current->version))) {
        if (u.stage == RunStage::Landed) record_last_landing(run);
        return;
      }
      continue;
    }
    RunRecord run;
    run.export_id = u.export_id;
    apply_update(run, u, now);
    // The marker first: a run is never without one (a crash here leaves only a marker).
    std::string marker = marker_key(run.started_ms, u.export_id);
    store_->put(marker, "");
    if (store_->put_if(key, dump(run_document(run)), store::Precondition::absent())) {
      if (u.stage == RunStage::Landed) record_last_landing(run);
      return;
    }
    // Someone else created the run first: theirs has its own marker; retry as an update.
    lost_marker.emplace(std::move(marker), run.started_ms);
  }
  fail(ErrorKind::Conflict, "cannot update run {} in {}: {} conditional writes in a row lost",
       u.export_id, store_->describe(key), kMaxUpdateAttempts);
}

// Kept forward only: a read and a conditional write, retried until it wins or finds a later
// landing kept (a run landed on a host whose clock is behind).
void ObjectStatusStore::record_last_landing(const RunRecord& run) {
  if (run.instance_id.empty() || run.landed_ms <= 0) return;
  const std::string key = fmt::format("{}{}.json", kLastLandings, key_segment(run.instance_id));
  const json doc = {
      {"instanceId", run.instance_id}, {"exportId", run.export_id}, {"landedMs", run.landed_ms}};
  for (int losses = 0; losses < kMaxUpdateAttempts; ++losses) {
    if (losses > 0) back_off(losses);
    auto current = store_->read_versioned(key);
    if (current && parse(current->bytes, store_->describe(key)).value("landedMs", int64_t{0}) >=
                       run.landed_ms) {
      return;
    }
    auto condition =
        current ? store::Precondition::matches(current->version) : store::Precondition::absent();
    if (store_->put_if(key, dump(doc), condition)) return;
  }
  fail(ErrorKind::Conflict,
       "cannot record the last landing of {} in {}: {} conditional writes "
       "in a row lost",
       run.instance_id, store_->describe(key), kMaxUpdateAttempts);
}

std::map<std::string, int64_t> ObjectStatusStore::last_landings() {
  std::map<std::string, int64_t> out;
  for (const auto& object : store_->list(kLastLandings)) {
    json d = parse(store_->read(object.key), store_->describe(object.key));
    std::string instance = d.value("instanceId", "");
    if (!instance.empty()) out[instance] = d.value("landedMs", int64_t{0});
  }
  return out;
}

void ObjectStatusStore::note(std::string_view queue, std::string_view message_id,
                             std::string_view outcome, std::string_view detail) {
  int64_t now = now_ms();
  json doc = {{"timeMs", now},
              {"queue", queue},
              {"messageId", message_id},
              {"outcome", outcome},
              {"detail", detail}};
  store_->put(once_key(kNotes, now), dump(doc));
}

void ObjectStatusStore::dead_letter(const DeadLetterRecord& d) {
  int64_t when = d.time_ms != 0 ? d.time_ms : now_ms();
  std::string body = d.body.substr(0, kDeadLetterBodyBytes);
  json doc = {{"timeMs", when},
              {"queue", d.queue},
              {"messageId", d.message_id},
              {"cause", d.cause},
              {"receiveCount", d.receive_count},
              {"body", body}};
  store_->put(dead_letter_key(when, d.queue, d.message_id), dump(doc));
}

void ObjectStatusStore::forget_dead_letter(std::string_view queue, std::string_view message_id) {
  std::vector<std::string> keys;
  for (const auto& object : store_->list(kDeadLetters)) {
    if (is_dead_letter_of(object.key, queue, message_id)) keys.push_back(object.key);
  }
  if (!keys.empty()) store_->remove(keys);
}

std::optional<RunRecord> ObjectStatusStore::run(std::string_view export_id) {
  auto object = store_->read_versioned(run_key(export_id));
  if (!object) return std::nullopt;
  return run_of(parse(object->bytes, store_->describe(run_key(export_id))));
}

std::vector<RunRecord> ObjectStatusStore::recent_runs(size_t limit) {
  std::vector<RunRecord> out;
  std::set<std::string> seen;
  // A few more markers than asked: some may be a lost race's or a crash's, skipped below.
  for (const auto& marker : store_->list_first(kRecentRuns, limit + limit / 2 + 2)) {
    if (out.size() >= limit) break;
    std::string_view name = std::string_view(marker.key).substr(kRecentRuns.size());
    if (name.size() < 15 || name[13] != '-') continue;
    std::string export_id = from_key_segment(name.substr(14));
    if (seen.contains(export_id)) continue;
    auto run = this->run(export_id);
    if (!run) continue;  // a marker whose run was never written (a crash between the two)
    // A lost race's marker its writer did not live to remove: the run's own comes later.
    if (inverse_ms(run->started_ms) != name.substr(0, 13)) continue;
    seen.insert(export_id);
    out.push_back(std::move(*run));
  }
  return out;
}

std::vector<NoteRecord> ObjectStatusStore::recent_notes(size_t limit) {
  std::vector<NoteRecord> out;
  for (const auto& object : store_->list_first(kNotes, limit)) {
    json d = parse(store_->read(object.key), store_->describe(object.key));
    out.push_back({d.value("timeMs", int64_t{0}), d.value("queue", ""), d.value("messageId", ""),
                   d.value("outcome", ""), d.value("detail", "")});
  }
  return out;
}

std::vector<DeadLetterRecord> ObjectStatusStore::recent_dead_letters(size_t limit) {
  std::vector<DeadLetterRecord> out;
  std::set<std::pair<std::string, std::string>> seen;
  // Twice as many as asked: a message given up twice has two records, the newer one counts.
  for (const auto& object : store_->list_first(kDeadLetters, 2 * limit)) {
    if (out.size() >= limit) break;
    json d = parse(store_->read(object.key), store_->describe(object.key));
    DeadLetterRecord r{d.value("timeMs", int64_t{0}), d.value("queue", ""),
                       d.value("messageId", ""),      d.value("cause", ""),
                       d.value("receiveCount", 0),    d.value("body", "")};
    if (!seen.emplace(r.queue, r.message_id).second) continue;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace snaplake::pipeline
