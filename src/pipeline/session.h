// The one AWS session of a pipeline process (docs/configuration.md, "[aws]"): built once from the
// configuration's [aws] and the AWS conventions, then handed to every client the process makes —
// the SQS queues, the S3 stores of exports and landings, the notifications, RDS, Glue — so that
// they all sign for one region and talk to one set of endpoints with one credentials chain.
//
// Precedence, for each setting:
//   region:    [aws] region (or SNAPLAKE_AWS_REGION) > AWS_REGION > AWS_DEFAULT_REGION >
//              the profile's region (AWS_PROFILE, ~/.aws/config) > us-east-1
//   endpoints: AWS_ENDPOINT_URL_<SERVICE> > [aws] endpoint_url (or SNAPLAKE_AWS_ENDPOINT_URL) >
//              AWS_ENDPOINT_URL > AWS's regional endpoint
//   credentials: the standard chain (aws/credentials.h), never the configuration
#pragma once

#include <memory>

#include "aws/config.h"
#include "aws/session.h"
#include "pipeline/config.h"

namespace snaplake::pipeline {

std::shared_ptr<const aws::AwsSession> aws_session(
    const Config& config, const aws::Environment& env = aws::process_environment());

}  // namespace snaplake::pipeline
