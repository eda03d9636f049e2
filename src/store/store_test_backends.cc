#include "store/store_test_backends.h"

#include <stdlib.h>

#include <filesystem>
#include <random>

#include "store/local_store.h"
#include "store/memory_store.h"
#include "store/s3_store.h"

namespace snaplake::store::conformance {

std::vector<Backend> backends() {
  std::vector<Backend> out;
  out.push_back({
      "Local",
      [] { return std::string(); },
      []() -> std::unique_ptr<ObjectStore> {
        char pattern[] = "/tmp/snaplake-store-test-XXXXXX";
        if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
        // A root that does not exist yet: the first upload creates it.
        return LocalStore::open(std::filesystem::path(pattern) / "root");
      },
      [](ObjectStore& store) {
        auto& local = dynamic_cast<LocalStore&>(store);
        std::filesystem::remove_all(local.root().parent_path());
      },
  });
  out.push_back({
      "Memory",
      [] { return std::string(); },
      []() -> std::unique_ptr<ObjectStore> { return MemoryStore::create_isolated(); },
      {},
      false,
  });
  out.push_back({
      "S3",
      [] {
        return std::getenv("SNAPLAKE_TEST_S3_ENDPOINT")
                   ? std::string()
                   : std::string("SNAPLAKE_TEST_S3_ENDPOINT is not set (no moto_server)");
      },
      []() -> std::unique_ptr<ObjectStore> {
        auto client = test_s3_client(std::getenv("SNAPLAKE_TEST_S3_ENDPOINT"));
        std::string bucket = fresh_bucket_name("conformance");
        client->create_bucket(bucket);
        // A prefix, so that the store's key <-> bucket key mapping is exercised too.
        return S3Store::open(client, bucket, "root/prefix");
      },
      {},
  });
  return out;
}

std::shared_ptr<aws::S3Client> test_s3_client(const std::string& endpoint,
                                              aws::Credentials credentials) {
  aws::AwsConfig config;
  config.region = "us-east-1";
  config.service_endpoints["S3"] = endpoint;
  auto client = std::make_shared<aws::AwsClient>(
      aws::HttpClient::create(), aws::static_credentials(std::move(credentials)), config.region);
  return aws::S3Client::from_config(config, client);
}

std::string fresh_bucket_name(std::string_view stem) {
  std::random_device device;
  return fmt::format("{}-{:016x}", stem, std::uniform_int_distribution<uint64_t>()(device));
}

}  // namespace snaplake::store::conformance
