#include "store/write_defaults.h"

namespace snaplake::store {
namespace {

class WriteDefaultsStore final : public ObjectStore {
 public:
  WriteDefaultsStore(std::unique_ptr<ObjectStore> inner, WriteOptions defaults)
      : inner_(std::move(inner)), defaults_(std::move(defaults)) {}

  std::string describe(std::string_view key) const override { return inner_->describe(key); }
  std::unique_ptr<Upload> create(std::string_view key, const WriteOptions& options) override {
    return inner_->create(key, merged(options, defaults_));
  }
  std::optional<ObjectInfo> head(std::string_view key) override { return inner_->head(key); }
  std::string read(std::string_view key, uint64_t offset, std::optional<uint64_t> length) override {
    return inner_->read(key, offset, length);
  }
  std::vector<ObjectInfo> list(std::string_view prefix) override { return inner_->list(prefix); }
  void remove(std::span<const std::string> keys) override { inner_->remove(keys); }
  size_t remove_incomplete(std::string_view prefix,
                           const std::function<bool(std::string_view key)>& keep) override {
    return inner_->remove_incomplete(prefix, keep);
  }
  std::optional<VersionedObject> read_versioned(std::string_view key) override {
    return inner_->read_versioned(key);
  }
  std::optional<std::string> put_if(std::string_view key, std::string_view bytes,
                                    const Precondition& condition,
                                    const WriteOptions& options) override {
    return inner_->put_if(key, bytes, condition, merged(options, defaults_));
  }
  void copy(std::string_view source_key, std::string_view target_key,
            const WriteOptions& options) override {
    inner_->copy(source_key, target_key, merged(options, defaults_));
  }
  std::optional<NativeLocation> locate(std::string_view key) const override {
    return inner_->locate(key);
  }
  std::unique_ptr<StagedObject> stage_native_copy(const NativeLocation& from, uint64_t size,
                                                  std::string_view target_key,
                                                  const WriteOptions& options) override {
    return inner_->stage_native_copy(from, size, target_key, merged(options, defaults_));
  }
  bool native_copy(const NativeLocation& from, uint64_t size, std::string_view target_key,
                   const WriteOptions& options) override {
    return inner_->native_copy(from, size, target_key, merged(options, defaults_));
  }

 private:
  std::unique_ptr<ObjectStore> inner_;
  WriteOptions defaults_;
};

}  // namespace

WriteOptions merged(const WriteOptions& options, const WriteOptions& defaults) {
  WriteOptions out = options;
  if (out.kms_key_id.empty()) out.kms_key_id = defaults.kms_key_id;
  if (out.acl.empty()) out.acl = defaults.acl;
  if (out.content_type.empty()) out.content_type = defaults.content_type;
  return out;
}

std::unique_ptr<ObjectStore> with_write_defaults(std::unique_ptr<ObjectStore> inner,
                                                 WriteOptions defaults) {
  return std::make_unique<WriteDefaultsStore>(std::move(inner), std::move(defaults));
}

}  // namespace snaplake::store
