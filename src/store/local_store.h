// A store rooted at a local folder. Uploads write to a hidden temp file beside the target
// (".<name>.tmp-<random>"), fsync it, and rename it into place on commit, so a reader sees either
// the old object or the whole new one, never part of it; the folder is fsynced after the rename so
// the new name survives a crash. An Upload dropped without commit() removes its temp file; a
// staged one keeps the fsynced temp file until it is published (renamed) or discarded.
// Conditional writes (put_if) of a key are serialised by flock(2) on its folder (or, where folders
// cannot be locked, on a hidden lock file in it, ".folder.snaplake-lock", never listed), and
// remove_incomplete() takes the same lock, so it never removes a conditional write's temp file.
#pragma once

#include <filesystem>

#include "store/object_store.h"

namespace snaplake::store {

class LocalStore final : public ObjectStore {
 public:
  // Does no I/O: the root folder is created by the first upload; a missing root lists as empty.
  static std::unique_ptr<LocalStore> open(std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }

  std::string describe(std::string_view key = {}) const override;
  std::unique_ptr<Upload> create(std::string_view key, const WriteOptions& options = {}) override;
  std::optional<ObjectInfo> head(std::string_view key) override;
  std::string read(std::string_view key, uint64_t offset = 0,
                   std::optional<uint64_t> length = std::nullopt) override;
  std::vector<ObjectInfo> list(std::string_view prefix) override;
  size_t remove_incomplete(std::string_view prefix,
                           const std::function<bool(std::string_view key)>& keep = {}) override;
  std::optional<VersionedObject> read_versioned(std::string_view key) override;
  std::optional<std::string> put_if(std::string_view key, std::string_view bytes,
                                    const Precondition& condition,
                                    const WriteOptions& options = {}) override;
  void remove(std::span<const std::string> keys) override;
  void copy(std::string_view source_key, std::string_view target_key,
            const WriteOptions& options = {}) override;

  // Files are copied in the kernel (copy_file_range(2)), with the same temp file + fsync + rename
  // guarantee as create(); staged, the temp file waits to be renamed.
  std::optional<NativeLocation> locate(std::string_view key) const override;
  std::unique_ptr<StagedObject> stage_native_copy(const NativeLocation& from, uint64_t size,
                                                  std::string_view target_key,
                                                  const WriteOptions& options) override;
  bool native_copy(const NativeLocation& from, uint64_t size, std::string_view target_key,
                   const WriteOptions& options) override;

 private:
  explicit LocalStore(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path path_of(std::string_view key) const;
  // walk() below the deepest folder the prefix names; the rest of the prefix filters names.
  // temp_files: each upload leftover's path and the key it was uploading to.
  void walk_prefix(std::string_view prefix, std::vector<ObjectInfo>& objects,
                   std::vector<std::pair<std::filesystem::path, std::string>>* temp_files) const;

  std::filesystem::path root_;
};

}  // namespace snaplake::store
