// A store in memory, for tests. Stores opened with the same name through
// open_store("memory://name") share their objects for the life of the process, so that a test can
// export to a memory store and land from it; MemoryStore::create_isolated() gives a private one.
#pragma once

#include <map>
#include <mutex>

#include "store/object_store.h"

namespace snaplake::store {

class MemoryStore final : public ObjectStore {
 public:
  struct Objects {
    std::mutex mutex;
    std::map<std::string, std::string, std::less<>> objects;
  };

  // A private, empty store.
  static std::unique_ptr<MemoryStore> create_isolated(std::string name = "test");
  // The store of this name in this process (created empty on first use).
  static std::unique_ptr<MemoryStore> open_named(std::string_view name);

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

 private:
  MemoryStore(std::string name, std::shared_ptr<Objects> objects)
      : name_(std::move(name)), objects_(std::move(objects)) {}

  std::string name_;
  std::shared_ptr<Objects> objects_;
};

}  // namespace snaplake::store
