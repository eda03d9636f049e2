// Amazon S3 (REST-XML) on top of AwsClient: the operations snaplake's S3 object store needs.
// Addressing: virtual-hosted (https://bucket.s3.region.amazonaws.com/key) on AWS; path-style
// (endpoint/bucket/key) for a custom endpoint (AWS_ENDPOINT_URL_S3, an emulator, an
// S3-compatible store) or a bucket name with dots.
// Every error names the object as s3://bucket/key (see AwsClient for the rest of the line).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_client.h"
#include "aws/config.h"

namespace snaplake::aws {

struct S3WriteOptions {
  std::string kms_key_id;    // SSE-KMS key id, ARN or alias ("alias/x"); "" = bucket default
  std::string acl;           // canned ACL ("bucket-owner-full-control"); "" = none
  std::string content_type;  // "" = application/octet-stream
};

struct S3Object {
  std::string key;
  uint64_t size = 0;
  std::string etag;
};

struct S3Part {
  int number = 0;  // 1..10000
  std::string etag;
};

class S3Client {
 public:
  // S3 limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
  static constexpr uint64_t kMinPartSize = 5ull << 20;
  static constexpr uint64_t kMaxPartSize = 5ull << 30;
  static constexpr int kMaxParts = 10000;
  static constexpr uint64_t kMaxSingleCopy = 5ull << 30;  // CopyObject up to 5 GiB
  static constexpr size_t kMaxDeleteBatch = 1000;

  S3Client(std::shared_ptr<AwsClient> client, std::string endpoint, bool path_style)
      : client_(std::move(client)), endpoint_(std::move(endpoint)), path_style_(path_style) {}

  // From AWS_* settings: the endpoint for "S3", path-style when it is a custom endpoint.
  static std::shared_ptr<S3Client> from_config(const AwsConfig& config,
                                               std::shared_ptr<AwsClient> client);

  void create_bucket(std::string_view bucket);  // tests and tools; us-east-1 or the region

  void put_object(std::string_view bucket, std::string_view key, std::string_view body,
                  const S3WriteOptions& options = {});
  // Reads [offset, offset+length) or to the end; throws Error(NotFound) for a missing key.
  std::string get_object(std::string_view bucket, std::string_view key, uint64_t offset = 0,
                         std::optional<uint64_t> length = std::nullopt);
  std::optional<S3Object> head_object(std::string_view bucket, std::string_view key);

  // Conditional writes
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
  struct VersionedBody {
    std::string body;
    std::string etag;
  };
  // The whole object with its ETag; nullopt when there is none.
  std::optional<VersionedBody> get_object_versioned(std::string_view bucket, std::string_view key);
  // PutObject with If-None-Match: * (if_match empty) or If-Match: <if_match>. Returns the new
  // ETag, or nullopt when the condition failed: 412 PreconditionFailed, 409
  // ConditionalRequestConflict (a concurrent conditional write of the key), or 404 for If-Match
  // on a key that is gone.
  std::optional<std::string> put_object_if(std::string_view bucket, std::string_view key,
                                           std::string_view body, std::string_view if_match,
                                           const S3WriteOptions& options = {});
  // Every object under the prefix, all pages (ListObjectsV2, 1000 per page), in key order; with
  // max_keys > 0, only the first max_keys of them (pages stop there).
  std::vector<S3Object> list_objects(std::string_view bucket, std::string_view prefix,
                                     size_t max_keys = 0);
  // DeleteObjects in batches of 1000; missing keys are not an error.
  void delete_objects(std::string_view bucket, const std::vector<std::string>& keys);
  // Server-side copy: CopyObject up to 5 GiB, a multipart UploadPartCopy above.
  void copy_object(std::string_view source_bucket, std::string_view source_key,
                   std::string_view bucket, std::string_view key,
                   const S3WriteOptions& options = {});

  std::string create_multipart_upload(std::string_view bucket, std::string_view key,
                                      const S3WriteOptions& options = {});
  std::string upload_part(std::string_view bucket, std::string_view key, std::string_view upload_id,
                          int part_number, std::string_view body);
  std::string upload_part_copy(std::string_view bucket, std::string_view key,
                               std::string_view upload_id, int part_number,
                               std::string_view source_bucket, std::string_view source_key,
                               uint64_t first_byte, uint64_t last_byte);
  void complete_multipart_upload(std::string_view bucket, std::string_view key,
                                 std::string_view upload_id, const std::vector<S3Part>& parts);
  void abort_multipart_upload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id);
  // The unfinished multipart uploads under a prefix, all pages (ListMultipartUploads): what a
  // process killed mid-upload leaves behind, stored and billed until aborted.
  struct PendingUpload {
    std::string key;
    std::string upload_id;
    bool operator==(const PendingUpload&) const = default;
  };
  std::vector<PendingUpload> list_multipart_uploads(std::string_view bucket,
                                                    std::string_view prefix);

  const std::string& endpoint() const { return endpoint_; }
  bool path_style() const { return path_style_; }

 private:
  AwsRequest request(std::string_view method, std::string_view bucket, std::string_view key) const;
  static void add_write_headers(AwsRequest& request, const S3WriteOptions& options);

  std::shared_ptr<AwsClient> client_;
  std::string endpoint_;
  bool path_style_;
};

// "s3://bucket/key" for messages.
std::string s3_uri(std::string_view bucket, std::string_view key = {});

}  // namespace snaplake::aws
