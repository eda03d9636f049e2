// The object store: the one narrow interface through which exports and landings read and write
// objects, whatever the backend (a local folder, memory for tests, S3). Keys are '/'-separated
// relative paths; a store is rooted at a folder or bucket(+prefix) given when it is opened.
//
// Contract (every backend passes the same conformance suite, src/store/store_conformance_test.cc):
// - create() returns an Upload; nothing is visible under the key until commit(), which makes the
//   whole object visible at once (local: temp file + rename; S3: multipart upload completed).
//   An Upload destroyed without commit() aborts: no partial object remains.
// - list(prefix) returns every object whose key starts with prefix, all pages, sorted by key.
// - remove() of a missing key is not an error.
// - copy() within one store uses the backend's server-side copy where it has one.
// - remove_incomplete(prefix) removes what uploads under prefix left unfinished when their
//   process died before commit or abort (local: hidden temp files; S3: incomplete multipart
//   uploads, which S3 keeps and bills until aborted).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/output_stream.h"

namespace snaplake::aws {
struct AwsSession;
}

namespace snaplake::store {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string etag;  // backend-specific content tag; empty where the backend has none
};

struct WriteOptions {
  std::string kms_key_id;    // S3: SSE-KMS with this key id, ARN or alias; "" = bucket default
  std::string acl;           // S3: canned ACL, e.g. "bucket-owner-full-control"; "" = none
  std::string content_type;  // "" = application/octet-stream
};

class Upload : public OutputStream {};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // A human-readable location for messages: "/data/exports", "s3://bucket/prefix".
  virtual std::string describe(std::string_view key = {}) const = 0;

  virtual std::unique_ptr<Upload> create(std::string_view key,
                                         const WriteOptions& options = {}) = 0;
  virtual std::optional<ObjectInfo> head(std::string_view key) = 0;
  // Reads [offset, offset+length) or to the end; throws Error(NotFound) for a missing key.
  virtual std::string read(std::string_view key, uint64_t offset = 0,
                           std::optional<uint64_t> length = std::nullopt) = 0;
  virtual std::vector<ObjectInfo> list(std::string_view prefix) = 0;
  virtual void remove(std::span<const std::string> keys) = 0;
  // Removes the leftovers of unfinished uploads under prefix and returns how many. Only for a
  // prefix nothing is uploading to now (an upload in progress would be cut short).
  virtual size_t remove_incomplete(std::string_view prefix) = 0;
  // Copies source_key of this store to target_key of this store (server-side where possible).
  virtual void copy(std::string_view source_key, std::string_view target_key,
                    const WriteOptions& options = {}) = 0;

  // Convenience: create + write + commit.
  void put(std::string_view key, std::string_view bytes, const WriteOptions& options = {});
};

// Copies one object between two stores: server-side (CopyObject, UploadPartCopy above 5 GiB)
// when both are S3 behind the same endpoint, with the target store's credentials; otherwise —
// or when that copy is refused for lack of access — streamed through this host in 8 MiB chunks
// (bounded memory; the target upload is atomic as always). Returns the size copied.
uint64_t copy_between(ObjectStore& source, std::string_view source_key, ObjectStore& target,
                      std::string_view target_key, const WriteOptions& options = {});

// Opens a store from a location: a folder path, file://path, s3://bucket[/prefix], or
// memory://name (tests). Throws Error(InvalidInput) for anything else.
std::unique_ptr<ObjectStore> open_store(std::string_view location);
// The same, with the AWS session an s3:// store uses (region, endpoint, credentials — e.g. an
// assumed cross-account role, or snaplake.toml's [aws] settings). Null = from the environment.
std::unique_ptr<ObjectStore> open_store(std::string_view location,
                                        std::shared_ptr<const aws::AwsSession> session);

}  // namespace snaplake::store
