#include "pipeline/session.h"

namespace snaplake::pipeline {

std::shared_ptr<const aws::AwsSession> aws_session(const Config& config,
                                                   const aws::Environment& env) {
  return aws::AwsSession::from_environment({config.aws.region, config.aws.endpoint_url}, env);
}

}  // namespace snaplake::pipeline
