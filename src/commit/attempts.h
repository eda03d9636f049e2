// Records of the landing attempts under way in a landing root, so that cleanup never touches a
// live attempt's files. Each attempt writes `_snaplake/attempts/<attempt id>.json` before it
// stages anything: its lease (lease.h) and the partition folders it writes into. It renews the
// record while it works and removes it when it ends. A record whose lease is gone belongs to a
// dead attempt; whoever reads it removes it.
//
// Why the order of reads makes cleanup safe (docs/commit-protocol.md, "Sweeping"): a sweeper
// lists a partition folder first and reads the records after. Anything it listed was written by
// an attempt that had registered before writing it, so that attempt is either still registered
// when the records are read (and its folder is left alone) or it has ended, having committed or
// removed what it wrote.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "commit/lease.h"
#include "store/object_store.h"

namespace snaplake::commit {

// The folder of the records, in the landing root.
inline constexpr std::string_view kAttemptsPrefix = "_snaplake/attempts/";

class LiveAttempt {
 public:
  // Writes the record and starts renewing it (every third of the lease).
  static std::unique_ptr<LiveAttempt> begin(store::ObjectStore& store, std::string_view what,
                                            std::vector<std::string> partitions,
                                            std::chrono::milliseconds lease);
  // Stops renewing and removes the record (best effort: a record left behind expires).
  ~LiveAttempt();
  LiveAttempt(const LiveAttempt&) = delete;
  LiveAttempt& operator=(const LiveAttempt&) = delete;

  const Lease& lease() const { return lease_; }
  // Throws ClaimLost (claim.h) when the lease ran out locally: the attempt must not publish or
  // commit anything more, since a sweeper may already treat its files as dead.
  void check() const;

 private:
  LiveAttempt(store::ObjectStore& store, Lease lease, std::vector<std::string> partitions);
  std::string record() const;
  void renew();

  store::ObjectStore& store_;
  Lease lease_;
  std::vector<std::string> partitions_;
  std::string key_;
  std::string version_;  // of the record, as last written (renewals are conditional)
  std::atomic<bool> lost_{false};
  LeaseClock clock_;
  std::unique_ptr<Renewer> renewer_;
};

// The partition folders that live attempts other than `self` (an attempt id, "" for none) are
// writing into. Records of dead attempts, and unfinished uploads of records that are not live,
// are removed on the way. Call it after listing what you may remove, never before.
std::set<std::string> partitions_of_live_attempts(store::ObjectStore& store, std::string_view self);

}  // namespace snaplake::commit
