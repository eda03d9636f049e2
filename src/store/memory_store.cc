#include "store/memory_store.h"

#include "aws/crypto.h"
#include "common/error.h"
#include "store/object_key.h"

namespace snaplake::store {
namespace {

class MemoryStaged final : public StagedObject {
 public:
  MemoryStaged(std::shared_ptr<MemoryStore::Objects> objects, std::string key, std::string data)
      : objects_(std::move(objects)), key_(std::move(key)), data_(std::move(data)) {}
  void publish() override {
    if (done_) fail(ErrorKind::Internal, "cannot publish '{}' twice", key_);
    done_ = true;
    std::lock_guard lock(objects_->mutex);
    objects_->objects[key_] = std::move(data_);
  }
  void discard() noexcept override {
    done_ = true;
    data_.clear();
  }
  uint64_t size() const override { return data_.size(); }

 private:
  std::shared_ptr<MemoryStore::Objects> objects_;
  std::string key_;
  std::string data_;
  bool done_ = false;
};

class MemoryUpload final : public Upload {
 public:
  MemoryUpload(std::shared_ptr<MemoryStore::Objects> objects, std::string key)
      : objects_(std::move(objects)), key_(std::move(key)) {}

  void write(std::span<const uint8_t> bytes) override {
    if (closed_) fail(ErrorKind::Internal, "cannot write '{}': upload already closed", key_);
    data_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  void commit() override { stage()->publish(); }
  std::unique_ptr<StagedObject> stage() override {
    if (closed_) fail(ErrorKind::Internal, "cannot commit '{}': upload already closed", key_);
    closed_ = true;
    return std::make_unique<MemoryStaged>(objects_, key_, std::move(data_));
  }
  void abort() noexcept override {
    closed_ = true;
    data_.clear();
  }
  uint64_t position() const override { return data_.size(); }

 private:
  std::shared_ptr<MemoryStore::Objects> objects_;
  std::string key_;
  std::string data_;
  bool closed_ = false;
};

// The named in-memory stores of this process. Test-only; never used for real data.
struct Registry {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<MemoryStore::Objects>, std::less<>> stores;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

std::unique_ptr<MemoryStore> MemoryStore::create_isolated(std::string name) {
  return std::unique_ptr<MemoryStore>(
      new MemoryStore(std::move(name), std::make_shared<Objects>()));
}

std::unique_ptr<MemoryStore> MemoryStore::open_named(std::string_view name) {
  auto& reg = registry();
  std::lock_guard lock(reg.mutex);
  auto& objects = reg.stores[std::string(name)];
  if (!objects) objects = std::make_shared<Objects>();
  return std::unique_ptr<MemoryStore>(new MemoryStore(std::string(name), objects));
}

std::string MemoryStore::describe(std::string_view key) const {
  return key.empty() ? fmt::format("memory://{}", name_)
                     : fmt::format("memory://{}/{}", name_, key);
}

std::unique_ptr<Upload> MemoryStore::create(std::string_view key, const WriteOptions&) {
  validate_key(key);
  return std::make_unique<MemoryUpload>(objects_, std::string(key));
}

std::optional<ObjectInfo> MemoryStore::head(std::string_view key) {
  validate_key(key);
  std::lock_guard lock(objects_->mutex);
  auto it = objects_->objects.find(key);
  if (it == objects_->objects.end()) return std::nullopt;
  return ObjectInfo{it->first, it->second.size(), {}};
}

std::string MemoryStore::read(std::string_view key, uint64_t offset,
                              std::optional<uint64_t> length) {
  validate_key(key);
  std::lock_guard lock(objects_->mutex);
  auto it = objects_->objects.find(key);
  if (it == objects_->objects.end()) {
    fail(ErrorKind::NotFound, "cannot read '{}': no such object", describe(key));
  }
  const std::string& data = it->second;
  if (offset > data.size()) {
    fail(ErrorKind::InvalidInput, "cannot read '{}': offset {} is past the end ({} bytes)",
         describe(key), offset, data.size());
  }
  return data.substr(offset, length.value_or(data.size() - offset));
}

size_t MemoryStore::remove_incomplete(std::string_view prefix,
                                      const std::function<bool(std::string_view)>&) {
  // An upload's bytes live in its own object until commit: nothing outlives the process.
  validate_prefix(prefix);
  return 0;
}

std::optional<VersionedObject> MemoryStore::read_versioned(std::string_view key) {
  validate_key(key);
  std::lock_guard lock(objects_->mutex);
  auto it = objects_->objects.find(key);
  if (it == objects_->objects.end()) return std::nullopt;
  return VersionedObject{it->second, aws::sha256_hex(it->second)};
}

std::optional<std::string> MemoryStore::put_if(std::string_view key, std::string_view bytes,
                                               const Precondition& condition, const WriteOptions&) {
  validate_key(key);
  std::lock_guard lock(objects_->mutex);
  auto it = objects_->objects.find(key);
  bool holds =
      condition.kind == Precondition::Kind::Absent
          ? it == objects_->objects.end()
          : it != objects_->objects.end() && aws::sha256_hex(it->second) == condition.version;
  if (!holds) return std::nullopt;
  objects_->objects[std::string(key)] = std::string(bytes);
  return aws::sha256_hex(bytes);
}

std::vector<ObjectInfo> MemoryStore::list(std::string_view prefix) {
  validate_prefix(prefix);
  std::vector<ObjectInfo> out;
  std::lock_guard lock(objects_->mutex);
  for (auto it = objects_->objects.lower_bound(prefix);
       it != objects_->objects.end() && it->first.starts_with(prefix); ++it) {
    out.push_back({it->first, it->second.size(), {}});
  }
  return out;
}

void MemoryStore::remove(std::span<const std::string> keys) {
  for (const auto& key : keys) validate_key(key);
  std::lock_guard lock(objects_->mutex);
  for (const auto& key : keys) objects_->objects.erase(key);
}

void MemoryStore::copy(std::string_view source_key, std::string_view target_key,
                       const WriteOptions&) {
  validate_key(source_key);
  validate_key(target_key);
  std::lock_guard lock(objects_->mutex);
  auto it = objects_->objects.find(source_key);
  if (it == objects_->objects.end()) {
    fail(ErrorKind::NotFound, "cannot copy '{}': no such object", describe(source_key));
  }
  std::string data = it->second;
  objects_->objects[std::string(target_key)] = std::move(data);
}

}  // namespace snaplake::store
