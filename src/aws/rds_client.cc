#include "aws/rds_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <pugixml.hpp>

#include "aws/session.h"
#include "common/error.h"

namespace snaplake::aws {
namespace {

pugi::xml_document parse_xml(std::string_view xml, std::string_view what) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed)
    fail(ErrorKind::Network, "cannot {}: malformed XML answer: {}", what, parsed.description());
  return doc;
}

// <ActionResponse><ActionResult>…; the Result element, or the root where it is missing.
pugi::xml_node result_of(const pugi::xml_document& doc, std::string_view action) {
  pugi::xml_node root = doc.document_element();
  std::string result_name = std::string(action) + "Result";
  pugi::xml_node result = root.child(result_name.c_str());
  return result ? result : root;
}

std::string text(const pugi::xml_node& node, const char* name) {
  return node.child(name).text().as_string();
}

int as_int(const std::string& s) {
  int value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

std::string upper(std::string s) {
  std::ranges::transform(s, s.begin(),
                         [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// Where RDS puts a snapshot's fields: <DBSnapshot> for an instance's, <DBClusterSnapshot> for an
// Aurora cluster's (the same fields under cluster names).
struct SnapshotTags {
  const char* action;      // the Describe* action, for its <…Result>
  const char* list;        // the list element
  const char* element;     // one snapshot
  const char* identifier;  // the snapshot's id
  const char* owner;       // its instance or cluster
  const char* arn;
};
constexpr SnapshotTags kInstanceSnapshot{"DescribeDBSnapshots",  "DBSnapshots",
                                         "DBSnapshot",           "DBSnapshotIdentifier",
                                         "DBInstanceIdentifier", "DBSnapshotArn"};
constexpr SnapshotTags kClusterSnapshot{"DescribeDBClusterSnapshots", "DBClusterSnapshots",
                                        "DBClusterSnapshot",          "DBClusterSnapshotIdentifier",
                                        "DBClusterIdentifier",        "DBClusterSnapshotArn"};

std::vector<DbSnapshot> parse_snapshots(std::string_view xml, std::string* marker,
                                        const SnapshotTags& tags, const char* what) {
  pugi::xml_document doc = parse_xml(xml, what);
  pugi::xml_node result = result_of(doc, tags.action);
  if (marker) *marker = text(result, "Marker");
  std::vector<DbSnapshot> out;
  for (pugi::xml_node node : result.child(tags.list).children(tags.element)) {
    DbSnapshot s;
    s.identifier = text(node, tags.identifier);
    s.instance_id = text(node, tags.owner);
    s.arn = text(node, tags.arn);
    s.status = text(node, "Status");
    s.create_time = text(node, "SnapshotCreateTime");
    s.snapshot_type = text(node, "SnapshotType");
    s.percent_progress = as_int(text(node, "PercentProgress"));
    out.push_back(std::move(s));
  }
  return out;
}

ExportTask task_of(const pugi::xml_node& node) {
  ExportTask t;
  t.identifier = text(node, "ExportTaskIdentifier");
  t.source_arn = text(node, "SourceArn");
  // Upper case, as RDS documents it; some emulators answer "complete".
  t.status = upper(text(node, "Status"));
  t.s3_bucket = text(node, "S3Bucket");
  t.s3_prefix = text(node, "S3Prefix");
  t.iam_role_arn = text(node, "IamRoleArn");
  t.kms_key_id = text(node, "KmsKeyId");
  t.snapshot_time = text(node, "SnapshotTime");
  t.failure_cause = text(node, "FailureCause");
  t.warning_message = text(node, "WarningMessage");
  t.percent_progress = as_int(text(node, "PercentProgress"));
  return t;
}

}  // namespace

std::vector<DbSnapshot> parse_describe_db_snapshots(std::string_view xml, std::string* marker) {
  return parse_snapshots(xml, marker, kInstanceSnapshot, "describe DB snapshots");
}

std::vector<DbSnapshot> parse_describe_db_cluster_snapshots(std::string_view xml,
                                                            std::string* marker) {
  return parse_snapshots(xml, marker, kClusterSnapshot, "describe DB cluster snapshots");
}

std::vector<ExportTask> parse_describe_export_tasks(std::string_view xml, std::string* marker) {
  pugi::xml_document doc = parse_xml(xml, "describe export tasks");
  pugi::xml_node result = result_of(doc, "DescribeExportTasks");
  if (marker) *marker = text(result, "Marker");
  std::vector<ExportTask> out;
  for (pugi::xml_node node : result.child("ExportTasks").children("ExportTask")) {
    out.push_back(task_of(node));
  }
  return out;
}

ExportTask parse_start_export_task(std::string_view xml) {
  pugi::xml_document doc = parse_xml(xml, "start export task");
  return task_of(result_of(doc, "StartExportTask"));
}

QueryParams start_export_task_params(const StartExportTaskRequest& request) {
  QueryParams params{{"ExportTaskIdentifier", request.identifier},
                     {"SourceArn", request.source_arn},
                     {"S3BucketName", request.s3_bucket},
                     {"IamRoleArn", request.iam_role_arn},
                     {"KmsKeyId", request.kms_key_id}};
  if (!request.s3_prefix.empty()) params.emplace_back("S3Prefix", request.s3_prefix);
  for (size_t i = 0; i < request.export_only.size(); ++i) {
    params.emplace_back(fmt::format("ExportOnly.member.{}", i + 1), request.export_only[i]);
  }
  return params;
}

RdsClient RdsClient::from_session(const AwsSession& session) {
  return RdsClient(session.client, session.endpoint("RDS", "rds"));
}

std::string RdsClient::call(std::string_view action, const QueryParams& params,
                            std::string_view what) const {
  return client_->query_call("rds", endpoint_, action, kApiVersion, params, what);
}

DbSnapshot RdsClient::describe_snapshot(std::string_view snapshot_id) const {
  std::string what = fmt::format("describe RDS snapshot '{}'", snapshot_id);
  auto snapshots = parse_describe_db_snapshots(
      call("DescribeDBSnapshots", {{"DBSnapshotIdentifier", std::string(snapshot_id)}}, what),
      nullptr);
  for (auto& s : snapshots) {
    if (s.identifier == snapshot_id) return std::move(s);
  }
  throw AwsError(
      ErrorKind::NotFound,
      fmt::format("cannot {}: DBSnapshotNotFound: the answer names no such snapshot", what), 404,
      "DBSnapshotNotFound");
}

namespace {

// Every page of a Describe* call that pages with Marker: fetch(marker) returns one page's
// snapshots and sets the next marker ("" at the end).
template <typename Fetch>
std::vector<DbSnapshot> all_pages(Fetch fetch, const std::string& what) {
  std::vector<DbSnapshot> out;
  std::string marker;
  do {
    std::string next;
    auto page = fetch(marker, next);
    if (!next.empty() && next == marker) {
      fail(ErrorKind::Internal, "cannot {}: the same Marker came back twice", what);
    }
    out.insert(out.end(), std::make_move_iterator(page.begin()),
               std::make_move_iterator(page.end()));
    marker = std::move(next);
  } while (!marker.empty());
  return out;
}

}  // namespace

std::vector<DbSnapshot> RdsClient::describe_instance_snapshots(std::string_view instance_id) const {
  std::string what = fmt::format("describe the snapshots of RDS instance '{}'", instance_id);
  return all_pages(
      [&](const std::string& marker, std::string& next) {
        QueryParams params{{"DBInstanceIdentifier", std::string(instance_id)},
                           {"MaxRecords", "100"}};
        if (!marker.empty()) params.emplace_back("Marker", marker);
        return parse_describe_db_snapshots(call("DescribeDBSnapshots", params, what), &next);
      },
      what);
}

std::vector<DbSnapshot> RdsClient::describe_cluster_snapshots(std::string_view cluster_id) const {
  std::string what = fmt::format("describe the snapshots of RDS cluster '{}'", cluster_id);
  return all_pages(
      [&](const std::string& marker, std::string& next) {
        QueryParams params{{"DBClusterIdentifier", std::string(cluster_id)}, {"MaxRecords", "100"}};
        if (!marker.empty()) params.emplace_back("Marker", marker);
        return parse_describe_db_cluster_snapshots(call("DescribeDBClusterSnapshots", params, what),
                                                   &next);
      },
      what);
}

DbSnapshot RdsClient::describe_cluster_snapshot(std::string_view snapshot_id) const {
  std::string what = fmt::format("describe RDS cluster snapshot '{}'", snapshot_id);
  auto snapshots = parse_describe_db_cluster_snapshots(
      call("DescribeDBClusterSnapshots",
           {{"DBClusterSnapshotIdentifier", std::string(snapshot_id)}}, what),
      nullptr);
  for (auto& s : snapshots) {
    if (s.identifier == snapshot_id) return std::move(s);
  }
  throw AwsError(ErrorKind::NotFound,
                 fmt::format("cannot {}: DBClusterSnapshotNotFoundFault: the answer names no such "
                             "cluster snapshot",
                             what),
                 404, "DBClusterSnapshotNotFoundFault");
}

ExportTask RdsClient::start_export_task(const StartExportTaskRequest& request) const {
  return parse_start_export_task(
      call("StartExportTask", start_export_task_params(request),
           fmt::format("start RDS export task '{}'", request.identifier)));
}

std::optional<ExportTask> RdsClient::describe_export_task(std::string_view identifier) const {
  std::string what = fmt::format("describe RDS export task '{}'", identifier);
  try {
    auto tasks = parse_describe_export_tasks(
        call("DescribeExportTasks", {{"ExportTaskIdentifier", std::string(identifier)}}, what),
        nullptr);
    for (auto& t : tasks) {
      if (t.identifier == identifier) return std::move(t);
    }
    return std::nullopt;
  } catch (const AwsError& e) {
    if (e.code() == "ExportTaskNotFound" || e.code() == "ExportTaskNotFoundFault") {
      return std::nullopt;
    }
    throw;
  }
}

std::vector<ExportTask> RdsClient::describe_export_tasks_with_status(
    const std::vector<std::string>& statuses) const {
  std::string what = "describe RDS export tasks by status";
  std::vector<std::string> wanted;
  for (const auto& s : statuses) wanted.push_back(upper(s));
  std::vector<ExportTask> out;
  std::string marker;
  do {
    QueryParams params{{"Filters.Filter.1.Name", "status"}, {"MaxRecords", "100"}};
    for (size_t i = 0; i < statuses.size(); ++i) {
      params.emplace_back(fmt::format("Filters.Filter.1.Values.Value.{}", i + 1), statuses[i]);
    }
    if (!marker.empty()) params.emplace_back("Marker", marker);
    std::string next;
    auto page = parse_describe_export_tasks(call("DescribeExportTasks", params, what), &next);
    if (!next.empty() && next == marker) {
      fail(ErrorKind::Internal, "cannot {}: the same Marker came back twice", what);
    }
    for (auto& t : page) {
      if (std::ranges::find(wanted, upper(t.status)) != wanted.end()) out.push_back(std::move(t));
    }
    marker = std::move(next);
  } while (!marker.empty());
  return out;
}

}  // namespace snaplake::aws
