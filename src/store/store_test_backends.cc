#include "store/store_test_backends.h"

#include <stdlib.h>

#include <filesystem>

#include "store/local_store.h"
#include "store/memory_store.h"

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
  });
  return out;
}

}  // namespace snaplake::store::conformance
