#include "commit/attempts.h"

#include "commit/claim.h"
#include "common/log.h"

namespace snaplake::commit {

using namespace std::chrono;

LiveAttempt::LiveAttempt(store::ObjectStore& store, Lease lease,
                         std::vector<std::string> partitions)
    : store_(store),
      lease_(std::move(lease)),
      partitions_(std::move(partitions)),
      key_(std::string(kAttemptsPrefix) + lease_.attempt_id + ".json"),
      clock_(lease_.duration) {}

std::unique_ptr<LiveAttempt> LiveAttempt::begin(store::ObjectStore& store, std::string_view what,
                                                std::vector<std::string> partitions,
                                                milliseconds lease) {
  std::unique_ptr<LiveAttempt> attempt(
      new LiveAttempt(store, Lease::begin(what, lease), std::move(partitions)));
  auto sent = steady_clock::now();
  // Written (and renewed) by conditional writes: atomic, never cut short by a sweeper removing a
  // dead attempt's unfinished uploads, and a renewal finds out if a sweeper removed the record.
  auto version = store.put_if(attempt->key_, attempt->record(), store::Precondition::absent(),
                              {.content_type = "application/json"});
  if (!version) {
    fail(ErrorKind::Internal, "attempt record '{}' exists already", store.describe(attempt->key_));
  }
  attempt->version_ = *version;
  attempt->clock_.renewed(sent);
  LiveAttempt* self = attempt.get();
  attempt->renewer_ = std::make_unique<Renewer>(lease / 3, [self] { self->renew(); });
  return attempt;
}

LiveAttempt::~LiveAttempt() {
  renewer_.reset();
  try {
    store_.remove(std::vector<std::string>{key_});
  } catch (const std::exception& e) {
    log::warn("cannot remove the record of attempt {} (it will expire): {}", lease_.attempt_id,
              e.what());
  }
}

std::string LiveAttempt::record() const {
  return nlohmann::json{{"lease", lease_.to_json()}, {"partitions", partitions_}}.dump(2) + "\n";
}

void LiveAttempt::renew() {
  if (lost_) return;
  auto sent = steady_clock::now();
  lease_.renew(wall_now());
  auto version = store_.put_if(key_, record(), store::Precondition::matches(version_),
                               {.content_type = "application/json"});
  if (!version) {
    // A sweeper judged this attempt dead (its lease had run out) and removed the record.
    lost_ = true;
    log::error(
        "landing attempt {}: its record was removed by another landing that judged it "
        "dead",
        lease_.attempt_id);
    return;
  }
  version_ = *version;
  clock_.renewed(sent);
}

void LiveAttempt::check() const {
  if (lost_) {
    throw ClaimLost(
        fmt::format("landing attempt {}: another landing judged it dead and removed its record",
                    lease_.attempt_id));
  }
  if (!clock_.valid()) {
    throw ClaimLost(fmt::format(
        "landing attempt {}: its lease of {} s ran out before it could be renewed (is the store "
        "reachable?)",
        lease_.attempt_id, duration_cast<seconds>(lease_.duration).count()));
  }
}

std::set<std::string> partitions_of_live_attempts(store::ObjectStore& store,
                                                  std::string_view self) {
  std::set<std::string> live;
  std::vector<std::string> dead;
  WallTime now = wall_now();
  for (const auto& object : store.list(std::string(kAttemptsPrefix))) {
    std::optional<Lease> lease;
    std::vector<std::string> partitions;
    try {
      auto j = nlohmann::json::parse(store.read(object.key));
      lease = Lease::from_json(j.value("lease", nlohmann::json::object()));
      partitions = j.value("partitions", std::vector<std::string>{});
    } catch (const nlohmann::json::exception&) {
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::NotFound) throw;
      continue;  // ended while we listed
    }
    if (!lease) {
      // Unreadable (records are written whole, so not by snaplake): left alone, and since it
      // might name any partition, no partition is swept while it is there.
      log::warn("unreadable attempt record '{}': left alone", store.describe(object.key));
      live.insert("");  // "" prefixes every partition
      continue;
    }
    if (lease->attempt_id == self) continue;
    if (LeaseState state = lease->state(now); state != LeaseState::Live) {
      log::info("removing the record of dead landing attempt {} ({}: {})", lease->attempt_id,
                to_string(state), lease->describe());
      dead.push_back(object.key);
      continue;
    }
    live.insert(partitions.begin(), partitions.end());
  }
  if (!dead.empty()) store.remove(dead);
  // A record's unfinished upload (a killed attempt's first write or renewal) goes too. Records
  // are written by conditional writes, which remove_incomplete() never cuts short.
  store.remove_incomplete(std::string(kAttemptsPrefix));
  return live;
}

}  // namespace snaplake::commit
