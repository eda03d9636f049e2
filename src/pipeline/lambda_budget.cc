#include "pipeline/lambda_budget.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/error.h"

namespace snaplake::pipeline {

using namespace std::chrono;

namespace {

std::string human_bytes(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30)) return fmt::format("{:.1f} GiB", bytes / double(1 << 30));
  return fmt::format("{:.1f} MiB", bytes / double(1 << 20));
}

std::string human_time(milliseconds t) {
  auto s = duration_cast<seconds>(t).count();
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace

void require_time_for_export(std::string_view instance_id, uint64_t bytes, int mb_per_second,
                             milliseconds remaining) {
  double rate = std::max(1, mb_per_second) * 1e6;
  milliseconds needed{static_cast<int64_t>(bytes / rate * 1000)};
  milliseconds usable = std::max(remaining * 8 / 10, milliseconds(0));
  if (needed <= usable) return;
  fail(ErrorKind::Unsupported,
       "instance {} holds about {} (as its server sizes it); at [export] lambda_mb_per_second = {} "
       "its "
       "export needs about {}, more than this Lambda invocation can give it ({} left): export it "
       "with `snaplake run` workers instead (docs/deploy-aws.md, \"Lambda or workers\")",
       instance_id, human_bytes(bytes), mb_per_second, human_time(needed),
       human_time(std::max(remaining, milliseconds(0))));
}

}  // namespace snaplake::pipeline
