// An RDS IAM database authentication token: a SigV4 presigned request for the "connect" action of
// service "rds-db", without its scheme, used as the database password
// (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Connecting.html):
//
//   <host>:<port>/?Action=connect&DBUser=<user>&X-Amz-Algorithm=AWS4-HMAC-SHA256
//     &X-Amz-Credential=<key id>%2F<yyyymmdd>%2F<region>%2Frds-db%2Faws4_request
//     &X-Amz-Date=<yyyymmddThhmmssZ>&X-Amz-Expires=900&X-Amz-SignedHeaders=host
//     [&X-Amz-Security-Token=<token>]&X-Amz-Signature=<hex>
//
// Query-string signing (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
// "add the signature to the query string"): the X-Amz-* parameters but the signature are part of
// the canonical query, the only signed header is host ("<host>:<port>"), the method GET, the path
// "/", the payload the empty string's hash. The parameters are in the order the AWS SDKs write
// them (botocore's generate_db_auth_token). A token is valid for 15 minutes (X-Amz-Expires=900)
// for opening connections; an open connection stays open. The server accepts it over TLS only.
// A pure function of its inputs (the time is a parameter), tested against botocore's.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "aws/sigv4.h"

namespace snaplake::aws {

std::string rds_auth_token(std::string_view host, int port, std::string_view user,
                           std::string_view region, const Credentials& credentials,
                           std::chrono::system_clock::time_point time);

}  // namespace snaplake::aws
