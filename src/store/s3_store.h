// A store rooted at s3://bucket[/prefix]. An Upload is an S3 multipart upload fed while the
// caller writes: every full part (8 MiB, growing after each 1000 parts so 10000 parts reach far
// beyond 1 TB) is sent on its own thread, at most kMaxPartsInFlight at once; write() blocks
// while that many are in flight (back-pressure, bounded memory: about (4 + 1) parts per
// upload). commit() sends the rest and completes the upload; an object smaller than one part is
// sent with a single PutObject instead. abort() or destruction without commit() aborts the
// multipart upload, so no partial object ever becomes visible and no parts linger. stage() sends
// every part (a small object too, as one part) and leaves the upload to be completed by
// StagedObject::publish(). put_if() is PutObject with If-None-Match / If-Match.
#pragma once

#include "aws/s3_client.h"
#include "aws/session.h"
#include "store/object_store.h"

namespace snaplake::store {

class S3Store final : public ObjectStore {
 public:
  static constexpr uint64_t kPartSize = 8ull << 20;
  static constexpr size_t kMaxPartsInFlight = 4;

  // "s3://bucket[/prefix]" with credentials, region and endpoint from the AWS_* environment.
  // Does no I/O: credentials are looked up on the first request.
  // With `session` (null = AwsSession::from_environment()) for region, endpoint, credentials.
  static std::unique_ptr<S3Store> open(std::string_view location,
                                       std::shared_ptr<const aws::AwsSession> session = nullptr);
  static std::unique_ptr<S3Store> open(std::shared_ptr<aws::S3Client> client, std::string bucket,
                                       std::string prefix);

  std::string describe(std::string_view key = {}) const override;
  std::unique_ptr<Upload> create(std::string_view key, const WriteOptions& options = {}) override;
  std::optional<ObjectInfo> head(std::string_view key) override;
  std::string read(std::string_view key, uint64_t offset = 0,
                   std::optional<uint64_t> length = std::nullopt) override;
  std::vector<ObjectInfo> list(std::string_view prefix) override;
  std::vector<ObjectInfo> list_first(std::string_view prefix, size_t limit) override;
  size_t remove_incomplete(std::string_view prefix,
                           const std::function<bool(std::string_view key)>& keep = {}) override;
  std::optional<VersionedObject> read_versioned(std::string_view key) override;
  std::optional<std::string> put_if(std::string_view key, std::string_view bytes,
                                    const Precondition& condition,
                                    const WriteOptions& options = {}) override;
  void remove(std::span<const std::string> keys) override;
  void copy(std::string_view source_key, std::string_view target_key,
            const WriteOptions& options = {}) override;

  const std::string& bucket() const { return bucket_; }
  const std::string& prefix() const { return prefix_; }
  const std::shared_ptr<aws::S3Client>& client() const { return client_; }
  // Objects of S3 behind the same endpoint are copied server-side, with this store's
  // credentials: CopyObject (UploadPartCopy above 5 GiB); staged, a multipart upload of
  // UploadPartCopy parts completed on publish().
  std::optional<NativeLocation> locate(std::string_view key) const override;
  std::unique_ptr<StagedObject> stage_native_copy(const NativeLocation& from, uint64_t size,
                                                  std::string_view target_key,
                                                  const WriteOptions& options) override;
  bool native_copy(const NativeLocation& from, uint64_t size, std::string_view target_key,
                   const WriteOptions& options) override;
  // The bucket key of a store key: "<prefix>/<key>".
  std::string full_key(std::string_view key) const;

 private:
  S3Store(std::shared_ptr<aws::S3Client> client, std::string bucket, std::string prefix)
      : client_(std::move(client)), bucket_(std::move(bucket)), prefix_(std::move(prefix)) {}

  std::shared_ptr<aws::S3Client> client_;
  std::string bucket_;
  std::string prefix_;  // "" or "a/b" (no trailing '/')
};

// Parses "s3://bucket[/prefix]"; throws Error(InvalidInput) for a bad bucket name or prefix.
std::pair<std::string, std::string> parse_s3_location(std::string_view location);

}  // namespace snaplake::store
