// Forge listing against a mock GitHub/GitLab API on 127.0.0.1 (tests/sources/mock_forge.py):
// pagination, filters, rate limits, errors, and the token kept out of URLs and messages.
#include "sources/forge.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/sources/remote_support.h"

namespace reachscan::sources {
namespace {

using json = nlohmann::json;
using testing::MockForge;
using testing::TempDir;

json gh_repo(const std::string& full_name, bool fork = false, bool archived = false,
             const std::string& visibility = "public") {
  return {{"full_name", full_name},
          {"clone_url", "https://github.example/" + full_name + ".git"},
          {"fork", fork},
          {"archived", archived},
          {"visibility", visibility},
          {"default_branch", "main"}};
}

json gl_project(const std::string& path, bool fork = false) {
  json p = {{"path_with_namespace", path},
            {"http_url_to_repo", "https://gitlab.example/" + path + ".git"},
            {"archived", false},
            {"visibility", "internal"},
            {"default_branch", "main"}};
  if (fork) p["forked_from_project"] = {{"id", 1}};
  return p;
}

std::vector<std::string> names(const std::vector<RemoteRepo>& repos) {
  std::vector<std::string> out;
  for (const RemoteRepo& r : repos) out.push_back(r.name);
  return out;
}

int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1))
    ++n;
  return n;
}

// An API answer served once before the pages.
json answer(int status, json headers = json::object(), json body = "") {
  return {{"status", status}, {"headers", std::move(headers)}, {"body", std::move(body)}};
}

class Forge : public ::testing::Test {
 protected:
  void SetUp() override { testing::isolate_git(tmp_); }

  // Queries GitHub Enterprise at the mock (API root /api/v3).
  ForgeQuery github(const MockForge& mock, const std::string& org) {
    ForgeQuery q;
    q.kind = ForgeQuery::Kind::kGithubOrg;
    q.name = org;
    q.api_base = mock.url() + "/api/v3";
    q.token = token_;
    q.retry_backoff = std::chrono::milliseconds(10);
    q.on_notice = [this](const std::string& s) { notices_.push_back(s); };
    return q;
  }

  // Three pages of an organisation: a fork, an archived and a private repository among them.
  static json acme_routes() {
    return {{"/api/v3/orgs/acme/repos",
             {{"pages",
               {{gh_repo("acme/api"), gh_repo("acme/web")},
                {gh_repo("acme/fork-of-lib", true), gh_repo("acme/old", false, true)},
                {gh_repo("acme/secret-sauce", false, false, "private")}}}}}};
  }

  static json with_before(json routes, const std::string& path, json before) {
    routes[path]["before"] = std::move(before);
    return routes;
  }

  std::string all_notices() const {
    std::string s;
    for (const std::string& n : notices_) s += n + "\n";
    return s;
  }

  void expect_no_token(const std::string& text) const {
    EXPECT_EQ(text.find(token_), std::string::npos) << text;
  }

  TempDir tmp_;
  std::string token_ = testing::fake_github_token(7);
  std::vector<std::string> notices_;
};

TEST_F(Forge, GithubOrgFollowsEveryPageWithTheTokenInTheHeaderOnly) {
  MockForge mock(tmp_, acme_routes().dump());
  ASSERT_NE(mock.port(), 0);
  auto repos = list_repositories(github(mock, "acme"));
  ASSERT_TRUE(repos.ok()) << repos.status().message();
  EXPECT_EQ(names(*repos), (std::vector<std::string>{"acme/api", "acme/web", "acme/fork-of-lib",
                                                     "acme/old", "acme/secret-sauce"}));
  EXPECT_EQ((*repos)[0].clone_url, "https://github.example/acme/api.git");
  EXPECT_TRUE((*repos)[2].fork);
  EXPECT_TRUE((*repos)[3].archived);
  EXPECT_EQ((*repos)[4].visibility, "private");
  EXPECT_EQ((*repos)[0].default_branch, "main");
  const std::string log = mock.requests();
  EXPECT_EQ(count(log, "\n"), 3) << log;
  EXPECT_EQ(count(log, "per_page=100"), 3) << log;
  EXPECT_EQ(count(log, "type=all"), 3) << log;
  EXPECT_EQ(count(log, "\"authorization\": \"Bearer " + token_ + "\""), 3) << log;
  EXPECT_EQ(count(log, "\"user_agent\": \"reachscan\""), 3) << log;
  EXPECT_EQ(count(log, token_), 3) << "the token appears only in the Authorization header\n" << log;
  EXPECT_TRUE(notices_.empty()) << all_notices();
}

TEST_F(Forge, FiltersForksArchivedAndVisibility) {
  MockForge mock(tmp_, acme_routes().dump());
  ForgeQuery q = github(mock, "acme");
  q.include_forks = false;
  q.include_archived = false;
  auto repos = list_repositories(q);
  ASSERT_TRUE(repos.ok()) << repos.status().message();
  EXPECT_EQ(names(*repos), (std::vector<std::string>{"acme/api", "acme/web", "acme/secret-sauce"}));
  q.visibility = "private";
  repos = list_repositories(q);
  ASSERT_TRUE(repos.ok()) << repos.status().message();
  EXPECT_EQ(names(*repos), (std::vector<std::string>{"acme/secret-sauce"}));
}

TEST_F(Forge, GithubEnterpriseBareHostGetsApiV3AndUsersAreListed) {
  json routes = {{"/api/v3/users/dev1/repos", {{"pages", {{gh_repo("dev1/dotfiles")}}}}}};
  MockForge mock(tmp_, routes.dump());
  ForgeQuery q = github(mock, "dev1");
  q.kind = ForgeQuery::Kind::kGithubUser;
  q.api_base = mock.url() + "/";
  auto repos = list_repositories(q);
  ASSERT_TRUE(repos.ok()) << repos.status().message();
  EXPECT_EQ(names(*repos), (std::vector<std::string>{"dev1/dotfiles"}));
  EXPECT_NE(mock.requests().find("type=owner"), std::string::npos);
}

TEST_F(Forge, RateLimitRetryAfterIsWaitedOutAndReported) {
  MockForge mock(tmp_,
                 with_before(acme_routes(), "/api/v3/orgs/acme/repos",
                             {answer(403, {{"Retry-After", "1"}},
                                     {{"message", "You have exceeded a secondary rate limit"}})})
                     .dump());
  auto repos = list_repositories(github(mock, "acme"));
  ASSERT_TRUE(repos.ok()) << repos.status().message();
  EXPECT_EQ(repos->size(), 5u);
  ASSERT_EQ(notices_.size(), 1u) << all_notices();
  EXPECT_EQ(notices_[0], "rate limited by 127.0.0.1: waiting 1 s (Retry-After)");
}

TEST_F(Forge, RateLimitResetHeaderIsWaitedOut) {
  json limited = {
      {"status", 429}, {"reset_in", 1}, {"body", {{"message", "API rate limit exceeded"}}}};
  MockForge mock(tmp_, with_before(acme_routes(), "/api/v3/orgs/acme/repos", {limited}).dump());
  auto repos = list_repositories(github(mock, "acme"));
  ASSERT_TRUE(repos.ok()) << repos.status().message();
  EXPECT_EQ(repos->size(), 5u);
  ASSERT_EQ(notices_.size(), 1u) << all_notices();
  EXPECT_NE(notices_[0].find("(X-RateLimit-Reset)"), std::string::npos) << notices_[0];
  EXPECT_NE(notices_[0].find("rate limited by 127.0.0.1: waiting "), std::string::npos);
}

TEST_F(Forge, RateLimitBeyondMaxWaitIsAClearError) {
  MockForge mock(tmp_, with_before(acme_routes(), "/api/v3/orgs/acme/repos",
                                   {answer(403, {{"Retry-After", "3600"}})})
                           .dump());
  ForgeQuery q = github(mock, "acme");
  q.max_wait = std::chrono::seconds(5);
  auto repos = list_repositories(q);
  ASSERT_FALSE(repos.ok());
  EXPECT_EQ(repos.status().message(),
            "rate limited by 127.0.0.1: Retry-After asks to wait 3600 s, more than the 5 s left of "
            "the maximum wait (5 s); try again later");
  EXPECT_TRUE(notices_.empty()) << all_notices();
}

TEST_F(Forge, MissingOrganisationIsNamed) {
  MockForge mock(tmp_, acme_routes().dump());
  auto repos = list_repositories(github(mock, "ghost"));
  ASSERT_FALSE(repos.ok());
  const std::string m = repos.status().message();
  EXPECT_EQ(m.rfind("GitHub organisation ghost not found (HTTP 404 from " + mock.url() +
                        "/api/v3/orgs/ghost/repos?type=all&per_page=100)",
                    0),
            0u)
      << m;
  expect_no_token(m);
}

TEST_F(Forge, MalformedJsonNamesTheUrlNotTheToken) {
  json routes = {{"/api/v3/orgs/acme/repos", {{"raw", "[{\"full_name\": \"acme/api\", "}}}};
  MockForge mock(tmp_, routes.dump());
  auto repos = list_repositories(github(mock, "acme"));
  ASSERT_FALSE(repos.ok());
  const std::string m = repos.status().message();
  EXPECT_EQ(m.rfind("malformed JSON from " + mock.url() + "/api/v3/orgs/acme/repos?", 0), 0u) << m;
  expect_no_token(m);
}

TEST_F(Forge, ServerErrorIsRetriedThenSucceeds) {
  MockForge mock(
      tmp_,
      with_before(acme_routes(), "/api/v3/orgs/acme/repos", {answer(500), answer(502)}).dump());
  auto repos = list_repositories(github(mock, "acme"));
  ASSERT_TRUE(repos.ok()) << repos.status().message();
  EXPECT_EQ(repos->size(), 5u);
  ASSERT_EQ(notices_.size(), 2u) << all_notices();
  EXPECT_EQ(notices_[0], "HTTP 500 from 127.0.0.1: retrying in 10 ms (retry 1 of 5)");
  EXPECT_EQ(notices_[1], "HTTP 502 from 127.0.0.1: retrying in 20 ms (retry 2 of 5)");
}

TEST_F(Forge, ServerErrorBeyondRetriesIsAnError) {
  MockForge mock(tmp_, with_before(acme_routes(), "/api/v3/orgs/acme/repos",
                                   {answer(503), answer(503), answer(503)})
                           .dump());
  ForgeQuery q = github(mock, "acme");
  q.max_retries = 2;
  auto repos = list_repositories(q);
  ASSERT_FALSE(repos.ok());
  EXPECT_EQ(repos.status().message(), "HTTP 503 from " + mock.url() +
                                          "/api/v3/orgs/acme/repos?type=all&per_page=100 (after 2 "
                                          "retries)");
}

TEST_F(Forge, RejectedTokenIsAClearError) {
  MockForge mock(tmp_, with_before(acme_routes(), "/api/v3/orgs/acme/repos",
                                   {answer(401, json::object(), {{"message", "Bad credentials"}})})
                           .dump());
  auto repos = list_repositories(github(mock, "acme"));
  ASSERT_FALSE(repos.ok());
  const std::string m = repos.status().message();
  EXPECT_NE(m.find("HTTP 401"), std::string::npos) << m;
  EXPECT_NE(m.find("Bad credentials"), std::string::npos) << m;
  EXPECT_NE(m.find("check the token"), std::string::npos) << m;
  expect_no_token(m);
}

TEST_F(Forge, PaginationLinkToAnotherHostIsRefused) {
  json routes = acme_routes();
  routes["/api/v3/orgs/acme/repos"]["next_link"] = "http://127.0.0.2:9/steal?page=2";
  MockForge mock(tmp_, routes.dump());
  auto repos = list_repositories(github(mock, "acme"));
  ASSERT_FALSE(repos.ok());
  EXPECT_NE(repos.status().message().find("points to another host (127.0.0.2); refused"),
            std::string::npos)
      << repos.status().message();
}

TEST_F(Forge, RedirectWithinTheApiHostIsFollowed) {
  // A renamed organisation: a relative Location on the same host.
  json routes = acme_routes();
  routes["/api/v3/orgs/old-name/repos"] = {
      {"pages", json::array({json::array()})},
      {"before", {answer(301, {{"Location", "/api/v3/orgs/acme/repos?type=all&per_page=100"}})}}};
  MockForge mock(tmp_, routes.dump());
  auto repos = list_repositories(github(mock, "old-name"));
  ASSERT_TRUE(repos.ok()) << repos.status().message();
  EXPECT_EQ(repos->size(), 5u);
  EXPECT_EQ(count(mock.requests(), "\"authorization\": \"Bearer " + token_ + "\""), 4);
}

TEST_F(Forge, RedirectToAnotherHostIsRefusedSoTheTokenStaysHome) {
  json routes = {{"/api/v4/groups/acme/projects",
                  {{"pages", json::array({json::array()})},
                   {"before", {answer(302, {{"Location", "http://127.0.0.2:9/api/v4/x"}})}}}}};
  MockForge mock(tmp_, routes.dump());
  ForgeQuery q;
  q.kind = ForgeQuery::Kind::kGitlabGroup;
  q.name = "acme";
  q.api_base = mock.url() + "/api/v4";
  q.token = token_;
  auto repos = list_repositories(q);
  ASSERT_FALSE(repos.ok());
  EXPECT_NE(repos.status().message().find("redirects to another host (127.0.0.2); refused"),
            std::string::npos)
      << repos.status().message();
  expect_no_token(repos.status().message());
}

TEST_F(Forge, UnreachableApiIsAnErrorWithoutRetries) {
  ForgeQuery q;
  q.api_base = "http://127.0.0.1:" + std::to_string(testing::free_port());
  q.name = "acme";
  q.token = token_;
  auto repos = list_repositories(q);
  ASSERT_FALSE(repos.ok());
  EXPECT_NE(repos.status().message().find("HTTP request to " + q.api_base + "/api/v3/orgs/acme"),
            std::string::npos)
      << repos.status().message();
  expect_no_token(repos.status().message());
}

TEST_F(Forge, GitlabGroupWithSubgroupsFollowsNextPageHeader) {
  json routes = {{"/api/v4/groups/acme%2Fplatform/projects",
                  {{"pagination", "x-next-page"},
                   {"pages",
                    {{gl_project("acme/platform/api"), gl_project("acme/platform/infra/tf")},
                     {gl_project("acme/platform/fork", true)}}}}}};
  MockForge mock(tmp_, routes.dump());
  ForgeQuery q;
  q.kind = ForgeQuery::Kind::kGitlabGroup;
  q.name = "acme/platform";
  q.api_base = mock.url();  // a bare host: /api/v4 is appended
  q.token = token_;
  auto repos = list_repositories(q);
  ASSERT_TRUE(repos.ok()) << repos.status().message();
  EXPECT_EQ(names(*repos), (std::vector<std::string>{"acme/platform/api", "acme/platform/infra/tf",
                                                     "acme/platform/fork"}));
  EXPECT_TRUE((*repos)[2].fork);
  EXPECT_FALSE((*repos)[0].fork);
  EXPECT_EQ((*repos)[0].visibility, "internal");
  EXPECT_EQ((*repos)[0].clone_url, "https://gitlab.example/acme/platform/api.git");
  const std::string log = mock.requests();
  EXPECT_EQ(count(log, "include_subgroups=true"), 2) << log;
  EXPECT_EQ(count(log, "page=2"), 1) << log;
  EXPECT_EQ(count(log, "\"private_token\": \"" + token_ + "\""), 2) << log;
  EXPECT_EQ(count(log, "\"authorization\": \"\""), 2) << log;
  EXPECT_EQ(token_user_for(q.kind), "oauth2");
}

TEST_F(Forge, MissingGitlabGroupIsNamed) {
  MockForge mock(tmp_, json::object().dump());
  ForgeQuery q;
  q.kind = ForgeQuery::Kind::kGitlabGroup;
  q.name = "nobody";
  q.api_base = mock.url() + "/api/v4";
  auto repos = list_repositories(q);
  ASSERT_FALSE(repos.ok());
  EXPECT_EQ(repos.status().message().rfind("GitLab group nobody not found (HTTP 404 from ", 0), 0u)
      << repos.status().message();
}

TEST_F(Forge, BadNamesAndBaseUrlsAreRefusedBeforeAnyRequest) {
  ForgeQuery q;
  q.name = "acme/../x";
  EXPECT_NE(list_repositories(q).status().message().find("a GitHub name has no '/'"),
            std::string::npos);
  q.name = "acme";
  q.api_base = "ftp://ghe.example";
  EXPECT_NE(list_repositories(q).status().message().find("must be http:// or https://"),
            std::string::npos);
  q.api_base = "https://user:pw@ghe.example";
  const std::string m = list_repositories(q).status().message();
  EXPECT_NE(m.find("must not carry credentials"), std::string::npos) << m;
  EXPECT_EQ(m.find("pw"), std::string::npos) << m;
}

}  // namespace
}  // namespace reachscan::sources
