#include "ops/emf.h"

#include <nlohmann/json.hpp>

namespace snaplake::ops {

std::string emf_line(const MetricFamily& family, const Labels& labels, double value,
                     int64_t timestamp_ms, std::string_view name_space) {
  nlohmann::ordered_json dimensions = nlohmann::ordered_json::array();
  for (const auto& [name, v] : labels) dimensions.push_back(name);
  nlohmann::ordered_json doc;
  doc["_aws"] = {
      {"Timestamp", timestamp_ms},
      {"CloudWatchMetrics",
       {{{"Namespace", name_space},
         // One dimension set, of every label; none: the metric without dimensions ([[]]).
         {"Dimensions", nlohmann::ordered_json::array({dimensions})},
         {"Metrics", {{{"Name", family.name}, {"Unit", family.unit}}}}}}}};
  for (const auto& [name, v] : labels) doc[name] = v;
  doc[std::string(family.name)] = value;
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace snaplake::ops
