// AWS Glue Data Catalog (JSON 1.1 protocol, X-Amz-Target AWSGlue.<Operation>): the operations the
// landing's catalog registration needs (landing/catalog.h) — a table's definition read, created
// and updated, its partitions added or updated
// (https://docs.aws.amazon.com/glue/latest/webapi/API_Operations.html).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/aws_client.h"

namespace snaplake::aws {

struct GlueColumn {
  std::string name;
  std::string type;  // Hive type: "bigint", "decimal(10,2)", "array<string>", …
  std::string comment;
  bool operator==(const GlueColumn&) const = default;
};

// TableInput / PartitionInput's StorageDescriptor, as a Parquet table in S3 needs it.
struct GlueStorage {
  std::vector<GlueColumn> columns;
  std::string location;  // "s3://bucket/prefix/"
};

struct GlueTable {
  std::string name;
  GlueStorage storage;
  std::vector<GlueColumn> partition_keys;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::string version_id;  // as GetTable read it ("" for a table not read from Glue)
  std::string parameter(std::string_view key) const;
};

class GlueClient {
 public:
  GlueClient(std::shared_ptr<AwsClient> client, std::string endpoint)
      : client_(std::move(client)), endpoint_(std::move(endpoint)) {}

  // nullopt when the table does not exist (EntityNotFoundException).
  std::optional<GlueTable> get_table(const std::string& database, const std::string& name);
  // false when it exists already (AlreadyExistsException): someone else created it meanwhile.
  bool create_table(const std::string& database, const GlueTable& table);
  // Updates the table if it is still at `version_id` (GetTable's; "" = whatever it is now): false
  // when another writer updated it meanwhile (ConcurrentModificationException), to read again.
  bool update_table(const std::string& database, const GlueTable& table,
                    const std::string& version_id);
  // Adds partitions (values in partition-key order); returns the value lists of those that
  // existed already, which the caller updates instead.
  std::vector<std::vector<std::string>> batch_create_partition(
      const std::string& database, const std::string& table,
      const std::vector<std::pair<std::vector<std::string>, GlueStorage>>& partitions);
  void update_partition(const std::string& database, const std::string& table,
                        const std::vector<std::string>& values, const GlueStorage& storage);

 private:
  std::string call(std::string_view operation, const std::string& body, std::string_view what);

  std::shared_ptr<AwsClient> client_;
  std::string endpoint_;
};

}  // namespace snaplake::aws
