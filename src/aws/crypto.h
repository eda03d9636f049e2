// The few digests AWS needs (OpenSSL underneath): SHA-256 for payload hashes and the canonical
// request, HMAC-SHA256 for the SigV4 key chain, MD5 for S3's Content-MD5 on DeleteObjects.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace snaplake::aws {

std::string sha256(std::string_view data);  // 32 raw bytes
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string md5(std::string_view data);                                // 16 raw bytes
std::string hex(std::string_view bytes);                               // lowercase
std::string base64(std::string_view bytes);

// SHA-256 of the empty string: the payload hash of a request without a body.
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace snaplake::aws
