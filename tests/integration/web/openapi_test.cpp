// The OpenAPI document (src/web/api/openapi.json, compiled in) against the routes the real
// application registers: every route of the JSON API and the operational endpoints is described,
// every described operation is served, and each declares the access its route declares. The
// document's conformance to the OpenAPI 3.1 schema is checked by tests/openapi (npm).

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "app/application.h"
#include "domain/policy.h"
#include "support/test_database.h"
#include "web/api/openapi_api.h"
#include "web/router.h"

namespace liaison::testing {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;
namespace json = boost::json;

// The keys of a path item that are operations (OpenAPI 3.1 §4.8.9).
constexpr std::string_view kMethods[] = {"get",     "put",  "post",  "delete",
                                         "options", "head", "patch", "trace"};

// The routes the document must describe: the JSON API and what monitoring calls. Pages and
// assets are not part of the API.
bool described(std::string_view pattern) {
  return pattern.starts_with("/api/") || pattern == "/healthz" || pattern == "/readyz" ||
         pattern == "/metrics";
}

std::string method_key(http::verb method) {
  std::string key(http::to_string(method));
  std::transform(key.begin(), key.end(), key.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return key;
}

bool safe(http::verb method) {
  return method == http::verb::get || method == http::verb::head || method == http::verb::options;
}

std::vector<std::string> strings(const json::value* value) {
  std::vector<std::string> out;
  if (value == nullptr || !value->is_array()) return out;
  for (const auto& each : value->get_array())
    if (each.is_string()) out.emplace_back(each.get_string());
  return out;
}

// The token scopes that cover `action`: a principal holding the first role the policy allows it
// to, reaching the resource, is asked with a token of each scope in turn.
std::vector<std::string> scopes_covering(domain::Action action) {
  std::vector<std::string> scopes;
  for (const auto& rule : domain::policy_table()) {
    if (rule.action != action || rule.allowed.empty()) continue;
    const auto& allowance = rule.allowed.front();
    domain::RoleGrant grant{allowance.role, "organisation", "DE"};
    if (allowance.reach == domain::Reach::instance) grant = {allowance.role, "", ""};
    const auto resource = domain::Resource::state_in("organisation", "DE");
    for (auto scope : domain::kTokenScopes) {
      domain::Principal principal{"account", {grant}, std::vector<domain::TokenScope>{scope}};
      if (domain::authorize(principal, action, resource))
        scopes.emplace_back(domain::token_scope_name(scope));
    }
  }
  std::sort(scopes.begin(), scopes.end());
  return scopes;
}

// Every "$ref" in the document, with where it stands.
void collect_refs(const json::value& value, const std::string& where,
                  std::vector<std::pair<std::string, std::string>>& refs) {
  if (const auto* array = value.if_array()) {
    for (std::size_t i = 0; i < array->size(); ++i)
      collect_refs((*array)[i], fmt::format("{}/{}", where, i), refs);
    return;
  }
  const auto* object = value.if_object();
  if (object == nullptr) return;
  for (const auto& [key, member] : *object) {
    if (key == "$ref" && member.is_string()) refs.emplace_back(where, member.get_string());
    collect_refs(member, where + "/" + std::string(key), refs);
  }
}

// The application over a fresh, migrated SQLite database, shared by the suite's tests.
struct Suite {
  TestDatabase database{Engine::sqlite};
  app::Application application{database.open_migrated(), 0ms};
};
Suite* suite = nullptr;

class OpenApiDocument : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { suite = new Suite(); }
  static void TearDownTestSuite() {
    delete suite;
    suite = nullptr;
  }

  void SetUp() override {
    boost::system::error_code failed;
    document_ = json::parse(web::openapi_document(), failed);
    ASSERT_FALSE(failed) << "src/web/api/openapi.json is not JSON: " << failed.message();
    ASSERT_TRUE(document_.is_object());
    ASSERT_TRUE(document_.at("paths").is_object());
  }

  const json::object& paths() const { return document_.at("paths").get_object(); }
  std::vector<web::Router::RouteInfo> routes() const { return application().router().routes(); }

  //! The operation for a route, or null when the document has none.
  const json::object* operation(const web::Router::RouteInfo& route) const {
    const auto* item = paths().if_contains(route.pattern);
    if (item == nullptr || !item->is_object()) return nullptr;
    const auto* found = item->get_object().if_contains(method_key(route.method));
    return found != nullptr && found->is_object() ? &found->get_object() : nullptr;
  }

  //! A parameter object, through its $ref when it has one.
  const json::object* parameter(const json::value& value) const {
    if (!value.is_object()) return nullptr;
    const auto* ref = value.get_object().if_contains("$ref");
    if (ref == nullptr) return &value.get_object();
    if (!ref->is_string() || !ref->get_string().starts_with("#")) return nullptr;
    boost::system::error_code failed;
    const auto* target =
        document_.find_pointer(std::string_view(ref->get_string()).substr(1), failed);
    return target != nullptr && target->is_object() ? &target->get_object() : nullptr;
  }

  const json::value& document() const { return document_; }
  static app::Application& application() { return suite->application; }

 private:
  json::value document_;
};

TEST_F(OpenApiDocument, IsOpenApi31) {
  ASSERT_TRUE(document().at("openapi").is_string());
  EXPECT_EQ(document().at("openapi").get_string(), "3.1.0");
  EXPECT_TRUE(document().at("info").at("title").is_string());
  EXPECT_TRUE(document().at("components").at("schemas").is_object());
}

TEST_F(OpenApiDocument, DescribesEveryRouteOfTheApi) {
  std::vector<std::string> missing;
  for (const auto& route : routes()) {
    if (described(route.pattern) && operation(route) == nullptr)
      missing.push_back(fmt::format("{} {}", method_key(route.method), route.pattern));
  }
  EXPECT_TRUE(missing.empty())
      << "routes the server registers that src/web/api/openapi.json does not describe (add "
         "them under `paths`): "
      << fmt::format("{}", fmt::join(missing, ", "));
}

TEST_F(OpenApiDocument, DescribesOnlyRoutesTheServerRegisters) {
  auto registered = routes();
  std::vector<std::string> unserved;
  for (const auto& [path, item] : paths()) {
    const std::string_view pattern = path;
    ASSERT_TRUE(item.is_object()) << pattern;
    for (auto method : kMethods) {
      if (!item.get_object().contains(method)) continue;
      bool found = std::any_of(registered.begin(), registered.end(), [&](const auto& route) {
        return route.pattern == pattern && method_key(route.method) == method;
      });
      if (!found) unserved.push_back(fmt::format("{} {}", method, pattern));
    }
  }
  EXPECT_TRUE(unserved.empty())
      << "operations src/web/api/openapi.json describes that the server does not register "
         "(remove them, or check the path's spelling): "
      << fmt::format("{}", fmt::join(unserved, ", "));
}

TEST_F(OpenApiDocument, OperationsDeclareTheAccessOfTheirRoutes) {
  for (const auto& route : routes()) {
    const auto* op = operation(route);
    if (op == nullptr) continue;  // reported by DescribesEveryRouteOfTheApi
    auto where = fmt::format("{} {}", method_key(route.method), route.pattern);
    const auto* security = op->if_contains("security");
    const auto* action = op->if_contains("x-liaison-action");
    if (route.access->kind == web::Access::Kind::anyone) {
      EXPECT_TRUE(security != nullptr && security->is_array() && security->get_array().empty())
          << where << ": open to anyone, so its operation needs \"security\": []";
      EXPECT_EQ(action, nullptr) << where << ": open to anyone, so no x-liaison-action";
      continue;
    }
    EXPECT_FALSE(security != nullptr && security->is_array() && security->get_array().empty())
        << where << ": needs authentication, but its operation says \"security\": []";
    ASSERT_TRUE(action != nullptr && action->is_string()) << where << ": no x-liaison-action";
    EXPECT_EQ(std::string_view(action->get_string()), domain::action_name(route.access->action))
        << where;
    auto documented = strings(op->if_contains("x-liaison-token-scopes"));
    std::sort(documented.begin(), documented.end());
    EXPECT_EQ(documented, scopes_covering(route.access->action))
        << where << ": x-liaison-token-scopes must list the scopes that cover "
        << domain::action_name(route.access->action);

    if (safe(route.method)) continue;
    // Changes made with the session cookie need the CSRF header in every alternative.
    ASSERT_TRUE(security != nullptr && security->is_array())
        << where << ": a change needs its own security with csrfToken";
    for (const auto& alternative : security->get_array()) {
      const auto& schemes = alternative.as_object();
      if (schemes.contains("sessionCookie") || schemes.contains("hostSessionCookie")) {
        EXPECT_TRUE(schemes.contains("csrfToken"))
            << where << ": a cookie alternative without csrfToken";
      }
    }
  }
}

TEST_F(OpenApiDocument, OperationsHaveUniqueIdsKnownTagsAndTheirPathParameters) {
  std::set<std::string> tags;
  for (const auto& tag : document().at("tags").as_array())
    tags.emplace(tag.at("name").as_string());
  std::set<std::string> ids;
  for (const auto& [path, item] : paths()) {
    for (auto method : kMethods) {
      const auto* found = item.get_object().if_contains(method);
      if (found == nullptr) continue;
      const auto& op = found->as_object();
      auto where = fmt::format("{} {}", method, std::string_view(path));
      const auto* id = op.if_contains("operationId");
      ASSERT_TRUE(id != nullptr && id->is_string()) << where << ": no operationId";
      EXPECT_TRUE(ids.emplace(id->get_string()).second)
          << where << ": operationId " << id->get_string() << " is used twice";
      auto op_tags = strings(op.if_contains("tags"));
      EXPECT_FALSE(op_tags.empty()) << where << ": no tags";
      for (const auto& tag : op_tags)
        EXPECT_TRUE(tags.count(tag)) << where << ": tag " << tag << " is not in `tags`";
      EXPECT_TRUE(op.contains("responses")) << where;

      // Every {name} of the path is a required path parameter of the operation.
      std::set<std::string> declared;
      for (const auto* list :
           {item.get_object().if_contains("parameters"), op.if_contains("parameters")}) {
        if (list == nullptr) continue;
        for (const auto& each : list->as_array()) {
          const auto* parameter_object = this->parameter(each);
          ASSERT_NE(parameter_object, nullptr) << where << ": a parameter does not resolve";
          if (parameter_object->at("in").as_string() == "path") {
            const auto* required = parameter_object->if_contains("required");
            EXPECT_TRUE(required != nullptr && required->is_bool() && required->get_bool())
                << where << ": path parameters are required";
            declared.emplace(parameter_object->at("name").as_string());
          }
        }
      }
      std::set<std::string> in_path;
      std::string_view rest = path;
      for (auto open = rest.find('{'); open != std::string_view::npos; open = rest.find('{')) {
        auto close = rest.find('}', open);
        ASSERT_NE(close, std::string_view::npos) << where;
        in_path.emplace(rest.substr(open + 1, close - open - 1));
        rest = rest.substr(close + 1);
      }
      EXPECT_EQ(declared, in_path) << where << ": path parameters differ from the template";
    }
  }
}

TEST_F(OpenApiDocument, EveryReferenceResolves) {
  std::vector<std::pair<std::string, std::string>> refs;
  collect_refs(document(), "", refs);
  EXPECT_GT(refs.size(), 50u);
  for (const auto& [where, ref] : refs) {
    ASSERT_TRUE(ref.starts_with("#/")) << where << ": only local references: " << ref;
    boost::system::error_code failed;
    EXPECT_NE(document().find_pointer(std::string_view(ref).substr(1), failed), nullptr)
        << where << ": " << ref << " does not resolve";
  }
}

TEST_F(OpenApiDocument, IsServedToAnyoneAsJson) {
  web::Request request{http::verb::get, "/api/v1/openapi.json", 11};
  request.set(http::field::host, "liaison.test");
  auto response =
      application().router().dispatch(request, web::RequestOrigin{"openapi-1", "192.0.2.1", false});
  ASSERT_EQ(response.response.result(), http::status::ok) << response.response.body();
  EXPECT_EQ(response.response[http::field::content_type], "application/json");
  EXPECT_EQ(response.response.body(), web::openapi_document());
  auto etag = std::string(response.response[http::field::etag]);
  ASSERT_FALSE(etag.empty());

  request.set(http::field::if_none_match, etag);
  auto again =
      application().router().dispatch(request, web::RequestOrigin{"openapi-2", "192.0.2.1", false});
  EXPECT_EQ(again.response.result(), http::status::not_modified);
}

}  // namespace
}  // namespace liaison::testing
