#include "commit/claim.h"

#include "common/log.h"

namespace snaplake::commit {

using namespace std::chrono;

namespace {
// Rounds of read-judge-write when others keep winning the race; each lost round means another
// attempt claimed or finished in between, so a few are plenty.
constexpr int kMaxRounds = 8;
}  // namespace

Claim::Claim(store::ObjectStore& store, std::string key, Lease lease, ClaimOptions options)
    : store_(store),
      key_(std::move(key)),
      options_(std::move(options)),
      lease_(std::move(lease)),
      clock_(options_.lease) {}

std::unique_ptr<Claim> Claim::acquire(store::ObjectStore& store, std::string key,
                                      const Render& render, const Judge& judge,
                                      ClaimOptions options) {
  for (int round = 0; round < kMaxRounds; ++round) {
    auto current = store.read_versioned(key);
    Judgement judgement = judge(current);
    if (judgement.verdict == Verdict::Busy) throw ClaimBusy(judgement.reason);
    if (judgement.verdict == Verdict::Keep) return nullptr;
    Lease lease = Lease::begin(options.what, options.lease);
    auto sent = steady_clock::now();
    std::string bytes = render(lease);
    auto version = store.put_if(
        key, bytes,
        current ? store::Precondition::matches(current->version) : store::Precondition::absent(),
        options.write_options);
    if (!version) continue;  // someone else wrote first: look again
    std::unique_ptr<Claim> claim(new Claim(store, std::move(key), std::move(lease), options));
    claim->clock_.renewed(sent);
    claim->render_ = render;
    claim->version_ = *version;
    claim->took_over_ = judgement.reason;
    Claim* self = claim.get();
    claim->renewer_ = std::make_unique<Renewer>(options.lease / 3, [self] { self->renew(); });
    return claim;
  }
  throw ClaimBusy(fmt::format("'{}' changed {} times while it was being claimed: try again later",
                              store.describe(key), kMaxRounds));
}

Claim::~Claim() {
  release();
}

void Claim::release() {
  if (renewer_) renewer_->stop();
}

std::string Claim::lost_message(std::string_view why) const {
  return fmt::format("attempt {} lost its claim on '{}': {}", lease_.attempt_id,
                     store_.describe(key_), why);
}

void Claim::write_locked(const Render& render) {
  if (lost_) throw ClaimLost(lost_message(lost_reason_));
  auto sent = steady_clock::now();
  lease_.renew(wall_now());
  auto version = store_.put_if(key_, render(lease_), store::Precondition::matches(version_),
                               options_.write_options);
  if (!version) {
    lost_reason_ = "another attempt wrote it (it judged this one's lease expired)";
    lost_ = true;
    log::error("{}", lost_message(lost_reason_));
    throw ClaimLost(lost_message(lost_reason_));
  }
  version_ = *version;
  clock_.renewed(sent);
}

void Claim::write(Render render) {
  std::lock_guard lock(mutex_);
  check();
  write_locked(render);
  render_ = std::move(render);
}

void Claim::renew() {
  std::lock_guard lock(mutex_);
  if (lost_) return;
  try {
    write_locked(render_);
  } catch (const ClaimLost&) {
    // Recorded in lost_: the next check() or write() throws it.
  }
}

bool Claim::held() const {
  return !lost_ && clock_.valid();
}

void Claim::check() const {
  // lost_reason_ is written once, before lost_ is set: reading it after lost_ is safe.
  if (lost_) throw ClaimLost(lost_message(lost_reason_));
  if (!clock_.valid()) {
    throw ClaimLost(lost_message(fmt::format(
        "its lease of {} s ran out before it could be renewed (is the store reachable?)",
        duration_cast<seconds>(options_.lease).count())));
  }
}

}  // namespace snaplake::commit
