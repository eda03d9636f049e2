#include "pipeline/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "common/error.h"

namespace snaplake::pipeline {
namespace {

using ::testing::HasSubstr;

Environment env_of(std::map<std::string, std::string> values) {
  std::vector<std::string> names;
  for (const auto& [name, value] : values) names.push_back(name);
  return Environment(
      [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
        auto it = values.find(std::string(name));
        if (it == values.end()) return std::nullopt;
        return it->second;
      },
      std::move(names));
}

Config parse(std::string_view text, std::map<std::string, std::string> env = {}) {
  return parse_config(text, "/etc/snaplake/snaplake.toml", "/etc/snaplake", env_of(std::move(env)));
}

// The message of the Error(Config) that parsing `text` throws.
std::string config_error(std::string_view text, std::map<std::string, std::string> env = {}) {
  try {
    parse(text, std::move(env));
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Config) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return "";
}

constexpr std::string_view kFull = R"(
[queue]
backend = "sqlite"
path = "state/queue.db"
max_receives = 3
visibility_timeout = "90s"

[export]
to = "s3://export-bucket/snaplake"
compression = "zstd"
types = "typed"
jobs = 4
kms_key_id = "alias/exports"
max_wait = "2h"

[landing]
to = "/data/landing"
service_area = "restricted"
kms_key_id = "alias/raw"
notify = "sqs:https://sqs.eu-west-2.amazonaws.com/1/landed"
max_wait = "3d"

[aws]
region = "eu-west-1"
endpoint_url = "http://127.0.0.1:5000"

[[instances]]
id = "social-care-db"
engine = "postgres"
source = "postgresql://admin@db.internal:5432/social_care"
databases = ["social_care", "audit"]
password_secret_arn = "arn:aws:secretsmanager:eu-west-2:1:secret:rds-admin-AbCdEf"

[[instances]]
id = "payroll-db"
source = "postgresql://iam_reader@payroll.abc.eu-west-2.rds.amazonaws.com/payroll?sslmode=verify-full"
iam_auth = true

[[instances]]
id = "housing-db"
engine = "rds"
iam_role_arn = "arn:aws:iam::1:role/export"
kms_key_id = "arn:aws:kms:eu-west-2:1:key/k"
export_bucket = "rds-exports"
)";

TEST(Config, ReadsEveryKey) {
  Config c = parse(kFull);
  EXPECT_EQ(c.file, "/etc/snaplake/snaplake.toml");
  EXPECT_EQ(c.queue.backend, QueueBackend::Sqlite);
  EXPECT_EQ(c.queue.path, "/etc/snaplake/state/queue.db");
  EXPECT_EQ(c.queue.max_receives, 3);
  EXPECT_EQ(c.queue.visibility_timeout, std::chrono::seconds(90));
  EXPECT_EQ(c.export_.to, "s3://export-bucket/snaplake");
  EXPECT_EQ(c.export_.compression, parquet::Codec::Zstd);
  EXPECT_EQ(c.export_.types, types::Profile::Typed);
  EXPECT_EQ(c.export_.jobs, 4);
  EXPECT_EQ(c.export_.max_wait, std::chrono::hours(2));
  EXPECT_EQ(c.landing.max_wait, std::chrono::hours(72));
  EXPECT_EQ(c.landing.to, "/data/landing");
  EXPECT_EQ(c.landing.service_area, "restricted");
  EXPECT_EQ(c.landing.kms_key_id, "alias/raw");
  EXPECT_EQ(c.aws.region, "eu-west-1");
  EXPECT_EQ(c.aws.endpoint_url, "http://127.0.0.1:5000");
  EXPECT_EQ(c.export_.kms_key_id, "alias/exports");
  EXPECT_EQ(export_options(c, c.instances[0]).kms_key_id, "alias/exports");
  ASSERT_EQ(c.instances.size(), 3u);
  EXPECT_EQ(c.instances[0].id, "social-care-db");
  EXPECT_EQ(c.instances[0].databases, (std::vector<std::string>{"social_care", "audit"}));
  EXPECT_EQ(c.instances[0].password_secret_arn,
            "arn:aws:secretsmanager:eu-west-2:1:secret:rds-admin-AbCdEf");
  EXPECT_FALSE(c.instances[0].iam_auth);
  EXPECT_TRUE(c.instances[1].iam_auth);
  EXPECT_EQ(c.instances[2].engine, Engine::Rds);
  EXPECT_EQ(c.instances[2].export_bucket, "rds-exports");
  ASSERT_NE(c.find_instance("housing-db"), nullptr);
  EXPECT_EQ(c.find_instance("nope"), nullptr);
  EXPECT_EQ(c.status_path(), "/etc/snaplake/state/status.db");
}

TEST(Config, ExportKmsKeyNeedsAnS3Destination) {
  EXPECT_THAT(config_error("[export]\nto = \"exports\"\nkms_key_id = \"alias/x\"\n"),
              HasSubstr("[export] kms_key_id 'alias/x': SSE-KMS needs an s3:// destination, and "
                        "[export] to is '/etc/snaplake/exports'"));
  EXPECT_THAT(config_error("", {{"SNAPLAKE_EXPORT_KMS_KEY_ID", "alias/x"}}),
              HasSubstr("[export] kms_key_id 'alias/x'"));
}

TEST(Config, IamAuthNeedsTlsAUserAndAHost) {
  auto instance = [](std::string_view source, std::string_view more = "iam_auth = true") {
    return fmt::format("[[instances]]\nid = \"a\"\nsource = \"{}\"\n{}\n", source, more);
  };
  EXPECT_NO_THROW(parse(instance("postgresql://u@h.example/db?sslmode=require")));
  EXPECT_NO_THROW(parse(instance("postgresql://u@h.example/db?sslmode=verify-ca")));
  EXPECT_THAT(config_error(instance("postgresql://u@h.example/db")),
              HasSubstr("iam_auth needs TLS: add ?sslmode=require (or verify-ca, verify-full) to "
                        "the URI (it has none)"));
  EXPECT_THAT(config_error(instance("postgresql://u@h.example/db?sslmode=prefer")),
              HasSubstr("(it has sslmode=prefer)"));
  EXPECT_THAT(config_error(instance("postgresql://h.example/db?sslmode=require")),
              HasSubstr("iam_auth needs the URI to name the user"));
  EXPECT_THAT(config_error(instance("postgresql://u@h.example/db?sslmode=require",
                                    "iam_auth = true\npassword_secret_arn = \"arn:x\"")),
              HasSubstr("use either iam_auth or password_secret_arn, not both"));
  EXPECT_THAT(config_error(instance("postgresql://u@h.example/db", "iam_auth = \"yes\"")),
              HasSubstr("iam_auth: expected true or false, got a string"));
  EXPECT_THAT(config_error("[[instances]]\nid = \"r\"\nengine = \"rds\"\niam_role_arn = \"x\"\n"
                           "kms_key_id = \"k\"\nexport_bucket = \"b\"\n"
                           "password_secret_arn = \"arn:x\"\n"),
              HasSubstr("password_secret_arn: applies to engines that connect to the database"));
  // MySQL: a secret, not an IAM token (yet).
  EXPECT_NO_THROW(
      parse("[[instances]]\nid = \"m\"\nengine = \"mysql\"\n"
            "source = \"mysql://h.example/db?ssl-mode=REQUIRED\"\n"
            "password_secret_arn = \"arn:x\"\n"));
  EXPECT_THAT(config_error("[[instances]]\nid = \"m\"\nengine = \"mysql\"\n"
                           "source = \"mysql://u@h.example/db?ssl-mode=REQUIRED\"\n"
                           "iam_auth = true\n"),
              HasSubstr("iam_auth: is not supported for engine \"mysql\" yet"));
}

TEST(Config, DefaultsAreTheEmbeddedOnesResolvedAgainstTheFile) {
  Config c = parse("");
  EXPECT_EQ(c.queue.backend, QueueBackend::Sqlite);
  EXPECT_EQ(c.queue.path, "/etc/snaplake/.snaplake/queue.db");
  EXPECT_EQ(c.queue.max_receives, 4);
  EXPECT_EQ(c.queue.visibility_timeout, std::chrono::minutes(15));
  EXPECT_EQ(c.export_.to, "/etc/snaplake/exports");
  EXPECT_EQ(c.export_.compression, parquet::Codec::Snappy);
  EXPECT_EQ(c.export_.jobs, 2);
  EXPECT_EQ(c.export_.max_wait, std::chrono::hours(1));
  EXPECT_EQ(c.landing.max_wait, std::chrono::hours(48));
  EXPECT_EQ(c.landing.to, "/etc/snaplake/landing");
  EXPECT_EQ(c.landing.service_area, "unrestricted");
  EXPECT_TRUE(c.instances.empty());
}

TEST(Config, FileUrlsAreResolvedToo) {
  Config c = parse("[export]\nto = \"file://out/x\"\n[landing]\nto = \"file:///abs\"\n");
  EXPECT_EQ(c.export_.to, "file:///etc/snaplake/out/x");
  EXPECT_EQ(c.landing.to, "file:///abs");
}

TEST(Config, EnvironmentOverridesTheFile) {
  Config c = parse(kFull, {{"SNAPLAKE_QUEUE_MAX_RECEIVES", "7"},
                           {"SNAPLAKE_QUEUE_VISIBILITY_TIMEOUT", "1h30m"},
                           {"SNAPLAKE_EXPORT_TO", "local-exports"},
                           // A folder has no SSE-KMS: the file's key is cleared with it.
                           {"SNAPLAKE_EXPORT_KMS_KEY_ID", ""},
                           {"SNAPLAKE_LANDING_SERVICE_AREA", "housing"},
                           {"SNAPLAKE_AWS_REGION", "us-east-1"},
                           {"SNAPLAKE_EXPORT_MAX_WAIT", "45m"}});
  EXPECT_EQ(c.export_.max_wait, std::chrono::minutes(45));
  EXPECT_EQ(c.queue.max_receives, 7);
  EXPECT_EQ(c.queue.visibility_timeout, std::chrono::minutes(90));
  EXPECT_EQ(c.export_.to, "/etc/snaplake/local-exports");
  EXPECT_EQ(c.export_.kms_key_id, "");
  EXPECT_EQ(c.landing.service_area, "housing");
  EXPECT_EQ(c.aws.region, "us-east-1");
}

// The vocabularies are read into their enums with their one name table; names of no table are
// refused with the alternatives.
TEST(Config, VocabulariesAreTyped) {
  Config c = parse(
      "[queue]\nbackend = \"sqs\"\nevents_url = \"e\"\ntasks_url = \"t\"\n"
      "[export]\ncompression = \"none\"\ntypes = \"typed\"\n");
  EXPECT_EQ(c.queue.backend, QueueBackend::Sqs);
  EXPECT_EQ(c.export_.compression, parquet::Codec::Uncompressed);
  EXPECT_EQ(c.export_.types, types::Profile::Typed);
  EXPECT_THAT(config_error("[export]\ncompression = \"uncompressed\"\n"),
              HasSubstr("[export] compression: 'uncompressed' is not snappy, gzip, zstd or none"));
  EXPECT_THAT(config_error("[export]\ntypes = \"strict\"\n"),
              HasSubstr("'strict' is not rds or typed"));
  EXPECT_THAT(config_error("[[instances]]\nid = \"a\"\nengine = \"oracle\"\n"),
              HasSubstr("'oracle' is not postgres, rds or mysql"));
  EXPECT_EQ(kQueueBackendNames.name(QueueBackend::Sqlite), "sqlite");
}

// The typed profile's overrides, read with their name tables and checked by the export's rules.
TEST(Config, TypeOverridesAreReadAndValidated) {
  Config c = parse(
      "[export]\ntypes = \"typed\"\ntype_uuid = \"uuid\"\ntype_time = \"micros\"\n"
      "type_timestamp = \"millis\"\n");
  EXPECT_EQ(c.export_.type_overrides.uuid, types::UuidAs::Uuid);
  EXPECT_EQ(c.export_.type_overrides.time, types::TimeAs::Micros);
  EXPECT_EQ(c.export_.type_overrides.timestamp, types::TimestampUnit::Millis);
  EXPECT_TRUE(parse("").export_.type_overrides.is_default());
  EXPECT_THAT(config_error("[export]\ntypes = \"typed\"\ntype_time = \"nanos\"\n"),
              HasSubstr("[export] type_time: 'nanos' is not string, micros or time"));
  EXPECT_THAT(config_error("[export]\ntype_uuid = \"uuid\"\n"),
              HasSubstr("invalid [export] type_uuid uuid: type overrides apply to the typed "
                        "profile only"));
  EXPECT_THAT(config_error("", {{"SNAPLAKE_EXPORT_TYPE_TIMESTAMP", "millis"}}),
              HasSubstr("[export] type_timestamp millis"));
}

TEST(Config, EnvironmentValuesAreValidatedAndNamed) {
  EXPECT_THAT(config_error("", {{"SNAPLAKE_EXPORT_JOBS", "many"}}),
              HasSubstr("SNAPLAKE_EXPORT_JOBS"));
  EXPECT_THAT(config_error("", {{"SNAPLAKE_QUEUE_BACKEND", "kafka"}}), HasSubstr("backend"));
  EXPECT_THAT(config_error("", {{"SNAPLAKE_QUEUE_VISIBILITY_TIMEOUT", "soon"}}),
              HasSubstr("SNAPLAKE_QUEUE_VISIBILITY_TIMEOUT"));
}

TEST(Config, ErrorsNameTheKeyAndTheFile) {
  struct Case {
    std::string_view text;
    std::string_view expected;
  };
  const Case cases[] = {
      {"[queue]\nbackend = \"sqlite\"\nmax_recieves = 3\n", "unknown key 'max_recieves'"},
      {"[queue]\nmax_receives = \"4\"\n", "max_receives: expected an integer, got a string"},
      {"[queue]\nmax_receives = 0\n", "max_receives"},
      {"[queue]\nvisibility_timeout = \"15 minutes\"\n", "visibility_timeout"},
      {"[queue]\nvisibility_timeout = true\n", "visibility_timeout: expected a duration"},
      {"[queue]\nbackend = \"sqs\"\n", "missing required key 'events_url'"},
      {"[export]\ncompression = \"lz4\"\n", "compression"},
      {"[export]\njobs = 2.5\n", "jobs: expected an integer, got a number"},
      {"[landing]\nnotify = \"email:me\"\n", "notify"},
      {"[databases]\nx = 1\n", "unknown key 'databases'"},
      {"queue = 3\n", "[queue]: expected a table"},
      {"[[instances]]\nsource = \"postgresql://h/db\"\n", "missing required key 'id'"},
      {"[[instances]]\nid = \"a\"\n", "missing required key 'source'"},
      {"[[instances]]\nid = \"a\"\nengine = \"rds\"\n", "missing required key 'iam_role_arn'"},
      {"[[instances]]\nid = \"a\"\nengine = \"mysql\"\nsource = \"x\"\n", "engine"},
      {"[[instances]]\nid = \"a\"\nsource = \"x\"\nhost = \"h\"\n", "unknown key 'host'"},
      {"[[instances]]\nid = \"a\"\nsource = \"x\"\ndatabases = \"db\"\n",
       "databases: expected an array"},
      {"[[instances]]\nid = \"a\"\nsource = \"x\"\n", "source: invalid PostgreSQL URI 'x'"},
      {"[[instances]]\nid = \"a\"\nsource = \"postgresql://h/x\"\n[[instances]]\nid = \"a\"\n"
       "source = \"postgresql://h/y\"\n",
       "listed twice"},
      {"[queue\n", "snaplake.toml:1:"},
  };
  for (const auto& c : cases) {
    std::string message = config_error(c.text);
    EXPECT_THAT(message, HasSubstr(c.expected)) << c.text;
    EXPECT_THAT(message, HasSubstr("/etc/snaplake/snaplake.toml")) << c.text;
  }
}

// The export options are the export's own rules (ExportOptions::validate), named as keys: a
// value `snaplake export` would refuse is refused when the file is loaded, not at every event.
TEST(Config, ExportOptionsAreValidatedAtLoad) {
  constexpr std::string_view instance =
      "[[instances]]\nid = \"a\"\nsource = \"postgresql://app@db/x\"\n";
  EXPECT_THAT(config_error(std::string("[export]\njobs = 100\n") + std::string(instance)),
              HasSubstr("/etc/snaplake/snaplake.toml: invalid [export] jobs 100: use 1 to 64"));
  EXPECT_THAT(config_error("[export]\njobs = 65\n"), HasSubstr("invalid [export] jobs 65"));
  EXPECT_THAT(config_error(instance, {{"SNAPLAKE_EXPORT_JOBS", "100"}}),
              HasSubstr("invalid [export] jobs 100"));
  EXPECT_THAT(config_error(std::string(instance) + "databases = [\"a.b.c.d\"]\n"),
              HasSubstr("[[instances]] #1 databases: invalid filter 'a.b.c.d'"));
  EXPECT_THAT(config_error("[export]\nto = \"s3://No_Such_Bucket/x\"\n"),
              HasSubstr("[export] to: invalid S3 location"));
  EXPECT_THAT(
      config_error("[[instances]]\nid = \"a\"\nsource = \"postgresql://h/x?no_such_option=1\"\n"),
      HasSubstr("[[instances]] #1 source: invalid PostgreSQL URI"));
  EXPECT_EQ(parse(std::string("[export]\njobs = 64\n") + std::string(instance)).export_.jobs, 64);
}

// Passwords never come from the configuration: a source holding one is refused, and the
// message does not repeat it.
TEST(Config, APasswordInASourceIsRefused) {
  for (std::string source :
       {"postgresql://app:s3cr3t@db/x", "postgresql://app@db/x?password=s3cr3t",
        "host=db user=app password=s3cr3t dbname=x"}) {
    std::string message = config_error("[[instances]]\nid = \"a\"\nsource = \"" + source + "\"\n");
    EXPECT_THAT(message, HasSubstr("[[instances]] #1 source: the URI holds a password")) << source;
    EXPECT_THAT(message, HasSubstr("PGPASSWORD")) << source;
    EXPECT_THAT(message, ::testing::Not(HasSubstr("s3cr3t"))) << source;
  }
  EXPECT_NO_THROW(parse("[[instances]]\nid = \"a\"\nsource = \"postgresql://app@db/x\"\n"));
}

// engine = "mysql" exports natively from a mysql:// or mariadb:// source, checked by the MySQL
// source's rules (no password in the URI, ExportOnly's db[.table] form); each engine refuses
// the other's URIs.
TEST(Config, AMysqlInstanceReadsAMysqlSource) {
  Config c = parse(
      "[[instances]]\nid = \"parking\"\nengine = \"mysql\"\nsource = "
      "\"mysql://app@db:3306/parking?ssl-mode=REQUIRED\"\ndatabases = [\"parking.bays\"]\n");
  ASSERT_EQ(c.instances.size(), 1u);
  EXPECT_EQ(c.instances[0].engine, Engine::Mysql);
  EXPECT_TRUE(is_native(c.instances[0].engine));
  EXPECT_NO_THROW(
      parse("[[instances]]\nid = \"a\"\nengine = \"mysql\"\nsource = \"mariadb://app@db/x\"\n"));
  EXPECT_THAT(config_error("[[instances]]\nid = \"a\"\nengine = \"mysql\"\n"), HasSubstr("source"));
  EXPECT_THAT(config_error("[[instances]]\nid = \"a\"\nengine = \"mysql\"\nsource = "
                           "\"postgresql://app@db/x\"\n"),
              HasSubstr("[[instances]] #1 source: engine \"mysql\" reads a mysql://"));
  EXPECT_THAT(config_error("[[instances]]\nid = \"a\"\nsource = \"mysql://app@db/x\"\n"),
              HasSubstr("[[instances]] #1 source: engine \"postgres\" reads a postgresql://"));
  std::string password = config_error(
      "[[instances]]\nid = \"a\"\nengine = \"mysql\"\nsource = \"mysql://app:s3cr3t@db/x\"\n");
  EXPECT_THAT(password, HasSubstr("[[instances]] #1 source: "));
  EXPECT_THAT(password, ::testing::Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(config_error("[[instances]]\nid = \"a\"\nengine = \"mysql\"\nsource = "
                           "\"mysql://app@db/x\"\ndatabases = [\"x.public.t\"]\n"),
              HasSubstr("[[instances]] #1 databases: "));
}

// A SNAPLAKE_* variable that is no key (a typo) is a warning naming it; the keys' variables,
// SNAPLAKE_CONFIG and the development scripts' are not.
TEST(Config, UnknownSnaplakeVariablesAreWarnedAbout) {
  Config c = parse("", {{"SNAPLAKE_EXPORT_JOB", "3"},
                        {"SNAPLAKE_EXPORT_JOBS", "3"},
                        {"SNAPLAKE_QUEUE_EVENTS_DLQ_URL", ""},
                        {"SNAPLAKE_CONFIG", "x.toml"},
                        {"SNAPLAKE_TEST_PG_URI", "postgresql://h/d"},
                        {"SNAPLAKE_BIN", "/b/snaplake"},
                        {"SNAPLAKEISH", "1"},
                        {"PATH", "/bin"}});
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_THAT(c.warnings[0], HasSubstr("environment variable SNAPLAKE_EXPORT_JOB is not"));
}

// A configuration that is only an environment (a Lambda function's): the keys' variables and
// SNAPLAKE_INSTANCES, a JSON array read and checked as the file's [[instances]] are.
TEST(Config, TheEnvironmentAloneIsAConfiguration) {
  Config c = config_from_environment(
      env_of({{"SNAPLAKE_QUEUE_BACKEND", "sqs"},
              {"SNAPLAKE_QUEUE_EVENTS_URL", "https://sqs.eu-west-2.amazonaws.com/1/events"},
              {"SNAPLAKE_QUEUE_TASKS_URL", "https://sqs.eu-west-2.amazonaws.com/1/tasks"},
              {"SNAPLAKE_EXPORT_TO", "s3://exports/snaplake"},
              {"SNAPLAKE_INSTANCES",
               R"([{"id": "social-care-db", "source": "postgresql://app@db/care",
                    "databases": ["care"]},
                   {"id": "parking", "engine": "rds", "iam_role_arn": "arn:aws:iam::1:role/x",
                    "kms_key_id": "k", "export_bucket": "b"}])"}}),
      "/tmp");
  EXPECT_EQ(c.queue.backend, QueueBackend::Sqs);
  EXPECT_EQ(c.export_.to, "s3://exports/snaplake");
  EXPECT_EQ(c.queue.path, "/tmp/.snaplake/queue.db");  // relative paths resolve under base_dir
  ASSERT_EQ(c.instances.size(), 2u);
  EXPECT_EQ(c.instances[0].id, "social-care-db");
  EXPECT_EQ(c.instances[0].databases, std::vector<std::string>{"care"});
  EXPECT_EQ(c.instances[1].engine, Engine::Rds);
  EXPECT_TRUE(c.warnings.empty());
}

TEST(Config, SnaplakeInstancesReplacesTheFilesListAndIsCheckedLikeIt) {
  Config c = parse("[[instances]]\nid = \"a\"\nsource = \"postgresql://app@db/x\"\n",
                   {{"SNAPLAKE_INSTANCES", R"([{"id": "b", "source": "postgresql://app@db/y"}])"}});
  ASSERT_EQ(c.instances.size(), 1u);
  EXPECT_EQ(c.instances[0].id, "b");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_THAT(c.warnings[0], HasSubstr("SNAPLAKE_INSTANCES replaces the file's [[instances]]"));

  auto env_error = [](std::string value) {
    return config_error("", {{"SNAPLAKE_INSTANCES", std::move(value)}});
  };
  EXPECT_THAT(env_error("[{id = \"a\"}]"), HasSubstr("SNAPLAKE_INSTANCES: is not JSON"));
  EXPECT_THAT(env_error(R"({"id": "a"})"), HasSubstr("is not a JSON array"));
  EXPECT_THAT(env_error(R"(["a"])"), HasSubstr("an entry that is not an object"));
  EXPECT_THAT(env_error(R"([{"id": "a", "databases": [1]}])"),
              HasSubstr("'databases' holds something other than strings"));
  EXPECT_THAT(env_error(R"([{"id": "a", "source": "postgresql://app@db/x", "sauce": "x"}])"),
              HasSubstr("environment: SNAPLAKE_INSTANCES #1: unknown key 'sauce'"));
  EXPECT_THAT(env_error(R"([{"id": "a", "source": "postgresql://app@db/x"},
                            {"id": "a", "source": "postgresql://app@db/y"}])"),
              HasSubstr("SNAPLAKE_INSTANCES #2 id: 'a' is listed twice"));
  // A password is refused here as in the file, and never repeated.
  std::string message = env_error(R"([{"id": "a", "source": "postgresql://app:s3cr3t@db/x"}])");
  EXPECT_THAT(message, HasSubstr("SNAPLAKE_INSTANCES #1 source: the URI holds a password"));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("s3cr3t")));
}

// The one key table, as configuration_keys() lists it: every section key with its variable.
TEST(Config, EveryKeyIsListedWithItsVariable) {
  std::map<std::string, std::string> variables;
  for (const auto& k : configuration_keys()) variables[k.section + "." + k.key] = k.variable;
  EXPECT_EQ(variables.at("queue.events_dlq_url"), "SNAPLAKE_QUEUE_EVENTS_DLQ_URL");
  EXPECT_EQ(variables.at("export.max_wait"), "SNAPLAKE_EXPORT_MAX_WAIT");
  EXPECT_EQ(variables.at("aws.endpoint_url"), "SNAPLAKE_AWS_ENDPOINT_URL");
  EXPECT_EQ(variables.at("export.lease"), "SNAPLAKE_EXPORT_LEASE");
  EXPECT_EQ(variables.at("landing.lease"), "SNAPLAKE_LANDING_LEASE");
  EXPECT_EQ(variables.at("export.max_event_age"), "SNAPLAKE_EXPORT_MAX_EVENT_AGE");
  EXPECT_EQ(variables.at("landing.import_date_from"), "SNAPLAKE_LANDING_IMPORT_DATE_FROM");
  EXPECT_EQ(variables.at("catalog.glue_database"), "SNAPLAKE_CATALOG_GLUE_DATABASE");
  EXPECT_EQ(variables.at("instances.export_bucket"), "");
  EXPECT_EQ(variables.at("export.type_uuid"), "SNAPLAKE_EXPORT_TYPE_UUID");
  EXPECT_EQ(variables.at("export.lambda_mb_per_second"), "SNAPLAKE_EXPORT_LAMBDA_MB_PER_SECOND");
  EXPECT_EQ(variables.at("status.location"), "SNAPLAKE_STATUS_LOCATION");
  EXPECT_EQ(variables.size(), 8u + 12u + 7u + 2u + 1u + 2u + 9u);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// examples/snaplake.toml is loaded by the real loader (so it is valid, password-free and
// complete) and sets every key of every section, each in its own section.
TEST(Config, TheExampleLoadsAndSetsEveryKey) {
  const std::string file = SNAPLAKE_SOURCE_DIR "/examples/snaplake.toml";
  Config c = load_config(file, env_of({}));
  EXPECT_TRUE(c.warnings.empty());
  ASSERT_EQ(c.instances.size(), 3u);
  EXPECT_EQ(c.instances[0].engine, Engine::Postgres);
  EXPECT_EQ(c.instances[1].engine, Engine::Mysql);
  EXPECT_EQ(c.instances[2].engine, Engine::Rds);
  EXPECT_EQ(c.queue.path, SNAPLAKE_SOURCE_DIR "/examples/.snaplake/queue.db");

  std::set<std::string> in_example;
  std::string section;
  std::istringstream lines(read_file(file));
  static const std::regex header(R"(^\[\[?([a-z_]+)\]\]?\s*$)"), key(R"(^([a-z_]+) = )");
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_match(line, m, header)) section = m[1];
    if (std::regex_search(line, m, key)) in_example.insert(section + "." + m[1].str());
  }
  std::set<std::string> keys;
  for (const auto& k : configuration_keys()) keys.insert(k.section + "." + k.key);
  EXPECT_EQ(in_example, keys);
}

// docs/configuration.md names every key in its section's table, with its variable.
TEST(Config, TheReferencePageNamesEveryKey) {
  const std::string page = read_file(SNAPLAKE_SOURCE_DIR "/docs/configuration.md");
  for (const auto& k : configuration_keys()) {
    std::string heading =
        k.section == "instances" ? "## `[[instances]]`" : "## `[" + k.section + "]`";
    size_t start = page.find(heading);
    ASSERT_NE(start, std::string::npos) << heading;
    size_t end = page.find("\n## ", start + 1);
    std::string_view part = std::string_view(page).substr(start, end - start);
    EXPECT_NE(part.find("| `" + k.key + "` |"), std::string_view::npos)
        << k.section << "." << k.key;
    if (!k.variable.empty()) {
      EXPECT_NE(part.find("`" + k.variable + "`"), std::string_view::npos) << k.variable;
    }
  }
}

TEST(Config, MissingFileIsAConfigError) {
  try {
    load_config("/nonexistent/snaplake.toml", env_of({}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Config);
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/snaplake.toml"));
  }
}

TEST(Duration, Parses) {
  using namespace std::chrono;
  EXPECT_EQ(parse_duration("15m"), minutes(15));
  EXPECT_EQ(parse_duration("30s"), seconds(30));
  EXPECT_EQ(parse_duration("1h30m"), minutes(90));
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("2d"), hours(48));
  EXPECT_EQ(parse_duration("45"), seconds(45));
  EXPECT_EQ(parse_duration(""), std::nullopt);
  EXPECT_EQ(parse_duration("m"), std::nullopt);
  EXPECT_EQ(parse_duration("5 m"), std::nullopt);
  EXPECT_EQ(parse_duration("5y"), std::nullopt);
  EXPECT_EQ(parse_duration("-5s"), std::nullopt);
}

}  // namespace
}  // namespace snaplake::pipeline
