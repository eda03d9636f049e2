// A lease: the time-limited right of one attempt (an export, a landing) to write what it claimed.
// The holder renews it while it works; when it stops renewing (it crashed, was killed, lost its
// host) the lease expires and another attempt may take over. The rules, which
// docs/commit-protocol.md explains:
// - Another process judges a lease with state(): HolderGone at once when the holder ran on this
//   machine and its process is gone; Expired once the wall clock is past expiresAt plus the
//   allowance for clock skew between hosts; Live otherwise.
// - The holder judges its own lease with LeaseClock, on the monotonic clock: it is valid until the
//   start of the last successful renewal plus the duration minus that same allowance, so the
//   holder stops before any other host can think the lease has expired.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "commit/process_identity.h"
#include "common/timestamp.h"

namespace snaplake::commit {

enum class LeaseState { Live, Expired, HolderGone };
std::string_view to_string(LeaseState state);

// How far apart two hosts' clocks may be: a quarter of the lease, at most 5 s.
std::chrono::milliseconds clock_skew_allowance(std::chrono::milliseconds duration);

struct Lease {
  std::string attempt_id;  // unique per attempt: "<what>-<utc time>-<random>"
  ProcessIdentity holder;
  WallTime started{};
  WallTime renewed{};
  WallTime expires{};
  std::chrono::milliseconds duration{};

  // A new lease of this process, starting now.
  static Lease begin(std::string_view what, std::chrono::milliseconds duration);
  void renew(WallTime now) {
    renewed = now;
    expires = now + duration;
  }

  LeaseState state(WallTime now) const;
  // "pid 4242 on host worker-1, since 2026-12-01T19:44:37.123Z"
  std::string describe() const;

  nlohmann::json to_json() const;
  static std::optional<Lease> from_json(const nlohmann::json& j);
};

// The holder's own view of its lease, on the monotonic clock.
class LeaseClock {
 public:
  explicit LeaseClock(std::chrono::milliseconds duration);
  // Call with the time a renewal request was sent, once it succeeded.
  void renewed(std::chrono::steady_clock::time_point sent);
  bool valid() const;

 private:
  std::chrono::milliseconds margin_;  // duration minus the skew allowance
  mutable std::mutex mutex_;
  std::chrono::steady_clock::time_point valid_until_;
};

// Calls `renew` every `period` on a thread of its own until destroyed or stop()ped. A renewal that
// throws is logged and tried again at the next period; LeaseClock decides when that is too late.
class Renewer {
 public:
  Renewer(std::chrono::milliseconds period, std::function<void()> renew);
  ~Renewer();
  Renewer(const Renewer&) = delete;
  Renewer& operator=(const Renewer&) = delete;
  void stop();

 private:
  void run();
  std::chrono::milliseconds period_;
  std::function<void()> renew_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace snaplake::commit
