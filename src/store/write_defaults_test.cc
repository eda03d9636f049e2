// with_write_defaults: every kind of write reaches the backend with the default options (an
// export's SSE-KMS key), a write's own options win, reads pass through.
#include "store/write_defaults.h"

#include <gtest/gtest.h>

#include <vector>

#include "store/forwarding_store_test_util.h"

namespace snaplake::store {
namespace {

// Records the kms_key_id of every write it is asked for.
class RecordingStore final : public testing::ForwardingStore {
 public:
  explicit RecordingStore(std::vector<std::string>* keys) : keys_(keys) {}
  std::unique_ptr<Upload> create(std::string_view key, const WriteOptions& o) override {
    keys_->push_back(o.kms_key_id);
    return ForwardingStore::create(key, o);
  }
  std::optional<std::string> put_if(std::string_view key, std::string_view bytes,
                                    const Precondition& condition, const WriteOptions& o) override {
    keys_->push_back(o.kms_key_id);
    return ForwardingStore::put_if(key, bytes, condition, o);
  }
  void copy(std::string_view s, std::string_view t, const WriteOptions& o) override {
    keys_->push_back(o.kms_key_id);
    ForwardingStore::copy(s, t, o);
  }

 private:
  std::vector<std::string>* keys_;
};

TEST(WriteDefaults, EveryWriteCarriesTheDefaultKey) {
  std::vector<std::string> keys;
  auto store = with_write_defaults(std::make_unique<RecordingStore>(&keys), {.kms_key_id = "k1"});
  store->put("a", "x");
  store->put("b", "y", {.content_type = "application/json"});
  ASSERT_TRUE(store->put_if("c", "z", Precondition::absent()));
  store->copy("a", "d");
  store->put("e", "w", {.kms_key_id = "own"});
  EXPECT_EQ(keys, (std::vector<std::string>{"k1", "k1", "k1", "k1", "own"}));
  EXPECT_EQ(store->read("b"), "y");
  EXPECT_EQ(store->list("").size(), 5u);
}

TEST(WriteDefaults, MergedKeepsWhatTheWriteNamed) {
  WriteOptions m = merged({.content_type = "text/plain"}, {.kms_key_id = "k", .acl = "private"});
  EXPECT_EQ(m.kms_key_id, "k");
  EXPECT_EQ(m.acl, "private");
  EXPECT_EQ(m.content_type, "text/plain");
}

}  // namespace
}  // namespace snaplake::store
