#include "commit/lease.h"

#include <fmt/format.h>

#include <random>

#include "common/log.h"

namespace snaplake::commit {

using namespace std::chrono;

std::string_view to_string(LeaseState state) {
  switch (state) {
    case LeaseState::Live:
      return "live";
    case LeaseState::Expired:
      return "expired";
    case LeaseState::HolderGone:
      return "holder gone";
  }
  return "unknown";
}

milliseconds clock_skew_allowance(milliseconds duration) {
  return std::min<milliseconds>(duration / 4, seconds(5));
}

Lease Lease::begin(std::string_view what, milliseconds duration) {
  Lease lease;
  std::random_device device;
  lease.started = wall_now();
  lease.attempt_id = fmt::format("{}-{}-{:08x}", what, lease.started.time_since_epoch().count(),
                                 static_cast<uint32_t>(device()));
  lease.holder = ProcessIdentity::current();
  lease.duration = duration;
  lease.renew(lease.started);
  return lease;
}

LeaseState Lease::state(WallTime now) const {
  if (holder.same_machine_as(ProcessIdentity::current()) && !holder.is_running()) {
    return LeaseState::HolderGone;
  }
  if (now > expires + clock_skew_allowance(duration)) return LeaseState::Expired;
  return LeaseState::Live;
}

std::string Lease::describe() const {
  return fmt::format("{}, since {}", holder.describe(), iso8601(started));
}

nlohmann::json Lease::to_json() const {
  return {{"attemptId", attempt_id},       {"holder", holder.to_json()},
          {"startedAt", iso8601(started)}, {"renewedAt", iso8601(renewed)},
          {"expiresAt", iso8601(expires)}, {"leaseSeconds", duration.count() / 1000.0}};
}

std::optional<Lease> Lease::from_json(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  try {
    Lease lease;
    lease.attempt_id = j.value("attemptId", "");
    auto holder = ProcessIdentity::from_json(j.value("holder", nlohmann::json::object()));
    auto started = parse_iso8601(j.value("startedAt", ""));
    auto renewed = parse_iso8601(j.value("renewedAt", ""));
    auto expires = parse_iso8601(j.value("expiresAt", ""));
    if (lease.attempt_id.empty() || !holder || !started || !renewed || !expires)
      return std::nullopt;
    lease.holder = *holder;
    lease.started = *started;
    lease.renewed = *renewed;
    lease.expires = *expires;
    lease.duration = milliseconds(static_cast<int64_t>(j.value("leaseSeconds", 0.0) * 1000));
    return lease;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

LeaseClock::LeaseClock(milliseconds duration)
    : margin_(duration - clock_skew_allowance(duration)),
      valid_until_(steady_clock::now() + margin_) {}

void LeaseClock::renewed(steady_clock::time_point sent) {
  std::lock_guard lock(mutex_);
  valid_until_ = std::max(valid_until_, sent + margin_);
}

bool LeaseClock::valid() const {
  std::lock_guard lock(mutex_);
  return steady_clock::now() < valid_until_;
}

Renewer::Renewer(milliseconds period, std::function<void()> renew)
    : period_(period), renew_(std::move(renew)) {
  thread_ = std::thread([this] { run(); });
}

Renewer::~Renewer() {
  stop();
}

void Renewer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Renewer::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period_, [this] { return stopped_; })) {
    lock.unlock();
    try {
      renew_();
    } catch (const std::exception& e) {
      log::warn("cannot renew a lease: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace snaplake::commit
