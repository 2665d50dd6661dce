#include <future>

#include <gtest/gtest.h>

#include "support/test_server.h"

namespace liaison::testing {
namespace {

std::string status_line(const std::string& raw) {
  return raw.substr(0, raw.find("\r\n"));
}

web::ServerOptions small_limits() {
  web::ServerOptions options;
  options.header_limit = 2048;
  options.body_limit = 1024;
  options.idle_timeout = std::chrono::milliseconds(300);
  return options;
}

class ProtocolTest : public ::testing::Test {
 protected:
  TestServer server_{Engine::sqlite, small_limits()};
  HttpClient client_ = server_.client();
};

TEST_F(ProtocolTest, MalformedRequestGetsA400ProblemAndTheConnectionCloses) {
  auto raw = client_.raw("GARBAGE\r\n\r\n");
  EXPECT_EQ(status_line(raw), "HTTP/1.1 400 Bad Request");
  EXPECT_NE(raw.find("application/problem+json"), std::string::npos);
}

TEST_F(ProtocolTest, InvalidHeaderSyntaxGetsA400) {
  auto raw = client_.raw("GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
  EXPECT_EQ(status_line(raw), "HTTP/1.1 400 Bad Request");
}

TEST_F(ProtocolTest, OversizedHeadersGetA431) {
  auto raw = client_.raw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(4096, 'a') + "\r\n\r\n");
  EXPECT_EQ(status_line(raw), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_NE(raw.find("\"status\":431"), std::string::npos);
}

TEST_F(ProtocolTest, OversizedBodiesGetA413BeforeTheBodyIsRead) {
  auto raw = client_.raw(
      "POST /api/v1/organisations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 100000\r\n\r\n{");
  EXPECT_EQ(status_line(raw), "HTTP/1.1 413 Payload Too Large");
}

TEST_F(ProtocolTest, ExpectContinueIsHonoured) {
  auto raw = client_.raw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: text/plain\r\n"
      "Content-Length: 2\r\nConnection: close\r\n\r\nhi");
  EXPECT_EQ(status_line(raw), "HTTP/1.1 100 Continue");
  EXPECT_NE(raw.find("HTTP/1.1 200 OK"), std::string::npos);
}

TEST_F(ProtocolTest, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 20; ++i) {
    auto response = client_.get("/healthz");
    ASSERT_EQ(response.result_int(), 200);
    EXPECT_TRUE(response.keep_alive());
  }
}

TEST_F(ProtocolTest, IdleConnectionsAreClosed) {
  EXPECT_EQ(client_.get("/healthz").result_int(), 200);
  EXPECT_TRUE(client_.closed_by_server(std::chrono::seconds(5)));
}

TEST_F(ProtocolTest, RequestTargetsThatAreNotPathsAreRejected) {
  auto raw = client_.raw("GET http://example.org/healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(raw).substr(0, 12), "HTTP/1.1 400");
}

TEST(GracefulShutdown, ClosesIdleConnectionsAndStopsAccepting) {
  TestServer server;
  auto idle = server.client();
  EXPECT_EQ(idle.get("/healthz").result_int(), 200);
  auto port = server.port();
  server.shut_down();  // returns only once every connection is gone
  EXPECT_TRUE(idle.closed_by_server(std::chrono::seconds(1)));
  EXPECT_THROW(HttpClient("127.0.0.1", port), boost::system::system_error);
}

TEST(GracefulShutdown, FinishesARequestAlreadyUnderWay) {
  TestServer server;
  auto client = server.client();
  // Half a request is on the wire when the shutdown begins…
  client.send(
      "GET /api/v1/states/FR HTTP/1.1\r\nHost: x\r\nAuthorization: " + server.authorization() +
      "\r\nContent-Type: text/plain\r\n"
      "Content-Length: 4\r\n\r\nab");
  // Give the server the moment it needs to read those bytes; nothing else here waits on time.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto shutdown = std::async(std::launch::async, [&] { server.shut_down(); });
  EXPECT_EQ(shutdown.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
      << "the server stopped with a request under way";
  // …and the rest arrives after it: the request is answered, and the connection closed.
  client.send("cd");
  auto raw = client.receive_until_close();
  EXPECT_EQ(status_line(raw), "HTTP/1.1 200 OK");
  EXPECT_NE(raw.find("Connection: close"), std::string::npos);
  EXPECT_NE(raw.find("\"alpha3\":\"FRA\""), std::string::npos);
  EXPECT_EQ(shutdown.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

}  // namespace
}  // namespace liaison::testing
