// Test-only: a store that forwards everything to another one, for tests that record or break
// some of its calls by overriding them (e.g. a store that refuses writes, or records them).
#pragma once

#include "store/memory_store.h"
#include "store/object_store.h"

namespace snaplake::store::testing {

class ForwardingStore : public ObjectStore {
 public:
  explicit ForwardingStore(std::unique_ptr<ObjectStore> inner = MemoryStore::create_isolated())
      : inner_(std::move(inner)) {}
  ObjectStore& inner() { return *inner_; }

  std::string describe(std::string_view key = {}) const override { return inner_->describe(key); }
  std::unique_ptr<Upload> create(std::string_view key, const WriteOptions& o = {}) override {
    return inner_->create(key, o);
  }
  std::optional<ObjectInfo> head(std::string_view key) override { return inner_->head(key); }
  std::string read(std::string_view key, uint64_t offset = 0,
                   std::optional<uint64_t> length = std::nullopt) override {
    return inner_->read(key, offset, length);
  }
  std::vector<ObjectInfo> list(std::string_view prefix) override { return inner_->list(prefix); }
  void remove(std::span<const std::string> keys) override { inner_->remove(keys); }
  size_t remove_incomplete(std::string_view prefix,
                           const std::function<bool(std::string_view)>& keep = {}) override {
    return inner_->remove_incomplete(prefix, keep);
  }
  void copy(std::string_view s, std::string_view t, const WriteOptions& o = {}) override {
    inner_->copy(s, t, o);
  }
  std::optional<VersionedObject> read_versioned(std::string_view key) override {
    return inner_->read_versioned(key);
  }
  std::optional<std::string> put_if(std::string_view key, std::string_view bytes,
                                    const Precondition& condition,
                                    const WriteOptions& o = {}) override {
    return inner_->put_if(key, bytes, condition, o);
  }

 private:
  std::unique_ptr<ObjectStore> inner_;
};

}  // namespace snaplake::store::testing
