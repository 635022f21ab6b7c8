// SigV4 of our DynamoDB requests, checked by an independent implementation.
//
// RouteClient sends a GetItem to a capture server (capture_server.py), which
// records the raw request; verify_sigv4.py then re-signs the same request with
// botocore at the same X-Amz-Date and demands an identical Authorization
// header. A tampered capture must be rejected, which proves the check can fail.
// No ClickHouse or dynalite is needed; this lives here because it starts a server.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/dynamo_client.h"

extern char** environ;

namespace k2c {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, which has botocore
constexpr const char* kRegion = "eu-west-1";
constexpr const char* kAccessKey = "AKIDEXAMPLE";
constexpr const char* kSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* kToken = "IQoJb3JpZ2luX2VjEXAMPLE//token+with/odd=chars==";
constexpr const char* kArn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders \"quoted\"";

std::string script(const char* name) {
  return std::string(K2C_SOURCE_DIR) + "/tests/integration/" + name;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Starts argv[0] with stdout and stderr appended to `log`; returns the pid.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Runs a command to completion; its exit code, or -1 when it did not exit normally.
int run(const std::vector<std::string>& argv, const fs::path& log) {
  pid_t pid = spawn(argv, log);
  if (pid < 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class Sigv4Test : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/k2c-sigv4-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    capture_ = dir_ / "capture.json";
    fs::path port_file = dir_ / "port";
    server_ =
        spawn({kPython, script("capture_server.py"), capture_, port_file}, dir_ / "server.log");
    ASSERT_GT(server_, 0) << "cannot start " << kPython;
    for (int i = 0; i < 200 && !fs::exists(port_file); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    ASSERT_TRUE(fs::exists(port_file)) << "capture server did not start:\n"
                                       << read_file(dir_ / "server.log");
    port_ = std::stoi(read_file(port_file));
  }

  void TearDown() override {
    if (server_ > 0) {
      kill(server_, SIGTERM);
      waitpid(server_, nullptr, 0);
    }
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(dir_, ec);  // kept on failure, for a look
  }

  Config config(const std::string& token) const {
    Config c;
    c.dynamodb_endpoint = "http://127.0.0.1:" + std::to_string(port_);
    c.aws_region = kRegion;
    c.aws_access_key_id = kAccessKey;
    c.aws_secret_access_key = kSecretKey;
    c.aws_session_token = token;
    c.routes_table = "kinesis_routes";
    return c;
  }

  // Sends one GetItem through RouteClient; the capture server answers {}.
  void send_get_item(const std::string& token) {
    HttpClient http;
    RouteClient client(config(token), http, Clock::system());
    auto route = client.get_route(kArn, Deadline{now_epoch_ms() + 10000});
    ASSERT_TRUE(route.ok()) << route.error().message;
    EXPECT_FALSE(route->has_value());
  }

  // Exit code of verify_sigv4.py on `capture`; its output goes to `output`.
  int verify(const fs::path& capture, const std::string& token, std::string* output) {
    fs::path log = dir_ / "verify.log";
    fs::remove(log);
    std::vector<std::string> argv = {kPython,    script("verify_sigv4.py"),
                                     capture,    "--access-key",
                                     kAccessKey, "--secret-key",
                                     kSecretKey, "--region",
                                     kRegion};
    if (!token.empty()) {
      argv.push_back("--token");
      argv.push_back(token);
    }
    int rc = run(argv, log);
    *output = read_file(log);
    return rc;
  }

  // A copy of the capture with `edit` applied to its single request.
  fs::path tampered(const std::function<void(nlohmann::json&)>& edit) {
    auto requests = nlohmann::json::parse(read_file(capture_));
    edit(requests.back());
    fs::path out = dir_ / "tampered.json";
    std::ofstream(out) << requests.dump();
    return out;
  }

  nlohmann::json captured_request() { return nlohmann::json::parse(read_file(capture_)).back(); }

  fs::path dir_;
  fs::path capture_;
  pid_t server_ = -1;
  int port_ = 0;
};

std::string header(const nlohmann::json& request, std::string_view lower_name) {
  for (const auto& h : request["headers"]) {
    std::string name = h[0];
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == lower_name) return h[1];
  }
  return {};
}

TEST_F(Sigv4Test, SignatureWithoutSessionTokenMatchesBotocore) {
  send_get_item("");
  std::string out;
  EXPECT_EQ(verify(capture_, "", &out), 0) << out;
  auto req = captured_request();
  EXPECT_EQ(req["method"], "POST");
  EXPECT_EQ(req["path"], "/");
  EXPECT_EQ(header(req, "x-amz-target"), "DynamoDB_20120810.GetItem");
  EXPECT_EQ(header(req, "content-type"), "application/x-amz-json-1.0");
  EXPECT_EQ(header(req, "x-amz-security-token"), "");
  auto body = nlohmann::json::parse(req["body"].get<std::string>());
  EXPECT_EQ(body["TableName"], "kinesis_routes");
  EXPECT_EQ(body["Key"]["stream_arn"]["S"], kArn);
  EXPECT_EQ(body["ConsistentRead"], false);
}

TEST_F(Sigv4Test, SignatureWithSessionTokenMatchesBotocore) {
  send_get_item(kToken);
  std::string out;
  EXPECT_EQ(verify(capture_, kToken, &out), 0) << out;
  auto req = captured_request();
  EXPECT_EQ(header(req, "x-amz-security-token"), kToken);
  EXPECT_NE(header(req, "authorization").find("x-amz-security-token"), std::string::npos)
      << "the session token must be a signed header";
}

TEST_F(Sigv4Test, VerifierRejectsTamperedBody) {
  send_get_item("");
  auto bad = tampered([](nlohmann::json& req) {
    std::string body = req["body"];
    body.replace(body.find("kinesis_routes"), 14, "kinesis_rOutes");
    req["body"] = body;
  });
  std::string out;
  EXPECT_EQ(verify(bad, "", &out), 1) << out;
  EXPECT_NE(out.find("Authorization differs"), std::string::npos) << out;
}

TEST_F(Sigv4Test, VerifierRejectsTamperedSignedHeader) {
  send_get_item("");
  auto bad = tampered([](nlohmann::json& req) {
    for (auto& h : req["headers"])
      if (h[1] == "DynamoDB_20120810.GetItem") h[1] = "DynamoDB_20120810.DeleteItem";
  });
  std::string out;
  EXPECT_EQ(verify(bad, "", &out), 1) << out;
}

TEST_F(Sigv4Test, VerifierRejectsWrongSessionToken) {
  send_get_item(kToken);
  std::string out;
  EXPECT_EQ(verify(capture_, std::string(kToken) + "x", &out), 1) << out;
}

}  // namespace
}  // namespace k2c
