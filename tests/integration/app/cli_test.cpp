#include <fstream>
#include <signal.h>

#include <gtest/gtest.h>

#include "app/application.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/test_accounts.h"
#include "support/test_database.h"

namespace liaison::testing {
namespace {

using Environment = std::map<std::string, std::string>;

// The port in the server's start line "… on http://127.0.0.1:PORT/ …"; 0 when absent.
std::uint16_t serving_port(const std::string& line) {
  constexpr std::string_view kPrefix = "http://127.0.0.1:";
  auto start = line.find(kPrefix);
  if (start == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::stoi(line.substr(start + kPrefix.size())));
}

ProcessResult liaison(std::vector<std::string> arguments, Environment environment = {}) {
  arguments.insert(arguments.begin(), LIAISON_BINARY);
  return run_process(std::move(arguments), std::move(environment));
}

class CliTest : public ::testing::Test {
 protected:
  TestDatabase database_{Engine::sqlite};
  Environment environment_{{"LIAISON_DATABASE", database_.url()},
                           {"LIAISON_LISTEN", "127.0.0.1:0"},
                           {"LIAISON_ACCESS_LOG", "false"}};
};

TEST_F(CliTest, PrintsItsVersion) {
  auto result = liaison({"version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(result.output.starts_with("liaison ")) << result.output;
}

TEST_F(CliTest, UnknownCommandIsAUsageError) {
  EXPECT_EQ(liaison({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(liaison({}).exit_code, 2);
}

TEST_F(CliTest, BadEnvironmentSettingNamesTheKeyAndExitsWith2) {
  auto environment = environment_;
  environment["LIAISON_LISTEN"] = "8080";
  auto result = liaison({"migrate"}, environment);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.errors.find("listen (from LIAISON_LISTEN)"), std::string::npos) << result.errors;
}

TEST_F(CliTest, BadConfigFileNamesTheKeyAndLine) {
  auto directory = make_temp_directory("liaison-cli");
  auto path = directory / "liaison.toml";
  std::ofstream(path) << "listen = \"127.0.0.1:8080\"\ndatabse = \"sqlite:x.db\"\n";
  auto result = liaison({"--config", path.string(), "migrate"}, environment_);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.errors.find("databse"), std::string::npos) << result.errors;
  EXPECT_NE(result.errors.find("line 2"), std::string::npos) << result.errors;

  std::ofstream(path) << "max_body_bytes = \"lots\"\n";
  result = liaison({"--config", path.string(), "migrate"}, environment_);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.errors.find("max_body_bytes"), std::string::npos) << result.errors;
  std::filesystem::remove_all(directory);
}

TEST_F(CliTest, ConfigDefaultsListEverySetting) {
  auto result = liaison({"config", "--defaults"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.output.find("database = \"sqlite:liaison.db\""), std::string::npos);
  EXPECT_NE(result.output.find("LIAISON_LISTEN"), std::string::npos);
}

TEST_F(CliTest, ServeRefusesAnUnmigratedDatabase) {
  auto result = liaison({"serve"}, environment_);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.errors.find("liaison migrate"), std::string::npos) << result.errors;
}

TEST_F(CliTest, UnreachableDatabaseIsAClearError) {
  auto environment = environment_;
  environment["LIAISON_DATABASE"] =
      "postgresql://liaison:hunter2@127.0.0.1:1/liaison?connect_timeout=2";
  auto result = liaison({"migrate"}, environment);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.errors.find("cannot open the database"), std::string::npos) << result.errors;
  EXPECT_EQ(result.errors.find("hunter2"), std::string::npos) << "the password leaked";
}

TEST_F(CliTest, AdminCommandsInviteAndPrintTheLink) {
  ASSERT_EQ(liaison({"migrate"}, environment_).exit_code, 0);
  auto environment = environment_;
  environment["LIAISON_PUBLIC_URL"] = "https://liaison.example.org";
  auto created = liaison(
      {"admin", "create-operator", "--email", "ops@example.org", "--name", "Olga"}, environment);
  ASSERT_EQ(created.exit_code, 0) << created.errors;
  EXPECT_TRUE(created.output.starts_with("https://liaison.example.org/invitations/"))
      << created.output;

  auto secretariat = liaison({"admin", "create-secretariat", "--org", "osce", "--email",
                              "sec@example.org", "--name", "Sam"},
                             environment);
  EXPECT_EQ(secretariat.exit_code, 0) << secretariat.errors;

  auto unknown = liaison(
      {"admin", "create-secretariat", "--org", "NOPE", "--email", "x@example.org", "--name", "X"},
      environment);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.errors.find("organisation"), std::string::npos) << unknown.errors;

  auto bad_email = liaison({"admin", "create-operator", "--email", "not-an-address", "--name", "Y"},
                           environment);
  EXPECT_EQ(bad_email.exit_code, 2);
  EXPECT_NE(bad_email.errors.find("email"), std::string::npos) << bad_email.errors;

  auto verified = liaison({"audit", "verify"}, environment);
  EXPECT_EQ(verified.exit_code, 0) << verified.output << verified.errors;
}

TEST_F(CliTest, AdminIssueTokenPrintsATokenTheApiAccepts) {
  ASSERT_EQ(liaison({"migrate"}, environment_).exit_code, 0);
  {
    app::Application application(database_.open(), std::chrono::milliseconds(0));
    services::InvitationRequest request;
    request.email = "reader@example.org";
    request.display_name = "Rita Reader";
    request.grant.role = domain::Role::observer;
    request.organisation = "UN";
    create_account(application, request);
  }

  auto issued = liaison({"admin", "issue-token", "--email", "Reader@example.org", "--scope",
                         "read_directory", "--days", "1", "--name", "benchmark"},
                        environment_);
  ASSERT_EQ(issued.exit_code, 0) << issued.errors;
  ASSERT_TRUE(issued.output.starts_with("lia_")) << issued.output;
  auto token = issued.output.substr(0, issued.output.find('\n'));
  EXPECT_NE(issued.errors.find("read_directory"), std::string::npos) << issued.errors;

  auto unknown = liaison(
      {"admin", "issue-token", "--email", "nobody@example.org", "--scope", "read_directory"},
      environment_);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.errors.find("no active account"), std::string::npos) << unknown.errors;
  auto bad_scope =
      liaison({"admin", "issue-token", "--email", "reader@example.org", "--scope", "everything"},
              environment_);
  EXPECT_EQ(bad_scope.exit_code, 2);
  EXPECT_NE(bad_scope.errors.find("unknown scope"), std::string::npos) << bad_scope.errors;
  auto beyond_roles =
      liaison({"admin", "issue-token", "--email", "reader@example.org", "--scope", "read_audit"},
              environment_);
  EXPECT_EQ(beyond_roles.exit_code, 2) << "an observer's roles give read_audit nothing to do";
  EXPECT_EQ(liaison({"admin", "issue-token", "--email", "reader@example.org", "--scope",
                     "read_directory", "--days", "0"},
                    environment_)
                .exit_code,
            2);

  Process server({LIAISON_BINARY, "serve"}, environment_);
  auto line = server.wait_for_error_line("serving", std::chrono::seconds(20));
  ASSERT_TRUE(line) << "the server did not start";
  auto port = serving_port(*line);
  ASSERT_NE(port, 0) << *line;
  HttpClient client("127.0.0.1", port);
  http::fields bearer;
  bearer.set(http::field::authorization, "Bearer " + token);
  EXPECT_EQ(client.get("/api/v1/organisations/UN/members", bearer).result_int(), 200);
  http::fields wrong;
  wrong.set(http::field::authorization, "Bearer " + token + "x");
  EXPECT_EQ(client.get("/api/v1/organisations/UN/members", wrong).result_int(), 401);
  server.signal(SIGTERM);
  EXPECT_EQ(server.finish(std::chrono::seconds(15)).exit_code, 0);

  auto verified = liaison({"audit", "verify"}, environment_);
  EXPECT_EQ(verified.exit_code, 0) << verified.output << verified.errors;
}

TEST_F(CliTest, ServesAfterMigrateAndStopsGracefullyOnSigterm) {
  auto demo = liaison({"demo"}, environment_);
  ASSERT_EQ(demo.exit_code, 0) << demo.errors;

  Process server({LIAISON_BINARY, "serve"}, environment_);
  auto line = server.wait_for_error_line("serving", std::chrono::seconds(20));
  ASSERT_TRUE(line) << "the server did not start";
  auto port = serving_port(*line);
  ASSERT_NE(port, 0) << *line;

  HttpClient client("127.0.0.1", port);
  EXPECT_EQ(client.get("/healthz").result_int(), 200);
  EXPECT_EQ(client.get("/api/v1/organisations").result_int(), 401)
      << "the directory is closed to anonymous clients";

  server.signal(SIGTERM);
  auto result = server.finish(std::chrono::seconds(15));
  EXPECT_EQ(result.exit_code, 0) << result.errors;
  EXPECT_NE(result.errors.find("stopped"), std::string::npos) << result.errors;
}

TEST_F(CliTest, ServeRefusesAPortInUse) {
  ASSERT_EQ(liaison({"migrate"}, environment_).exit_code, 0);
  Process first({LIAISON_BINARY, "serve"}, environment_);
  auto line = first.wait_for_error_line("serving", std::chrono::seconds(20));
  ASSERT_TRUE(line);
  auto port = serving_port(*line);
  ASSERT_NE(port, 0) << *line;
  auto environment = environment_;
  environment["LIAISON_LISTEN"] = "127.0.0.1:" + std::to_string(port);
  auto second = liaison({"serve"}, environment);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.errors.find("cannot start the HTTP server"), std::string::npos) << second.errors;
  first.signal(SIGTERM);
  EXPECT_EQ(first.finish(std::chrono::seconds(15)).exit_code, 0);
}

TEST_F(CliTest, AuditVerifyReportsAnIntactChainAndNamesABrokenEntry) {
  ASSERT_EQ(liaison({"demo"}, environment_).exit_code, 0);
  auto intact = liaison({"audit", "verify"}, environment_);
  EXPECT_EQ(intact.exit_code, 0) << intact.errors;
  EXPECT_NE(intact.output.find("audit log intact: 28 entries"), std::string::npos) << intact.output;

  {
    auto database = database_.open();
    auto forged = database->transact(store::Access::write, [](store::Connection& connection) {
      return connection.execute_script(
          "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'intruder'");
    });
    ASSERT_TRUE(forged) << forged.error().message;
  }
  auto broken = liaison({"audit", "verify"}, environment_);
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.output.find("BROKEN at entry 1"), std::string::npos) << broken.output;
}

TEST(CliOnPostgres, MigratesAndServesOnPostgresql) {
  TestDatabase database(Engine::postgresql);
  Environment environment{{"LIAISON_DATABASE", database.url()},
                          {"LIAISON_LISTEN", "127.0.0.1:0"},
                          {"LIAISON_ACCESS_LOG", "false"}};
  auto migrated = liaison({"migrate"}, environment);
  ASSERT_EQ(migrated.exit_code, 0) << migrated.errors;
  EXPECT_NE(migrated.errors.find("applied migration 0001_reference_data"), std::string::npos);

  Process server({LIAISON_BINARY, "serve"}, environment);
  auto line = server.wait_for_error_line("serving", std::chrono::seconds(20));
  ASSERT_TRUE(line);
  auto port = serving_port(*line);
  ASSERT_NE(port, 0) << *line;
  HttpClient client("127.0.0.1", port);
  EXPECT_EQ(client.get("/readyz").result_int(), 200);
  EXPECT_EQ(client.get("/api/v1/organisations/AU/members").result_int(), 401);
  server.signal(SIGTERM);
  EXPECT_EQ(server.finish(std::chrono::seconds(15)).exit_code, 0);
}

}  // namespace
}  // namespace liaison::testing
