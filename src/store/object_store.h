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
// - An Upload can also be staged: stage() sends every byte but leaves the object invisible (local:
//   the temp file, fsynced; S3: a multipart upload with all its parts, not completed) and
//   returns a StagedObject whose publish() makes it visible at once. A commit protocol stages
//   everything first, decides, and only then publishes, so that readers who list a folder see
//   the old and the new objects side by side only for as long as publishing takes.
// - remove_incomplete(prefix, keep) removes what uploads under prefix left unfinished (local:
//   hidden temp files; S3: incomplete multipart uploads, which S3 keeps and bills until
//   aborted), except those whose target key `keep` says belongs to a live writer. It never cuts
//   short a put_if() in progress.
// - Conditional writes, for the small objects that decide who won (claims, markers):
//   read_versioned() returns an object with its version; put_if() writes only while the
//   precondition holds, atomically with the write (S3: If-None-Match: * / If-Match: <ETag>; a
//   folder: under an exclusive lock of the key, see local_store.h). A key written with put_if
//   must only ever be written with put_if.
#pragma once

#include <cstdint>
#include <functional>
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

// A written object that is not visible yet. publish() makes all of it visible at once (and is
// the only step that can make it visible); destroyed or discarded unpublished, it leaves nothing.
class StagedObject {
 public:
  virtual ~StagedObject() = default;
  virtual void publish() = 0;
  virtual void discard() noexcept = 0;
  virtual uint64_t size() const = 0;
};

class Upload : public OutputStream {
 public:
  // Sends everything written so far and closes the upload, leaving the object invisible until
  // the StagedObject is published. On failure nothing is left (as abort()).
  virtual std::unique_ptr<StagedObject> stage() = 0;
};

// What put_if() requires of the object's current state.
struct Precondition {
  enum class Kind { Absent, Version };
  Kind kind = Kind::Absent;
  std::string version;  // Kind::Version: the version read_versioned() or put_if() returned

  static Precondition absent() { return {Kind::Absent, {}}; }
  static Precondition matches(std::string version) { return {Kind::Version, std::move(version)}; }
};

// Where an object physically is, for copies a backend makes without the bytes passing through
// this process (ObjectStore::locate): an S3 object behind an endpoint, or a file.
struct NativeLocation {
  enum class Kind { S3, File };
  Kind kind = Kind::File;
  std::string endpoint;  // S3: the endpoint URL (a copy needs both sides behind one)
  std::string bucket;    // S3
  std::string key;       // S3: the key in the bucket
  std::string path;      // File: the file's path
};

struct VersionedObject {
  std::string bytes;
  std::string version;  // S3: the ETag; a folder, memory: a digest of the bytes
};

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
  // The first `limit` objects of list(prefix), in key order, without listing the rest where the
  // backend can stop early (S3: ListObjectsV2's max-keys). Keys made to sort newest first
  // (pipeline/object_status_store.h) make this "the most recent `limit`".
  virtual std::vector<ObjectInfo> list_first(std::string_view prefix, size_t limit);
  virtual void remove(std::span<const std::string> keys) = 0;
  // Removes the leftovers of unfinished uploads under prefix and returns how many. Without
  // `keep`, only for a prefix nothing is uploading to now (an upload in progress would be cut
  // short); with it, the leftovers of uploads to a key for which keep(key) is true stay.
  virtual size_t remove_incomplete(std::string_view prefix,
                                   const std::function<bool(std::string_view key)>& keep = {}) = 0;

  // The object and its version; nullopt when there is none.
  virtual std::optional<VersionedObject> read_versioned(std::string_view key) = 0;
  // Writes `bytes` under `key` only if `condition` holds when the write happens. Returns the new
  // version, or nullopt when the condition did not hold (someone else wrote, or removed, first).
  virtual std::optional<std::string> put_if(std::string_view key, std::string_view bytes,
                                            const Precondition& condition,
                                            const WriteOptions& options = {}) = 0;
  // Copies source_key of this store to target_key of this store (server-side where possible).
  virtual void copy(std::string_view source_key, std::string_view target_key,
                    const WriteOptions& options = {}) = 0;

  // Capabilities for copies between stores (copy_between, stage_copy): where this store's object
  // is, if it is somewhere another backend can copy from natively (nullopt: nowhere such, e.g. in
  // memory); and this store's native copy of an object at `from` of `size` bytes, staged, or
  // nullptr when it cannot copy from there. May throw Error(Auth) when its credentials cannot read
  // the source (another account): the copy is then streamed.
  virtual std::optional<NativeLocation> locate(std::string_view key) const;
  virtual std::unique_ptr<StagedObject> stage_native_copy(const NativeLocation& from, uint64_t size,
                                                          std::string_view target_key,
                                                          const WriteOptions& options);
  // The same copy made visible at once, in the fewest requests (S3: one CopyObject). false when
  // this store cannot copy from there.
  virtual bool native_copy(const NativeLocation& from, uint64_t size, std::string_view target_key,
                           const WriteOptions& options);

  // Convenience: create + write + commit.
  void put(std::string_view key, std::string_view bytes, const WriteOptions& options = {});
};

// Copies one object between two stores: server-side (CopyObject, UploadPartCopy above 5 GiB)
// when both are S3 behind the same endpoint, with the target store's credentials; otherwise —
// or when that copy is refused for lack of access — streamed through this host in 8 MiB chunks
// (bounded memory; the target upload is atomic as always). Returns the size copied.
uint64_t copy_between(ObjectStore& source, std::string_view source_key, ObjectStore& target,
                      std::string_view target_key, const WriteOptions& options = {});
// The same copy, staged: every byte is in the target, invisible until publish(). Server-side
// within S3 (a multipart upload of UploadPartCopy parts), in the kernel between folders,
// streamed otherwise.
std::unique_ptr<StagedObject> stage_copy(ObjectStore& source, std::string_view source_key,
                                         ObjectStore& target, std::string_view target_key,
                                         const WriteOptions& options = {});

// Opens a store from a location: a folder path, file://path, s3://bucket[/prefix], or
// memory://name (tests). Throws Error(InvalidInput) for anything else.
std::unique_ptr<ObjectStore> open_store(std::string_view location);
// The same, with the AWS session an s3:// store uses (region, endpoint, credentials — e.g. an
// assumed cross-account role, or snaplake.toml's [aws] settings). Null = from the environment.
std::unique_ptr<ObjectStore> open_store(std::string_view location,
                                        std::shared_ptr<const aws::AwsSession> session);

}  // namespace snaplake::store
