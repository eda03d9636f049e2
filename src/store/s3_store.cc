#include "store/s3_store.h"

#include <deque>
#include <future>

#include "aws/config.h"
#include "aws/credentials.h"
#include "common/error.h"
#include "common/log.h"
#include "store/object_key.h"

namespace snaplake::store {
namespace {

aws::S3WriteOptions s3_options(const WriteOptions& options) {
  return {options.kms_key_id, options.acl, options.content_type};
}

// A multipart upload with every part sent, completed on publish(), aborted otherwise.
class S3Staged final : public StagedObject {
 public:
  S3Staged(std::shared_ptr<aws::S3Client> client, std::string bucket, std::string key,
           std::string upload_id, std::vector<aws::S3Part> parts, uint64_t size)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        upload_id_(std::move(upload_id)),
        parts_(std::move(parts)),
        size_(size) {}
  ~S3Staged() override { discard(); }

  void publish() override {
    if (done_) fail(ErrorKind::Internal, "cannot publish '{}' twice", aws::s3_uri(bucket_, key_));
    try {
      client_->complete_multipart_upload(bucket_, key_, upload_id_, parts_);
    } catch (...) {
      discard();
      throw;
    }
    done_ = true;
  }
  void discard() noexcept override {
    if (done_) return;
    done_ = true;
    try {
      client_->abort_multipart_upload(bucket_, key_, upload_id_);
    } catch (const std::exception& e) {
      log::warn("{}", e.what());
    }
  }
  uint64_t size() const override { return size_; }

 private:
  std::shared_ptr<aws::S3Client> client_;
  std::string bucket_;
  std::string key_;
  std::string upload_id_;
  std::vector<aws::S3Part> parts_;
  uint64_t size_;
  bool done_ = false;
};

class S3Upload final : public Upload {
 public:
  S3Upload(std::shared_ptr<aws::S3Client> client, std::string bucket, std::string key,
           aws::S3WriteOptions options)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        options_(std::move(options)) {}
  ~S3Upload() override { abort(); }

  void write(std::span<const uint8_t> bytes) override {
    if (closed_) {
      fail(ErrorKind::Internal, "cannot write '{}': upload already closed",
           aws::s3_uri(bucket_, key_));
    }
    try {
      while (!bytes.empty()) {
        size_t room = part_size() - buffer_.size();
        size_t n = std::min(room, bytes.size());
        buffer_.append(reinterpret_cast<const char*>(bytes.data()), n);
        bytes = bytes.subspan(n);
        position_ += n;
        if (buffer_.size() == part_size()) send_part();
      }
    } catch (...) {
      abort();
      throw;
    }
  }

  void commit() override {
    if (closed_) {
      fail(ErrorKind::Internal, "cannot commit '{}': upload already closed",
           aws::s3_uri(bucket_, key_));
    }
    try {
      if (upload_id_.empty()) {
        client_->put_object(bucket_, key_, buffer_, options_);  // small: one request
      } else {
        if (!buffer_.empty()) send_part();
        while (!in_flight_.empty()) finish_oldest();
        client_->complete_multipart_upload(bucket_, key_, upload_id_, parts_);
      }
      closed_ = true;
      buffer_.clear();
      buffer_.shrink_to_fit();
    } catch (...) {
      abort();
      throw;
    }
  }

  std::unique_ptr<StagedObject> stage() override {
    if (closed_) {
      fail(ErrorKind::Internal, "cannot commit '{}': upload already closed",
           aws::s3_uri(bucket_, key_));
    }
    try {
      // Even a small object goes as a multipart upload here: only completing one is deferred.
      // (A single part may be smaller than S3's 5 MiB minimum: only parts before the last
      // must reach it.)
      if (!buffer_.empty() || parts_started_ == 0) send_part();
      while (!in_flight_.empty()) finish_oldest();
      closed_ = true;
      buffer_.clear();
      buffer_.shrink_to_fit();
      return std::make_unique<S3Staged>(client_, bucket_, key_, std::exchange(upload_id_, {}),
                                        std::move(parts_), position_);
    } catch (...) {
      abort();
      throw;
    }
  }

  void abort() noexcept override {
    if (closed_) return;
    closed_ = true;
    for (auto& part : in_flight_) {
      try {
        part.etag.get();
      } catch (...) {  // the upload is being thrown away; its part errors do not matter
      }
    }
    in_flight_.clear();
    if (!upload_id_.empty()) {
      try {
        client_->abort_multipart_upload(bucket_, key_, upload_id_);
      } catch (const std::exception& e) {
        log::warn("{}", e.what());
      }
    }
    buffer_.clear();
  }

  uint64_t position() const override { return position_; }

 private:
  struct InFlight {
    int number;
    std::future<std::string> etag;
  };

  // Parts grow by kPartSize every 1000 parts: 8 MiB x 1000, 16 MiB x 1000, ... so that the
  // 10000-part limit allows ~430 GiB while small objects keep small parts.
  size_t part_size() const {
    return static_cast<size_t>(S3Store::kPartSize * (1 + parts_started_ / 1000));
  }

  void send_part() {
    if (upload_id_.empty()) upload_id_ = client_->create_multipart_upload(bucket_, key_, options_);
    if (parts_started_ >= aws::S3Client::kMaxParts) {
      fail(ErrorKind::Unsupported, "cannot write '{}': more than {} parts",
           aws::s3_uri(bucket_, key_), aws::S3Client::kMaxParts);
    }
    while (in_flight_.size() >= S3Store::kMaxPartsInFlight) finish_oldest();
    int number = ++parts_started_;  // S3 part numbers start at 1
    std::string body = std::move(buffer_);
    buffer_ = std::string();
    buffer_.reserve(part_size());
    in_flight_.push_back(
        {number, std::async(std::launch::async, [client = client_, bucket = bucket_, key = key_,
                                                 id = upload_id_, number, body = std::move(body)] {
           return client->upload_part(bucket, key, id, number, body);
         })});
  }

  void finish_oldest() {
    InFlight part = std::move(in_flight_.front());
    in_flight_.pop_front();
    parts_.push_back({part.number, part.etag.get()});  // rethrows the part's error
  }

  std::shared_ptr<aws::S3Client> client_;
  std::string bucket_;
  std::string key_;
  aws::S3WriteOptions options_;
  std::string buffer_;
  std::string upload_id_;
  std::deque<InFlight> in_flight_;
  std::vector<aws::S3Part> parts_;
  int parts_started_ = 0;
  uint64_t position_ = 0;
  bool closed_ = false;
};

bool valid_bucket_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-')) {
      return false;
    }
  }
  return std::isalnum(static_cast<unsigned char>(name.front())) &&
         std::isalnum(static_cast<unsigned char>(name.back()));
}

}  // namespace

std::pair<std::string, std::string> parse_s3_location(std::string_view location) {
  if (!location.starts_with("s3://")) {
    fail(ErrorKind::InvalidInput, "invalid S3 location '{}': expected s3://bucket[/prefix]",
         location);
  }
  std::string_view rest = location.substr(5);
  size_t slash = rest.find('/');
  std::string bucket(rest.substr(0, slash));
  std::string prefix(slash == std::string_view::npos ? "" : rest.substr(slash + 1));
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!valid_bucket_name(bucket)) {
    fail(ErrorKind::InvalidInput,
         "invalid S3 location '{}': bucket name '{}' must be 3-63 lowercase letters, digits, "
         "'.' or '-'",
         location, bucket);
  }
  if (!prefix.empty()) {
    try {
      validate_key(prefix);
    } catch (const Error& e) {
      fail(ErrorKind::InvalidInput, "invalid S3 location '{}': {}", location, e.what());
    }
  }
  return {bucket, prefix};
}

std::unique_ptr<S3Store> S3Store::open(std::string_view location,
                                       std::shared_ptr<const aws::AwsSession> session) {
  auto [bucket, prefix] = parse_s3_location(location);
  if (!session) session = aws::AwsSession::from_environment();
  return open(aws::S3Client::from_config(session->config, session->client), std::move(bucket),
              std::move(prefix));
}

std::unique_ptr<S3Store> S3Store::open(std::shared_ptr<aws::S3Client> client, std::string bucket,
                                       std::string prefix) {
  return std::unique_ptr<S3Store>(
      new S3Store(std::move(client), std::move(bucket), std::move(prefix)));
}

std::string S3Store::full_key(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "/" + std::string(key);
}

std::string S3Store::describe(std::string_view key) const {
  if (key.empty()) return aws::s3_uri(bucket_, prefix_);
  return aws::s3_uri(bucket_, full_key(key));
}

std::unique_ptr<Upload> S3Store::create(std::string_view key, const WriteOptions& options) {
  validate_key(key);
  return std::make_unique<S3Upload>(client_, bucket_, full_key(key), s3_options(options));
}

std::optional<ObjectInfo> S3Store::head(std::string_view key) {
  validate_key(key);
  auto object = client_->head_object(bucket_, full_key(key));
  if (!object) return std::nullopt;
  return ObjectInfo{std::string(key), object->size, object->etag};
}

std::string S3Store::read(std::string_view key, uint64_t offset, std::optional<uint64_t> length) {
  validate_key(key);
  return client_->get_object(bucket_, full_key(key), offset, length);
}

std::vector<ObjectInfo> S3Store::list(std::string_view prefix) {
  validate_prefix(prefix);
  std::string root = prefix_.empty() ? "" : prefix_ + "/";
  std::vector<ObjectInfo> out;
  for (auto& object : client_->list_objects(bucket_, root + std::string(prefix))) {
    out.push_back({object.key.substr(root.size()), object.size, std::move(object.etag)});
  }
  return out;
}

std::vector<ObjectInfo> S3Store::list_first(std::string_view prefix, size_t limit) {
  validate_prefix(prefix);
  std::vector<ObjectInfo> out;
  if (limit == 0) return out;
  std::string root = prefix_.empty() ? "" : prefix_ + "/";
  for (auto& object : client_->list_objects(bucket_, root + std::string(prefix), limit)) {
    out.push_back({object.key.substr(root.size()), object.size, std::move(object.etag)});
  }
  return out;
}

size_t S3Store::remove_incomplete(std::string_view prefix,
                                  const std::function<bool(std::string_view key)>& keep) {
  validate_prefix(prefix);
  std::string root = prefix_.empty() ? "" : prefix_ + "/";
  auto uploads = client_->list_multipart_uploads(bucket_, root + std::string(prefix));
  size_t removed = 0;
  for (const auto& upload : uploads) {
    if (keep && keep(std::string_view(upload.key).substr(root.size()))) continue;
    client_->abort_multipart_upload(bucket_, upload.key, upload.upload_id);
    ++removed;
  }
  return removed;
}

std::optional<VersionedObject> S3Store::read_versioned(std::string_view key) {
  validate_key(key);
  auto object = client_->get_object_versioned(bucket_, full_key(key));
  if (!object) return std::nullopt;
  return VersionedObject{std::move(object->body), std::move(object->etag)};
}

std::optional<std::string> S3Store::put_if(std::string_view key, std::string_view bytes,
                                           const Precondition& condition,
                                           const WriteOptions& options) {
  validate_key(key);
  std::string_view if_match =
      condition.kind == Precondition::Kind::Version ? std::string_view(condition.version) : "";
  if (condition.kind == Precondition::Kind::Version && if_match.empty()) {
    fail(ErrorKind::Internal, "conditional write of '{}' without a version", describe(key));
  }
  auto etag = client_->put_object_if(bucket_, full_key(key), bytes, if_match, s3_options(options));
  if (etag) return etag;
  // A request the client retried (its first answer lost) can fail its condition against its own
  // earlier success: the object then holds exactly these bytes.
  auto now = read_versioned(key);
  if (now && now->bytes == bytes) return now->version;
  return std::nullopt;
}

std::optional<NativeLocation> S3Store::locate(std::string_view key) const {
  return NativeLocation{NativeLocation::Kind::S3, client_->endpoint(), bucket_, full_key(key), ""};
}

bool S3Store::native_copy(const NativeLocation& from, uint64_t, std::string_view target_key,
                          const WriteOptions& options) {
  if (from.kind != NativeLocation::Kind::S3 || from.endpoint != client_->endpoint()) return false;
  validate_key(target_key);
  client_->copy_object(from.bucket, from.key, bucket_, full_key(target_key), s3_options(options));
  return true;
}

std::unique_ptr<StagedObject> S3Store::stage_native_copy(const NativeLocation& from, uint64_t size,
                                                         std::string_view target_key,
                                                         const WriteOptions& options) {
  if (from.kind != NativeLocation::Kind::S3 || from.endpoint != client_->endpoint()) {
    return nullptr;
  }
  validate_key(target_key);
  std::string key = full_key(target_key);
  std::string upload_id = client_->create_multipart_upload(bucket_, key, s3_options(options));
  try {
    // One UploadPartCopy up to S3's 5 GiB part limit, 512 MiB parts above; an empty object is
    // one empty part (a copy range cannot be empty).
    std::vector<aws::S3Part> parts;
    if (size == 0) parts.push_back({1, client_->upload_part(bucket_, key, upload_id, 1, "")});
    const uint64_t part_size = size <= aws::S3Client::kMaxPartSize ? size : (512ull << 20);
    int number = 1;
    for (uint64_t first = 0; first < size; first += part_size, ++number) {
      uint64_t last = std::min(size, first + part_size) - 1;
      parts.push_back({number, client_->upload_part_copy(bucket_, key, upload_id, number,
                                                         from.bucket, from.key, first, last)});
    }
    return std::make_unique<S3Staged>(client_, bucket_, std::move(key), std::move(upload_id),
                                      std::move(parts), size);
  } catch (...) {
    try {
      client_->abort_multipart_upload(bucket_, key, upload_id);
    } catch (const std::exception& e) {
      log::warn("{}", e.what());
    }
    throw;
  }
}

void S3Store::remove(std::span<const std::string> keys) {
  std::vector<std::string> full;
  for (const auto& key : keys) {
    validate_key(key);
    full.push_back(full_key(key));
  }
  client_->delete_objects(bucket_, full);
}

void S3Store::copy(std::string_view source_key, std::string_view target_key,
                   const WriteOptions& options) {
  validate_key(source_key);
  validate_key(target_key);
  client_->copy_object(bucket_, full_key(source_key), bucket_, full_key(target_key),
                       s3_options(options));
}

}  // namespace snaplake::store
