#include "aws/s3_client.h"

#include <algorithm>
#include <pugixml.hpp>
#include <sstream>

#include "aws/crypto.h"

namespace snaplake::aws {
namespace {

constexpr uint64_t kCopyPartSize = 512ull << 20;  // UploadPartCopy part size above 5 GiB

pugi::xml_document parse_xml(const std::string& body, std::string_view what) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) {
    fail(ErrorKind::Network, "cannot {}: S3 answered with malformed XML", what);
  }
  return doc;
}

// CompleteMultipartUpload, CopyObject and UploadPartCopy may answer 200 with an <Error> body.
void check_embedded_error(const pugi::xml_document& doc, std::string_view what) {
  pugi::xml_node error = doc.child("Error");
  if (!error) return;
  std::string code = error.child("Code").text().as_string();
  std::string message = error.child("Message").text().as_string();
  ErrorKind kind = is_retryable(200, code) ? ErrorKind::Network : ErrorKind::InvalidInput;
  throw AwsError(kind, fmt::format("cannot {}: {}: {}", what, code, message), 200, code);
}

std::string xml_text(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

std::string copy_source(std::string_view bucket, std::string_view key) {
  return "/" + std::string(bucket) + "/" + uri_encode(key, false);
}

}  // namespace

std::string s3_uri(std::string_view bucket, std::string_view key) {
  return key.empty() ? fmt::format("s3://{}", bucket) : fmt::format("s3://{}/{}", bucket, key);
}

std::shared_ptr<S3Client> S3Client::from_config(const AwsConfig& config,
                                                std::shared_ptr<AwsClient> client) {
  return std::make_shared<S3Client>(std::move(client), config.endpoint_for("S3", "s3"),
                                    config.has_custom_endpoint("S3"));
}

AwsRequest S3Client::request(std::string_view method, std::string_view bucket,
                             std::string_view key) const {
  AwsRequest r;
  r.service = "s3";
  r.method = std::string(method);
  r.content_sha256_header = true;
  std::string encoded_key = key.empty() ? "" : "/" + uri_encode(key, false);
  if (path_style_ || bucket.find('.') != std::string_view::npos) {
    r.endpoint = endpoint_;
    r.path = "/" + std::string(bucket) + encoded_key;
  } else {
    size_t scheme = endpoint_.find("://");
    r.endpoint =
        endpoint_.substr(0, scheme + 3) + std::string(bucket) + "." + endpoint_.substr(scheme + 3);
    r.path = encoded_key.empty() ? "/" : encoded_key;
  }
  return r;
}

void S3Client::add_write_headers(AwsRequest& request, const S3WriteOptions& options) {
  if (!options.kms_key_id.empty()) {
    request.headers.emplace_back("x-amz-server-side-encryption", "aws:kms");
    request.headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", options.kms_key_id);
  }
  if (!options.acl.empty()) request.headers.emplace_back("x-amz-acl", options.acl);
}

void S3Client::create_bucket(std::string_view bucket) {
  AwsRequest r = request("PUT", bucket, "");
  std::string body;
  if (client_->region() != "us-east-1") {
    body = fmt::format(
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
        client_->region());
    r.body = body;
  }
  client_->send(r, fmt::format("create bucket '{}'", bucket));
}

void S3Client::put_object(std::string_view bucket, std::string_view key, std::string_view body,
                          const S3WriteOptions& options) {
  AwsRequest r = request("PUT", bucket, key);
  r.headers.emplace_back("content-type", options.content_type.empty() ? "application/octet-stream"
                                                                      : options.content_type);
  add_write_headers(r, options);
  r.body = body;
  client_->send(r, fmt::format("write '{}'", s3_uri(bucket, key)));
}

std::string S3Client::get_object(std::string_view bucket, std::string_view key, uint64_t offset,
                                 std::optional<uint64_t> length) {
  std::string what = fmt::format("read '{}'", s3_uri(bucket, key));
  if (length && *length == 0) {
    if (!head_object(bucket, key)) {
      fail(ErrorKind::NotFound, "cannot {}: no such object", what);
    }
    return "";
  }
  AwsRequest r = request("GET", bucket, key);
  if (offset > 0 || length) {
    std::string last = length ? std::to_string(offset + *length - 1) : "";
    r.headers.emplace_back("range", fmt::format("bytes={}-{}", offset, last));
  }
  HttpResponse response = client_->send(r, what, {416});
  if (response.status == 416) {
    // The range starts at or past the end: empty at the end, an error beyond it.
    auto head = head_object(bucket, key);
    if (!head) fail(ErrorKind::NotFound, "cannot {}: no such object", what);
    if (offset == head->size) return "";
    fail(ErrorKind::InvalidInput, "cannot {}: offset {} is past the end ({} bytes)", what, offset,
         head->size);
  }
  return std::move(response.body);
}

std::optional<S3Object> S3Client::head_object(std::string_view bucket, std::string_view key) {
  HttpResponse response = client_->send(request("HEAD", bucket, key),
                                        fmt::format("head '{}'", s3_uri(bucket, key)), {404});
  if (response.status == 404) return std::nullopt;
  S3Object object{std::string(key), 0, response.header("etag").value_or("")};
  object.size = std::stoull(response.header("content-length").value_or("0"));
  return object;
}

std::optional<S3Client::VersionedBody> S3Client::get_object_versioned(std::string_view bucket,
                                                                      std::string_view key) {
  HttpResponse response = client_->send(request("GET", bucket, key),
                                        fmt::format("read '{}'", s3_uri(bucket, key)), {404});
  if (response.status == 404) {
    if (response.body.find("<Code>NoSuchBucket</Code>") != std::string::npos) {
      fail(ErrorKind::NotFound, "cannot read '{}': HTTP 404 NoSuchBucket", s3_uri(bucket, key));
    }
    return std::nullopt;
  }
  return VersionedBody{std::move(response.body), response.header("etag").value_or("")};
}

std::optional<std::string> S3Client::put_object_if(std::string_view bucket, std::string_view key,
                                                   std::string_view body, std::string_view if_match,
                                                   const S3WriteOptions& options) {
  AwsRequest r = request("PUT", bucket, key);
  r.headers.emplace_back("content-type", options.content_type.empty() ? "application/octet-stream"
                                                                      : options.content_type);
  if (if_match.empty()) {
    r.headers.emplace_back("if-none-match", "*");
  } else {
    r.headers.emplace_back("if-match", std::string(if_match));
  }
  add_write_headers(r, options);
  r.body = body;
  HttpResponse response = client_->send(
      r, fmt::format("write '{}' conditionally", s3_uri(bucket, key)), {409, 412, 404});
  if (response.status == 412 || response.status == 409) return std::nullopt;
  if (response.status == 404) {
    if (if_match.empty()) {
      fail(ErrorKind::NotFound, "cannot write '{}': no such bucket", s3_uri(bucket, key));
    }
    return std::nullopt;  // If-Match on a key that was removed
  }
  auto etag = response.header("etag");
  if (!etag) {
    fail(ErrorKind::Network, "cannot write '{}' conditionally: no ETag in the answer",
         s3_uri(bucket, key));
  }
  return *etag;
}

std::vector<S3Object> S3Client::list_objects(std::string_view bucket, std::string_view prefix,
                                             size_t max_keys) {
  std::vector<S3Object> out;
  std::string token;
  std::string what = fmt::format("list '{}'", s3_uri(bucket, prefix));
  while (max_keys == 0 || out.size() < max_keys) {
    AwsRequest r = request("GET", bucket, "");
    size_t page = max_keys == 0 ? 1000 : std::min<size_t>(1000, max_keys - out.size());
    r.query = {{"list-type", "2"}, {"max-keys", std::to_string(page)}};
    if (!prefix.empty()) r.query.emplace_back("prefix", std::string(prefix));
    if (!token.empty()) r.query.emplace_back("continuation-token", token);
    std::string body = client_->send(r, what).body;
    auto doc = parse_xml(body, what);
    pugi::xml_node result = doc.child("ListBucketResult");
    for (pugi::xml_node item : result.children("Contents")) {
      out.push_back({item.child("Key").text().as_string(), item.child("Size").text().as_ullong(),
                     item.child("ETag").text().as_string()});
    }
    if (std::string_view(result.child("IsTruncated").text().as_string()) != "true") break;
    std::string next = result.child("NextContinuationToken").text().as_string();
    if (next.empty() || next == token) {
      fail(ErrorKind::Network, "cannot {}: truncated page without a continuation token", what);
    }
    token = std::move(next);
  }
  // S3 lists in UTF-8 binary order already; sort anyway so every backend agrees exactly.
  std::sort(out.begin(), out.end(),
            [](const S3Object& a, const S3Object& b) { return a.key < b.key; });
  return out;
}

void S3Client::delete_objects(std::string_view bucket, const std::vector<std::string>& keys) {
  for (size_t start = 0; start < keys.size(); start += kMaxDeleteBatch) {
    size_t end = std::min(keys.size(), start + kMaxDeleteBatch);
    pugi::xml_document doc;
    pugi::xml_node root = doc.append_child("Delete");
    root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
    root.append_child("Quiet").text() = "true";
    for (size_t i = start; i < end; ++i) {
      root.append_child("Object").append_child("Key").text() = keys[i].c_str();
    }
    std::string body = xml_text(doc);
    AwsRequest r = request("POST", bucket, "");
    r.query = {{"delete", ""}};
    r.headers = {{"content-type", "application/xml"}, {"content-md5", base64(md5(body))}};
    r.body = body;
    std::string what = fmt::format("delete {} objects in '{}' (first '{}')", end - start,
                                   s3_uri(bucket), keys[start]);
    auto answer = parse_xml(client_->send(r, what).body, what);
    for (pugi::xml_node error : answer.child("DeleteResult").children("Error")) {
      std::string code = error.child("Code").text().as_string();
      if (code == "NoSuchKey") continue;
      throw AwsError(code == "AccessDenied" ? ErrorKind::Auth : ErrorKind::Network,
                     fmt::format("cannot delete '{}': {}: {}",
                                 s3_uri(bucket, error.child("Key").text().as_string()), code,
                                 error.child("Message").text().as_string()),
                     200, code);
    }
  }
}

void S3Client::copy_object(std::string_view source_bucket, std::string_view source_key,
                           std::string_view bucket, std::string_view key,
                           const S3WriteOptions& options) {
  std::string what =
      fmt::format("copy '{}' to '{}'", s3_uri(source_bucket, source_key), s3_uri(bucket, key));
  auto source = head_object(source_bucket, source_key);
  if (!source) fail(ErrorKind::NotFound, "cannot {}: no such object", what);
  if (source->size <= kMaxSingleCopy) {
    AwsRequest r = request("PUT", bucket, key);
    r.headers.emplace_back("x-amz-copy-source", copy_source(source_bucket, source_key));
    add_write_headers(r, options);
    check_embedded_error(parse_xml(client_->send(r, what).body, what), what);
    return;
  }
  // Above 5 GiB CopyObject is refused: copy in parts, server-side.
  std::string upload_id = create_multipart_upload(bucket, key, options);
  try {
    std::vector<S3Part> parts;
    int number = 1;
    for (uint64_t first = 0; first < source->size; first += kCopyPartSize, ++number) {
      uint64_t last = std::min(source->size, first + kCopyPartSize) - 1;
      parts.push_back({number, upload_part_copy(bucket, key, upload_id, number, source_bucket,
                                                source_key, first, last)});
    }
    complete_multipart_upload(bucket, key, upload_id, parts);
  } catch (...) {
    abort_multipart_upload(bucket, key, upload_id);
    throw;
  }
}

std::string S3Client::create_multipart_upload(std::string_view bucket, std::string_view key,
                                              const S3WriteOptions& options) {
  std::string what = fmt::format("start an upload to '{}'", s3_uri(bucket, key));
  AwsRequest r = request("POST", bucket, key);
  r.query = {{"uploads", ""}};
  r.headers.emplace_back("content-type", options.content_type.empty() ? "application/octet-stream"
                                                                      : options.content_type);
  add_write_headers(r, options);
  auto doc = parse_xml(client_->send(r, what).body, what);
  std::string id = doc.child("InitiateMultipartUploadResult").child("UploadId").text().as_string();
  if (id.empty()) fail(ErrorKind::Network, "cannot {}: no UploadId in the answer", what);
  return id;
}

std::string S3Client::upload_part(std::string_view bucket, std::string_view key,
                                  std::string_view upload_id, int part_number,
                                  std::string_view body) {
  std::string what = fmt::format("upload part {} of '{}'", part_number, s3_uri(bucket, key));
  AwsRequest r = request("PUT", bucket, key);
  r.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}};
  r.body = body;
  auto etag = client_->send(r, what).header("etag");
  if (!etag) fail(ErrorKind::Network, "cannot {}: no ETag in the answer", what);
  return *etag;
}

std::string S3Client::upload_part_copy(std::string_view bucket, std::string_view key,
                                       std::string_view upload_id, int part_number,
                                       std::string_view source_bucket, std::string_view source_key,
                                       uint64_t first_byte, uint64_t last_byte) {
  std::string what = fmt::format("copy part {} of '{}' to '{}'", part_number,
                                 s3_uri(source_bucket, source_key), s3_uri(bucket, key));
  AwsRequest r = request("PUT", bucket, key);
  r.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", std::string(upload_id)}};
  r.headers = {{"x-amz-copy-source", copy_source(source_bucket, source_key)},
               {"x-amz-copy-source-range", fmt::format("bytes={}-{}", first_byte, last_byte)}};
  auto doc = parse_xml(client_->send(r, what).body, what);
  check_embedded_error(doc, what);
  std::string etag = doc.child("CopyPartResult").child("ETag").text().as_string();
  if (etag.empty()) fail(ErrorKind::Network, "cannot {}: no ETag in the answer", what);
  return etag;
}

void S3Client::complete_multipart_upload(std::string_view bucket, std::string_view key,
                                         std::string_view upload_id,
                                         const std::vector<S3Part>& parts) {
  std::string what = fmt::format("complete the upload to '{}'", s3_uri(bucket, key));
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  for (const auto& part : parts) {
    pugi::xml_node node = root.append_child("Part");
    node.append_child("PartNumber").text() = part.number;
    node.append_child("ETag").text() = part.etag.c_str();
  }
  std::string body = xml_text(doc);
  AwsRequest r = request("POST", bucket, key);
  r.query = {{"uploadId", std::string(upload_id)}};
  r.headers = {{"content-type", "application/xml"}};
  r.body = body;
  try {
    check_embedded_error(parse_xml(client_->send(r, what).body, what), what);
  } catch (const AwsError& e) {
    // If an earlier attempt completed the upload but its answer was lost, the retry finds no
    // upload: the object is there with a multipart ETag ("...-<parts>"), so it is done.
    if (e.code() != "NoSuchUpload") throw;
    auto object = head_object(bucket, key);
    if (!object || !object->etag.ends_with(fmt::format("-{}\"", parts.size()))) throw;
  }
}

void S3Client::abort_multipart_upload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) {
  AwsRequest r = request("DELETE", bucket, key);
  r.query = {{"uploadId", std::string(upload_id)}};
  client_->send(r, fmt::format("abort the upload to '{}'", s3_uri(bucket, key)), {404});
}

std::vector<S3Client::PendingUpload> S3Client::list_multipart_uploads(std::string_view bucket,
                                                                      std::string_view prefix) {
  std::string what = fmt::format("list uploads in '{}'", s3_uri(bucket, prefix));
  std::vector<PendingUpload> uploads;
  std::string key_marker, upload_id_marker;
  while (true) {
    AwsRequest r = request("GET", bucket, "");
    r.query = {{"uploads", ""}};
    if (!prefix.empty()) r.query.emplace_back("prefix", std::string(prefix));
    if (!key_marker.empty()) r.query.emplace_back("key-marker", key_marker);
    if (!upload_id_marker.empty()) r.query.emplace_back("upload-id-marker", upload_id_marker);
    auto doc = parse_xml(client_->send(r, what).body, what);
    pugi::xml_node result = doc.child("ListMultipartUploadsResult");
    for (pugi::xml_node upload : result.children("Upload")) {
      uploads.push_back(
          {upload.child("Key").text().as_string(), upload.child("UploadId").text().as_string()});
    }
    if (std::string_view(result.child("IsTruncated").text().as_string()) != "true") break;
    key_marker = result.child("NextKeyMarker").text().as_string();
    upload_id_marker = result.child("NextUploadIdMarker").text().as_string();
    if (key_marker.empty() && upload_id_marker.empty())
      fail(ErrorKind::Network, "cannot {}: a truncated page without a next marker", what);
  }
  return uploads;
}

}  // namespace snaplake::aws
