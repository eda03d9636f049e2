// The shared status store: run state as small JSON objects in an object store, by default under
// `_snaplake/status/` of the export location (the export bucket), so that every worker on every
// host, the Lambda functions and `snaplake status` anywhere see the same runs (docs/run-state.md).
//
// Keys, under the store's root:
//   runs/<export id>.json                 one run (RunRecord); written only with put_if
//   recent-runs/<inverse ms>-<export id>  empty marker of when the run was first seen
//   notes/<inverse ms>-<random>.json      one note (NoteRecord), written once
//   dead-letters/<inverse ms>-<queue>-<message id>.json  one dead letter (DeadLetterRecord),
//                                         written once; removed when it is redriven
//   last-landings/<instance id>.json      the instance's latest landing (its time and export),
//                                         written with put_if, only ever forward in time
// <inverse ms> is 9999999999999 minus the time in milliseconds, 13 digits, so that a listing in
// key order (ObjectStore::list_first, S3's ListObjectsV2 order) starts with the newest: a look at
// the recent N costs one listing of N keys and N reads, however long the history.
// Ids in keys keep [A-Za-z0-9._-] and write any other byte as %XX.
//
// Updates of one run from several workers at once: read the run with its version (S3: ETag),
// apply the update (apply_update), write it back If-Match that version (a new run:
// If-None-Match: *); a lost race reads again and retries, so no update is ever lost
// (docs/commit-protocol.md has the same rule for claims). A new run's marker is written before
// the run itself: a crash between leaves a marker without a run, which a look skips; the loser of
// a race to create the run removes its own marker (unless the winner's is the same key, made in
// the same millisecond).
#pragma once

#include <memory>
#include <string>

#include "pipeline/status_store.h"
#include "store/object_store.h"

namespace snaplake::pipeline {

class ObjectStatusStore final : public StatusStore {
 public:
  // A conditional write lost this many times in a row is Error(Conflict): writers would have to
  // be updating one run hundreds of times a second.
  static constexpr int kMaxUpdateAttempts = 200;

  // Does no I/O.
  static std::unique_ptr<ObjectStatusStore> open(std::unique_ptr<store::ObjectStore> store,
                                                 queue::Clock clock = queue::system_clock());

  void update(const Update& update) override;
  void note(std::string_view queue, std::string_view message_id, std::string_view outcome,
            std::string_view detail) override;
  void dead_letter(const DeadLetterRecord& record) override;
  void forget_dead_letter(std::string_view queue, std::string_view message_id) override;
  std::optional<RunRecord> run(std::string_view export_id) override;
  std::vector<RunRecord> recent_runs(size_t limit = 20) override;
  std::vector<NoteRecord> recent_notes(size_t limit = 20) override;
  std::vector<DeadLetterRecord> recent_dead_letters(size_t limit = 20) override;
  std::map<std::string, int64_t> last_landings() override;
  std::string describe() const override { return store_->describe(); }

 private:
  ObjectStatusStore(std::unique_ptr<store::ObjectStore> store, queue::Clock clock)
      : store_(std::move(store)), clock_(std::move(clock)) {}
  int64_t now_ms() const;
  void record_last_landing(const RunRecord& run);
  std::unique_ptr<store::ObjectStore> store_;
  queue::Clock clock_;
};

}  // namespace snaplake::pipeline
