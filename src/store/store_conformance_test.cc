// The ObjectStore conformance suite: every backend (local folder, memory, S3 against moto_server)
// runs the same tests, so the contract in object_store.h is checked once and holds everywhere.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <future>
#include <random>

#include "common/error.h"
#include "store/local_store.h"
#include "store/memory_store.h"
#include "store/object_store.h"
#include "store/s3_store.h"
#include "store/store_test_backends.h"

namespace snaplake::store {
namespace {

namespace fs = std::filesystem;

std::string random_bytes(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::vector<std::string> keys_of(const std::vector<ObjectInfo>& infos) {
  std::vector<std::string> keys;
  for (const auto& info : infos) keys.push_back(info.key);
  return keys;
}

ErrorKind kind_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "expected an Error";
  return ErrorKind::Internal;
}

class StoreConformance : public ::testing::TestWithParam<conformance::Backend> {
 protected:
  void SetUp() override {
    if (auto reason = GetParam().unavailable(); !reason.empty()) GTEST_SKIP() << reason;
    store_ = GetParam().make();
  }
  void TearDown() override {
    if (store_ && GetParam().cleanup) GetParam().cleanup(*store_);
  }
  std::unique_ptr<ObjectStore> store_;
};

TEST_P(StoreConformance, ObjectIsInvisibleUntilCommit) {
  auto upload = store_->create("a/b/object.bin");
  upload->write(bytes_of("hello "));
  upload->write(bytes_of("world"));
  EXPECT_EQ(upload->position(), 11u);
  EXPECT_FALSE(store_->head("a/b/object.bin"));
  EXPECT_TRUE(store_->list("").empty());
  upload->commit();
  auto info = store_->head("a/b/object.bin");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 11u);
  EXPECT_EQ(info->key, "a/b/object.bin");
  EXPECT_EQ(store_->read("a/b/object.bin"), "hello world");
  EXPECT_EQ(keys_of(store_->list("")), std::vector<std::string>{"a/b/object.bin"});
}

TEST_P(StoreConformance, AbortAndDestructionLeaveNothing) {
  {
    auto upload = store_->create("x/aborted");
    upload->write(bytes_of("partial"));
    upload->abort();
    upload->abort();  // safe twice
  }
  {
    auto upload = store_->create("x/dropped");
    upload->write(bytes_of(random_bytes(6 << 20, 1)));  // large enough for an S3 multipart part
  }
  EXPECT_FALSE(store_->head("x/aborted"));
  EXPECT_FALSE(store_->head("x/dropped"));
  EXPECT_TRUE(store_->list("").empty());
}

TEST_P(StoreConformance, RemoveIncompleteClearsWhatAKilledProcessLeft) {
  store_->put("job/kept", "done");
  // SIGKILL runs no destructor: the uploads are leaked as a killed process leaves them, each
  // past one S3 part so that a multipart upload exists.
  auto killed = store_->create("job/deep/killed");
  killed->write(bytes_of(random_bytes(9 << 20, 2)));
  auto elsewhere = store_->create("other/in-progress");
  elsewhere->write(bytes_of(random_bytes(9 << 20, 3)));
  (void)killed.release();

  const size_t expected = GetParam().uploads_outlive_the_process ? 1 : 0;
  EXPECT_EQ(store_->remove_incomplete("job/"), expected);
  EXPECT_EQ(store_->remove_incomplete("job/"), 0u);  // nothing left
  EXPECT_EQ(keys_of(store_->list("")), (std::vector<std::string>{"job/kept"}));
  // An upload under another prefix is untouched and still commits.
  elsewhere->commit();
  EXPECT_EQ(store_->head("other/in-progress")->size, size_t{9 << 20});
}

TEST_P(StoreConformance, EmptyObject) {
  store_->put("empty", "");
  auto info = store_->head("empty");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 0u);
  EXPECT_EQ(store_->read("empty"), "");
}

TEST_P(StoreConformance, LargeObjectWrittenInPieces) {
  // 13 MiB in uneven writes: spans several S3 multipart parts and local write buffers.
  std::string data = random_bytes((13 << 20) + 12345, 7);
  auto upload = store_->create("big/object");
  size_t offset = 0;
  size_t piece = 1;
  while (offset < data.size()) {
    size_t n = std::min(piece, data.size() - offset);
    upload->write(bytes_of(std::string_view(data).substr(offset, n)));
    offset += n;
    piece = piece * 3 + 17;
    if (piece > (3 << 20)) piece = 4099;
  }
  EXPECT_EQ(upload->position(), data.size());
  upload->commit();
  EXPECT_EQ(store_->head("big/object")->size, data.size());
  EXPECT_TRUE(store_->read("big/object") == data);
  EXPECT_TRUE(store_->read("big/object", 5 << 20, 100) == data.substr(5 << 20, 100));
}

TEST_P(StoreConformance, OverwriteReplacesWholeObject) {
  store_->put("k", "first version, longer");
  store_->put("k", "second");
  EXPECT_EQ(store_->read("k"), "second");
  EXPECT_EQ(store_->head("k")->size, 6u);
  EXPECT_EQ(store_->list("").size(), 1u);
}

TEST_P(StoreConformance, HeadOfMissingObject) {
  EXPECT_FALSE(store_->head("missing"));
  store_->put("dir/file", "x");
  EXPECT_FALSE(store_->head("dir"));  // a "folder" is not an object
}

TEST_P(StoreConformance, RangedRead) {
  store_->put("r", "0123456789");
  EXPECT_EQ(store_->read("r", 0), "0123456789");
  EXPECT_EQ(store_->read("r", 3), "3456789");
  EXPECT_EQ(store_->read("r", 3, 4), "3456");
  EXPECT_EQ(store_->read("r", 8, 100), "89");  // clamped at the end
  EXPECT_EQ(store_->read("r", 0, 0), "");
  EXPECT_EQ(store_->read("r", 10), "");
  EXPECT_EQ(kind_of([&] { store_->read("missing"); }), ErrorKind::NotFound);
}

TEST_P(StoreConformance, ListByPrefixIsSortedAndRecursive) {
  for (const char* key : {"b", "a/b/c", "ab", "a/bc", "a/b/d/e", "c/a"}) store_->put(key, key);
  EXPECT_EQ(keys_of(store_->list("")),
            (std::vector<std::string>{"a/b/c", "a/b/d/e", "a/bc", "ab", "b", "c/a"}));
  EXPECT_EQ(keys_of(store_->list("a/")), (std::vector<std::string>{"a/b/c", "a/b/d/e", "a/bc"}));
  EXPECT_EQ(keys_of(store_->list("a/b")), (std::vector<std::string>{"a/b/c", "a/b/d/e", "a/bc"}));
  EXPECT_EQ(keys_of(store_->list("a/b/")), (std::vector<std::string>{"a/b/c", "a/b/d/e"}));
  EXPECT_EQ(keys_of(store_->list("a")),
            (std::vector<std::string>{"a/b/c", "a/b/d/e", "a/bc", "ab"}));
  EXPECT_TRUE(store_->list("zzz/").empty());
  auto infos = store_->list("a/b/d/");
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].size, 7u);
}

TEST_P(StoreConformance, ListReturnsEveryPage) {
  // More than one S3 ListObjectsV2 page (1000 keys).
  constexpr int kCount = 1003;
  std::vector<std::string> expected;
  for (int i = 0; i < kCount; ++i)
    expected.push_back(fmt::format("many/{:05}", (i * 7919) % kCount));
  // Written from 4 threads: stores are shared between an export's workers, and it is faster.
  std::vector<std::future<void>> writers;
  for (int t = 0; t < 4; ++t) {
    writers.push_back(std::async(std::launch::async, [&, t] {
      for (int i = t; i < kCount; i += 4) store_->put(expected[i], "");
    }));
  }
  for (auto& writer : writers) writer.get();
  store_->put("other", "");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(keys_of(store_->list("many/")), expected);
}

TEST_P(StoreConformance, ListFirstIsTheStartOfTheListing) {
  for (const char* key : {"n/3", "n/1", "n/2", "n/4", "o"}) store_->put(key, key);
  EXPECT_EQ(keys_of(store_->list_first("n/", 2)), (std::vector<std::string>{"n/1", "n/2"}));
  EXPECT_EQ(keys_of(store_->list_first("n/", 10)),
            (std::vector<std::string>{"n/1", "n/2", "n/3", "n/4"}));
  EXPECT_TRUE(store_->list_first("n/", 0).empty());
  EXPECT_TRUE(store_->list_first("zzz/", 3).empty());
}

TEST_P(StoreConformance, RemoveManyIncludingMissing) {
  for (const char* key : {"d/1", "d/2", "d/3", "e"}) store_->put(key, "x");
  std::vector<std::string> keys{"d/1", "d/3", "d/missing", "never/was"};
  store_->remove(keys);
  EXPECT_EQ(keys_of(store_->list("")), (std::vector<std::string>{"d/2", "e"}));
  store_->remove(std::vector<std::string>{});
  std::vector<std::string> rest{"d/2", "e"};
  store_->remove(rest);
  EXPECT_TRUE(store_->list("").empty());
}

TEST_P(StoreConformance, CopyWithinStore) {
  std::string data = random_bytes(100000, 3);
  store_->put("src/object", data);
  store_->copy("src/object", "dst/deep/copy");
  EXPECT_TRUE(store_->read("dst/deep/copy") == data);
  EXPECT_TRUE(store_->read("src/object") == data);
  EXPECT_EQ(kind_of([&] { store_->copy("src/missing", "dst/x"); }), ErrorKind::NotFound);
  EXPECT_FALSE(store_->head("dst/x"));
}

TEST_P(StoreConformance, CopyBetweenStoresStreams) {
  auto other = MemoryStore::create_isolated("other");
  std::string data = random_bytes((9 << 20) + 3, 11);  // more than one 8 MiB chunk
  other->put("in", data);
  EXPECT_EQ(copy_between(*other, "in", *store_, "out/copied"), data.size());
  EXPECT_TRUE(store_->read("out/copied") == data);
  EXPECT_EQ(copy_between(*store_, "out/copied", *other, "back"), data.size());
  EXPECT_TRUE(other->read("back") == data);
}

TEST_P(StoreConformance, HostileKeysAreRejected) {
  for (const std::string& key :
       std::vector<std::string>{"", "/etc/passwd", "../escape", "a/../../b", "a/./b", "a//b", "a/",
                                "a\\..\\b", std::string("a\nb"), std::string("nul\0x", 5), "..",
                                ".obj.tmp-123", ".k.snaplake-lock", std::string(1100, 'k')}) {
    SCOPED_TRACE(key);
    EXPECT_EQ(kind_of([&] { store_->create(key); }), ErrorKind::InvalidInput);
    EXPECT_EQ(kind_of([&] { store_->put(key, "x"); }), ErrorKind::InvalidInput);
    EXPECT_EQ(kind_of([&] { store_->head(key); }), ErrorKind::InvalidInput);
    EXPECT_EQ(kind_of([&] { store_->read(key); }), ErrorKind::InvalidInput);
    EXPECT_EQ(kind_of([&] { store_->remove(std::vector<std::string>{key}); }),
              ErrorKind::InvalidInput);
  }
  EXPECT_EQ(kind_of([&] { store_->list("../"); }), ErrorKind::InvalidInput);
  EXPECT_EQ(kind_of([&] { store_->list("/"); }), ErrorKind::InvalidInput);
  EXPECT_TRUE(store_->list("").empty());
  // Unusual but safe names are fine.
  store_->put("db/schema.table with space/ü-ñ/part-00000.parquet", "ok");
  EXPECT_EQ(store_->read("db/schema.table with space/ü-ñ/part-00000.parquet"), "ok");
}

TEST_P(StoreConformance, StagedObjectIsInvisibleUntilPublished) {
  auto upload = store_->create("staged/small");
  upload->write(bytes_of("staged bytes"));
  auto staged = upload->stage();
  EXPECT_EQ(staged->size(), 12u);
  EXPECT_FALSE(store_->head("staged/small"));
  EXPECT_TRUE(store_->list("").empty());
  staged->publish();
  EXPECT_EQ(store_->read("staged/small"), "staged bytes");
  EXPECT_THROW(staged->publish(), Error);  // once only

  // Larger than one S3 part, staged then discarded: nothing at all is left, not even leftovers.
  auto big = store_->create("staged/big");
  big->write(bytes_of(random_bytes(9 << 20, 4)));
  auto discarded = big->stage();
  EXPECT_FALSE(store_->head("staged/big"));
  discarded->discard();
  discarded->discard();  // safe twice
  // Dropped without publishing: the same.
  {
    auto dropped = store_->create("staged/dropped");
    dropped->write(bytes_of("x"));
    (void)dropped->stage();
  }
  EXPECT_EQ(keys_of(store_->list("staged/")), std::vector<std::string>{"staged/small"});
  EXPECT_EQ(store_->remove_incomplete("staged/"), 0u);
}

TEST_P(StoreConformance, StagedCopyIsInvisibleUntilPublished) {
  std::string data = random_bytes((9 << 20) + 5, 12);
  store_->put("src/object", data);
  auto other = MemoryStore::create_isolated("other");
  other->put("in", "from another store");
  auto within = stage_copy(*store_, "src/object", *store_, "dst/within");
  auto across = stage_copy(*other, "in", *store_, "dst/across");
  EXPECT_EQ(within->size(), data.size());
  EXPECT_TRUE(store_->list("dst/").empty());
  within->publish();
  across->publish();
  EXPECT_TRUE(store_->read("dst/within") == data);
  EXPECT_EQ(store_->read("dst/across"), "from another store");
  EXPECT_EQ(kind_of([&] { stage_copy(*store_, "src/missing", *store_, "dst/x"); }),
            ErrorKind::NotFound);
  EXPECT_FALSE(store_->head("dst/x"));
}

TEST_P(StoreConformance, PutIfAbsentThenIfVersion) {
  EXPECT_FALSE(store_->read_versioned("claim.json"));
  auto v1 = store_->put_if("claim.json", "one", Precondition::absent());
  ASSERT_TRUE(v1);
  EXPECT_FALSE(store_->put_if("claim.json", "other", Precondition::absent()));
  auto read = store_->read_versioned("claim.json");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->bytes, "one");
  EXPECT_EQ(read->version, *v1);
  auto v2 = store_->put_if("claim.json", "two", Precondition::matches(*v1));
  ASSERT_TRUE(v2);
  EXPECT_NE(*v2, *v1);
  EXPECT_FALSE(store_->put_if("claim.json", "stale", Precondition::matches(*v1)));
  EXPECT_EQ(store_->read("claim.json"), "two");
  EXPECT_EQ(store_->read_versioned("claim.json")->version, *v2);
  // A version of an object that was removed no longer matches.
  store_->remove(std::vector<std::string>{"claim.json"});
  EXPECT_FALSE(store_->put_if("claim.json", "ghost", Precondition::matches(*v2)));
  EXPECT_FALSE(store_->head("claim.json"));
  // The lock of a folder store is not an object.
  EXPECT_TRUE(store_->list("").empty());
}

TEST_P(StoreConformance, ConcurrentPutIfHasExactlyOneWinnerPerRound) {
  // Writers race to move one object from version to version, each round from the version they
  // all read: exactly one wins each round, and the object holds the winner's bytes.
  constexpr int kWriters = 6, kRounds = 8;
  auto first = store_->put_if("race/marker", "round-0", Precondition::absent());
  ASSERT_TRUE(first);
  std::string version = *first;
  for (int round = 1; round <= kRounds; ++round) {
    std::vector<std::future<std::optional<std::string>>> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.push_back(std::async(std::launch::async, [&, w] {
        return store_->put_if("race/marker", fmt::format("round-{} by {}", round, w),
                              Precondition::matches(version));
      }));
    }
    int winners = 0, winner = -1;
    std::string next;
    for (int w = 0; w < kWriters; ++w) {
      if (auto v = writers[w].get()) {
        ++winners;
        winner = w;
        next = *v;
      }
    }
    ASSERT_EQ(winners, 1) << "round " << round;
    EXPECT_EQ(store_->read("race/marker"), fmt::format("round-{} by {}", round, winner));
    version = next;
  }
}

TEST_P(StoreConformance, RemoveIncompleteKeepsWhatTheCallerSaysIsLive) {
  auto dead = store_->create("part/dead.parquet");
  dead->write(bytes_of(random_bytes(9 << 20, 8)));
  auto live = store_->create("part/live.parquet");
  live->write(bytes_of(random_bytes(9 << 20, 9)));
  auto live_staged = live->stage();
  (void)dead.release();  // a killed writer's leftover
  const size_t expected = GetParam().uploads_outlive_the_process ? 1 : 0;
  EXPECT_EQ(store_->remove_incomplete(
                "part/", [](std::string_view key) { return key == "part/live.parquet"; }),
            expected);
  live_staged->publish();  // the live writer was not cut short
  EXPECT_EQ(store_->head("part/live.parquet")->size, size_t{9 << 20});
  EXPECT_EQ(store_->remove_incomplete("part/"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(conformance::backends()),
                         [](const auto& info) { return info.param.name; });

// Local-only guarantees that the generic interface cannot observe.
class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/snaplake-local-store-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override { fs::remove_all(root_); }
  std::vector<std::string> files_on_disk() {
    std::vector<std::string> out;
    for (auto& entry : fs::recursive_directory_iterator(root_)) {
      if (entry.is_regular_file()) out.push_back(fs::relative(entry.path(), root_).string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path root_;
};

TEST_F(LocalStoreTest, TempFileBesideTargetThenRenamed) {
  auto store = LocalStore::open(root_ / "root");
  auto upload = store->create("p/q/file.parquet");
  upload->write(bytes_of("abc"));
  auto during = files_on_disk();
  ASSERT_EQ(during.size(), 1u);
  EXPECT_TRUE(during[0].starts_with("root/p/q/.file.parquet.tmp-")) << during[0];
  EXPECT_TRUE(store->list("").empty());  // temp files are never listed
  upload->commit();
  EXPECT_EQ(files_on_disk(), std::vector<std::string>{"root/p/q/file.parquet"});
}

TEST_F(LocalStoreTest, AbortRemovesTempFile) {
  auto store = LocalStore::open(root_);
  {
    auto upload = store->create("a/b");
    upload->write(bytes_of("abc"));
  }
  EXPECT_TRUE(files_on_disk().empty());
}

TEST_F(LocalStoreTest, NeverWritesOutsideRoot) {
  auto store = LocalStore::open(root_ / "inner");
  EXPECT_THROW(store->put("../outside", "x"), Error);
  EXPECT_FALSE(fs::exists(root_ / "outside"));
}

TEST_F(LocalStoreTest, ErrorsNamePathAndCause) {
  auto store = LocalStore::open(root_);
  store->put("f", "a file");
  try {
    store->put("f/child", "x");  // a file where a folder must go
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Io);
    std::string message = e.what();
    EXPECT_NE(message.find("'" + (root_ / "f").string()), std::string::npos) << message;
    EXPECT_NE(message.find("Not a directory"), std::string::npos) << message;
  }
}

TEST(S3Store, CopyBetweenBucketsOnMoto) {
  const char* endpoint = std::getenv("SNAPLAKE_TEST_S3_ENDPOINT");
  if (endpoint == nullptr) GTEST_SKIP() << "SNAPLAKE_TEST_S3_ENDPOINT is not set (no moto_server)";
  auto client = conformance::test_s3_client(endpoint);
  std::string export_bucket = conformance::fresh_bucket_name("export");
  std::string raw_bucket = conformance::fresh_bucket_name("raw");
  client->create_bucket(export_bucket);
  client->create_bucket(raw_bucket);
  auto source = S3Store::open(client, export_bucket, "exports");
  auto target = S3Store::open(client, raw_bucket, "");
  std::string data = random_bytes(3 << 20, 5);
  source->put("e1/db/t/1/part-00000.parquet", data);
  EXPECT_EQ(
      copy_between(*source, "e1/db/t/1/part-00000.parquet", *target,
                   "unrestricted/db/t/part-00000.parquet", {"", "bucket-owner-full-control", ""}),
      data.size());
  EXPECT_TRUE(target->read("unrestricted/db/t/part-00000.parquet") == data);
  EXPECT_EQ(kind_of([&] { copy_between(*source, "e1/missing", *target, "x"); }),
            ErrorKind::NotFound);
}

TEST(OpenStore, Locations) {
  EXPECT_NE(dynamic_cast<LocalStore*>(open_store("/tmp/some/folder").get()), nullptr);
  auto file = open_store("file:///tmp/x/");
  ASSERT_NE(dynamic_cast<LocalStore*>(file.get()), nullptr);
  EXPECT_EQ(file->describe(), "/tmp/x");
  EXPECT_EQ(file->describe("a/b"), "/tmp/x/a/b");
  auto m1 = open_store("memory://shared-name");
  m1->put("k", "v");
  EXPECT_EQ(open_store("memory://shared-name")->read("k"), "v");
  EXPECT_THROW(open_store(""), Error);
  EXPECT_EQ(kind_of([] { open_store("ftp://host/x"); }), ErrorKind::InvalidInput);
}

}  // namespace
}  // namespace snaplake::store
