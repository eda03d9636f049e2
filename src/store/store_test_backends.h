// The backends the conformance suite runs against (test-only). Each makes a fresh, empty store;
// a backend that needs a server (S3 on moto_server) says why it is unavailable instead.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "aws/s3_client.h"
#include "store/object_store.h"

namespace snaplake::store::conformance {

struct Backend {
  std::string name;
  // "" when usable, else the reason to skip (e.g. SNAPLAKE_TEST_S3_ENDPOINT is unset).
  std::function<std::string()> unavailable;
  std::function<std::unique_ptr<ObjectStore>()> make;
  std::function<void(ObjectStore&)> cleanup;  // may be empty
  // Whether an upload's leftovers outlive a process killed before commit (temp files,
  // multipart uploads); not so in memory.
  bool uploads_outlive_the_process = true;
};

std::vector<Backend> backends();

// Test names and messages show the backend's name (GoogleTest finds this by ADL).
inline void PrintTo(const Backend& backend, std::ostream* out) {
  *out << backend.name;
}

// An S3 client for moto_server at `endpoint` (path-style, us-east-1).
std::shared_ptr<aws::S3Client> test_s3_client(const std::string& endpoint,
                                              aws::Credentials credentials = {
                                                  "test", "test", "", {}});
// A bucket name nobody else uses: "<stem>-<random hex>".
std::string fresh_bucket_name(std::string_view stem);

}  // namespace snaplake::store::conformance
