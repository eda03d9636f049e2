// An exclusive claim on one object, the one that decides who may write a whole unit of work (an
// export's export_info_<id>.json). Claiming is a conditional write: If-None-Match: * when there
// is no object, If-Match: <version> on the object the claimer read and judged free. The claim
// carries a lease (lease.h) inside the object itself, renewed by a conditional write on the last
// version written, so a second writer can only ever take over an attempt whose lease is gone,
// and a holder that was taken over learns it at its next write or renewal.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "commit/lease.h"
#include "common/error.h"
#include "store/object_store.h"

namespace snaplake::commit {

// The object is being written by a live attempt: try again later (exit 75; the pipeline waits).
class ClaimBusy : public Error {
 public:
  explicit ClaimBusy(std::string message) : Error(ErrorKind::Conflict, std::move(message)) {}
};

// This attempt no longer holds its claim (taken over after its lease ran out, or its lease ran out
// locally): it must stop writing at once.
class ClaimLost : public Error {
 public:
  explicit ClaimLost(std::string message) : Error(ErrorKind::Conflict, std::move(message)) {}
};

// What the claimer makes of the object it found.
enum class Verdict {
  Take,  // free (absent, failed, abandoned, or to be replaced): claim it
  Busy,  // held by a live attempt: throw ClaimBusy with the reason
  Keep,  // done and to be left as it is (e.g. a COMPLETE export the pipeline must not redo)
};
struct Judgement {
  Verdict verdict = Verdict::Take;
  std::string reason;  // for Busy: the message; for Take: what is being taken over ("" = nothing)
};
using Judge = std::function<Judgement(const std::optional<store::VersionedObject>& current)>;
// The claim object's bytes, with this lease in them.
using Render = std::function<std::string(const Lease&)>;

struct ClaimOptions {
  std::chrono::milliseconds lease = std::chrono::seconds(60);
  std::string what = "attempt";  // the attempt id's stem
  store::WriteOptions write_options;
};

class Claim {
 public:
  // Reads the object, asks `judge`, and claims it with `render`'s bytes when the verdict is Take;
  // a lost race (someone else wrote in between) reads and judges again. nullptr for Keep; throws
  // ClaimBusy for Busy. Renewal starts at once (every third of the lease).
  static std::unique_ptr<Claim> acquire(store::ObjectStore& store, std::string key,
                                        const Render& render, const Judge& judge,
                                        ClaimOptions options);
  ~Claim();
  Claim(const Claim&) = delete;
  Claim& operator=(const Claim&) = delete;

  // Writes new content while the claim holds (renewals re-render with `render` from now on).
  // Throws ClaimLost when it does not.
  void write(Render render);
  // Throws ClaimLost when the claim was lost or the lease ran out locally (no request: call it
  // before every commit that must not happen after a takeover).
  void check() const;
  bool held() const;
  // Stops renewing (the object keeps its last content).
  void release();

  const Lease& lease() const { return lease_; }
  const std::string& key() const { return key_; }
  // What acquire()'s judgement said it took over ("" when the object was absent or plain free).
  const std::string& took_over() const { return took_over_; }

 private:
  Claim(store::ObjectStore& store, std::string key, Lease lease, ClaimOptions options);
  void write_locked(const Render& render);  // mutex_ held
  void renew();
  std::string lost_message(std::string_view why) const;

  store::ObjectStore& store_;
  std::string key_;
  ClaimOptions options_;
  mutable std::mutex mutex_;
  Lease lease_;
  Render render_;
  std::string version_;
  std::string took_over_;
  LeaseClock clock_;
  std::atomic<bool> lost_{false};
  std::string lost_reason_;  // mutex_
  std::unique_ptr<Renewer> renewer_;
};

}  // namespace snaplake::commit
