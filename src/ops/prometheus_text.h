// The Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): for each
// family a `# HELP` and a `# TYPE` line, then one line per series, `name{label="value",…} value`;
// a histogram as cumulative `_bucket{le="…"}` series ending with `le="+Inf"`, then `_sum` and
// `_count`. Label values escape `\`, `"` and newline; HELP text escapes `\` and newline.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ops/metrics.h"

namespace snaplake::ops {

// The Content-Type of the exposition.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

std::string prometheus_text(const std::vector<FamilySnapshot>& families);

}  // namespace snaplake::ops
