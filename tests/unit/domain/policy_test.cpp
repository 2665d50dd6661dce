#include "domain/policy.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace liaison::domain {
namespace {

namespace fs = std::filesystem;

const std::string kOsce = "org-osce";
const std::string kArf = "org-arf";

RoleGrant operator_grant() {
  return {Role::operator_, {}, {}};
}
RoleGrant secretariat_of(const std::string& organisation) {
  return {Role::secretariat, organisation, {}};
}
RoleGrant observer_of(const std::string& organisation) {
  return {Role::observer, organisation, {}};
}
RoleGrant focal_of(const std::string& organisation, const std::string& state) {
  return {Role::focal, organisation, state};
}
RoleGrant poc_of(const std::string& organisation, const std::string& state) {
  return {Role::poc, organisation, state};
}

Principal principal(std::vector<RoleGrant> grants) {
  return {"account-1", std::move(grants), {}};
}

Principal token(std::vector<RoleGrant> grants, std::vector<TokenScope> scopes) {
  return {"account-1", std::move(grants), std::move(scopes)};
}

// The resources every decision is asked about, named for the messages.
struct Place {
  std::string name;
  Resource resource;
};

const std::vector<Place>& places() {
  static const std::vector<Place> all{
      {"instance", Resource::instance()},           {"OSCE", Resource::organisation(kOsce)},
      {"ARF", Resource::organisation(kArf)},        {"OSCE/DE", Resource::state_in(kOsce, "DE")},
      {"OSCE/FR", Resource::state_in(kOsce, "FR")}, {"ARF/DE", Resource::state_in(kArf, "DE")},
  };
  return all;
}

constexpr Action kAllActions[] = {
    Action::read_reference,  Action::manage_own_account, Action::read_metrics,
    Action::read_audit,      Action::read_accounts,      Action::manage_accounts,
    Action::invite_operator, Action::invite_secretariat, Action::invite_observer,
    Action::invite_focal,    Action::invite_poc,         Action::read_directory,
    Action::read_drafts,     Action::edit_entries,       Action::approve_entries,
    Action::read_freshness,  Action::manage_directory,   Action::manage_mail,
    Action::run_checks,      Action::read_checks,
};

// Where a grant's holder is allowed each action, written out by hand from docs/authorization.md
// (not computed from the table, so that a change to the table has to change this test too).
using Expected = std::map<Action, std::set<std::string>>;

const std::set<std::string> kEverywhere{"instance", "OSCE", "ARF", "OSCE/DE", "OSCE/FR", "ARF/DE"};
const std::set<std::string> kOwnOrganisation{"OSCE", "OSCE/DE", "OSCE/FR"};
const std::set<std::string> kOwnState{"OSCE/DE"};
const std::set<std::string> kNowhere{};

void expect_decisions(const Principal& who, const Expected& expected, std::string_view label) {
  for (Action action : kAllActions) {
    auto wanted = expected.at(action);
    for (const auto& place : places()) {
      bool should = wanted.count(place.name) != 0;
      EXPECT_EQ(authorize(who, action, place.resource), should)
          << label << " " << action_name(action) << " on " << place.name;
    }
  }
}

TEST(Policy, OperatorIsAllowedEverythingEverywhereButWritingEntries) {
  Expected expected;
  for (Action action : kAllActions)
    expected[action] = kEverywhere;
  // What a state says about its contacts is its own (and its secretariat's to approve).
  expected[Action::edit_entries] = kNowhere;
  expected[Action::approve_entries] = kNowhere;
  // Checks test an organisation's network: its secretariat runs them.
  expected[Action::run_checks] = kNowhere;
  expect_decisions(principal({operator_grant()}), expected, "operator");
}

TEST(Policy, SecretariatReachesItsOwnOrganisation) {
  Expected expected{
      {Action::read_reference, kEverywhere},
      {Action::manage_own_account, kEverywhere},
      {Action::read_metrics, kNowhere},
      {Action::read_audit, kOwnOrganisation},
      {Action::read_accounts, kOwnOrganisation},
      {Action::manage_accounts, kOwnOrganisation},
      {Action::invite_operator, kNowhere},
      {Action::invite_secretariat, kOwnOrganisation},
      {Action::invite_observer, kOwnOrganisation},
      {Action::invite_focal, kOwnOrganisation},
      {Action::invite_poc, kOwnOrganisation},
      {Action::read_directory, kOwnOrganisation},
      {Action::read_drafts, kOwnOrganisation},
      {Action::edit_entries, kOwnOrganisation},
      {Action::approve_entries, kOwnOrganisation},
      {Action::read_freshness, kOwnOrganisation},
      {Action::manage_directory, kOwnOrganisation},
      // The mail queue spans organisations and shows every recipient: operators only.
      {Action::manage_mail, kNowhere},
      {Action::run_checks, kOwnOrganisation},
      {Action::read_checks, kOwnOrganisation},
  };
  expect_decisions(principal({secretariat_of(kOsce)}), expected, "secretariat of OSCE");
}

TEST(Policy, FocalPointReachesItsOwnStateOnly) {
  Expected expected{
      {Action::read_reference, kEverywhere},
      {Action::manage_own_account, kEverywhere},
      {Action::read_metrics, kNowhere},
      {Action::read_audit, kNowhere},
      {Action::read_accounts, kOwnState},
      {Action::manage_accounts, kOwnState},
      {Action::invite_operator, kNowhere},
      {Action::invite_secretariat, kNowhere},
      {Action::invite_observer, kNowhere},
      {Action::invite_focal, kNowhere},
      {Action::invite_poc, kOwnState},
      // Reads the whole directory of its organisation, but another state's drafts only once
      // published, and writes only its own state's entries.
      {Action::read_directory, kOwnOrganisation},
      {Action::read_drafts, kOwnState},
      {Action::edit_entries, kOwnState},
      {Action::approve_entries, kNowhere},
      {Action::read_freshness, kNowhere},
      {Action::manage_directory, kNowhere},
      {Action::manage_mail, kNowhere},
      // Sees how its own state did in checks, not how others did.
      {Action::run_checks, kNowhere},
      {Action::read_checks, kOwnState},
  };
  expect_decisions(principal({focal_of(kOsce, "DE")}), expected, "focal of OSCE/DE");
}

TEST(Policy, PointOfContactAndObserverOnlyReadTheirDirectoryAndManageThemselves) {
  Expected expected{
      {Action::read_reference, kEverywhere}, {Action::manage_own_account, kEverywhere},
      {Action::read_metrics, kNowhere},      {Action::read_audit, kNowhere},
      {Action::read_accounts, kNowhere},     {Action::manage_accounts, kNowhere},
      {Action::invite_operator, kNowhere},   {Action::invite_secretariat, kNowhere},
      {Action::invite_observer, kNowhere},   {Action::invite_focal, kNowhere},
      {Action::invite_poc, kNowhere},        {Action::read_directory, kOwnOrganisation},
      {Action::read_drafts, kNowhere},       {Action::edit_entries, kNowhere},
      {Action::approve_entries, kNowhere},   {Action::read_freshness, kNowhere},
      {Action::manage_directory, kNowhere},  {Action::manage_mail, kNowhere},
      {Action::run_checks, kNowhere},        {Action::read_checks, kNowhere},
  };
  expect_decisions(principal({poc_of(kOsce, "DE")}), expected, "poc of OSCE/DE");
  // Observers also see the checks' evidence, as they see the directory.
  expected[Action::read_checks] = kOwnOrganisation;
  expect_decisions(principal({observer_of(kOsce)}), expected, "observer of OSCE");
}

TEST(Policy, ReachIsMeasuredFromEachGrant) {
  // Another organisation, a foreign state of the own organisation, the same state in another
  // organisation: none is reached.
  auto secretariat = principal({secretariat_of(kOsce)});
  EXPECT_TRUE(authorize(secretariat, Action::read_accounts, Resource::organisation(kOsce)));
  EXPECT_FALSE(authorize(secretariat, Action::read_accounts, Resource::organisation(kArf)));
  EXPECT_FALSE(authorize(secretariat, Action::read_accounts, Resource::state_in(kArf, "DE")));
  EXPECT_FALSE(authorize(secretariat, Action::read_accounts, Resource::instance()));

  auto focal = principal({focal_of(kOsce, "DE")});
  EXPECT_TRUE(authorize(focal, Action::invite_poc, Resource::state_in(kOsce, "DE")));
  EXPECT_FALSE(authorize(focal, Action::invite_poc, Resource::state_in(kOsce, "FR")));
  EXPECT_FALSE(authorize(focal, Action::invite_poc, Resource::state_in(kArf, "DE")));
  EXPECT_FALSE(authorize(focal, Action::invite_poc, Resource::organisation(kOsce)));
  EXPECT_FALSE(authorize(focal, Action::invite_poc, Resource::instance()));

  // Two grants: each reaches its own part, and together no more.
  auto both = principal({focal_of(kOsce, "DE"), secretariat_of(kArf)});
  EXPECT_TRUE(authorize(both, Action::read_accounts, Resource::state_in(kOsce, "DE")));
  EXPECT_TRUE(authorize(both, Action::read_accounts, Resource::organisation(kArf)));
  EXPECT_FALSE(authorize(both, Action::read_accounts, Resource::organisation(kOsce)));
  EXPECT_FALSE(authorize(both, Action::read_accounts, Resource::state_in(kOsce, "FR")));
}

TEST(Policy, AnEmptyResourceFieldReachesNothingScoped) {
  // An organisation-wide grant with an empty organisation (malformed) must not match a resource
  // with an empty organisation either.
  auto malformed = principal({RoleGrant{Role::secretariat, {}, {}}});
  EXPECT_FALSE(authorize(malformed, Action::read_accounts, Resource::instance()));
  auto focal_without_state = principal({RoleGrant{Role::focal, kOsce, {}}});
  EXPECT_FALSE(
      authorize(focal_without_state, Action::read_accounts, Resource::organisation(kOsce)));
}

TEST(Policy, DefaultDeny) {
  // No account: nothing, whatever the grants say.
  Principal nobody;
  Principal no_account{"", {operator_grant()}, {}};
  Principal no_grants{"account-1", {}, {}};
  Principal unknown_role{"account-1", {RoleGrant{static_cast<Role>(99), kOsce, "DE"}}, {}};
  for (Action action : kAllActions) {
    for (const auto& place : places()) {
      EXPECT_FALSE(authorize(nobody, action, place.resource)) << action_name(action);
      EXPECT_FALSE(authorize(no_account, action, place.resource)) << action_name(action);
      EXPECT_FALSE(authorize(no_grants, action, place.resource)) << action_name(action);
      EXPECT_FALSE(authorize(unknown_role, action, place.resource)) << action_name(action);
    }
  }
  // An action the table does not know is denied even to an operator.
  EXPECT_FALSE(
      authorize(principal({operator_grant()}), static_cast<Action>(99), Resource::instance()));
  EXPECT_EQ(action_name(static_cast<Action>(99)), "unknown");
}

TEST(Policy, TokenScopesNarrowTheRoles) {
  // A secretariat token that may only read the directory cannot read the audit log.
  auto reader = token({secretariat_of(kOsce)}, {TokenScope::read_directory});
  EXPECT_TRUE(authorize(reader, Action::read_reference, Resource::instance()));
  EXPECT_FALSE(authorize(reader, Action::read_audit, Resource::organisation(kOsce)));
  EXPECT_FALSE(authorize(reader, Action::read_accounts, Resource::organisation(kOsce)));
  EXPECT_FALSE(authorize(reader, Action::invite_poc, Resource::state_in(kOsce, "DE")));

  // With read_audit it can, but only as far as its role reaches.
  auto auditor = token({secretariat_of(kOsce)}, {TokenScope::read_audit});
  EXPECT_TRUE(authorize(auditor, Action::read_audit, Resource::organisation(kOsce)));
  EXPECT_FALSE(authorize(auditor, Action::read_audit, Resource::organisation(kArf)));
  EXPECT_FALSE(authorize(auditor, Action::read_reference, Resource::instance()));

  // A scope never adds what the role lacks.
  auto observer_auditor = token({observer_of(kOsce)}, {TokenScope::read_audit});
  EXPECT_FALSE(authorize(observer_auditor, Action::read_audit, Resource::organisation(kOsce)));
  auto metrics = token({secretariat_of(kOsce)}, {TokenScope::read_metrics});
  EXPECT_FALSE(authorize(metrics, Action::read_metrics, Resource::instance()));
  auto operator_metrics = token({operator_grant()}, {TokenScope::read_metrics});
  EXPECT_TRUE(authorize(operator_metrics, Action::read_metrics, Resource::instance()));
  EXPECT_FALSE(authorize(operator_metrics, Action::read_reference, Resource::instance()));

  // manage_state: the state's accounts and PoC invitations, nothing else.
  auto manager = token({focal_of(kOsce, "DE")}, {TokenScope::manage_state});
  EXPECT_TRUE(authorize(manager, Action::read_reference, Resource::instance()));
  EXPECT_TRUE(authorize(manager, Action::read_accounts, Resource::state_in(kOsce, "DE")));
  EXPECT_TRUE(authorize(manager, Action::manage_accounts, Resource::state_in(kOsce, "DE")));
  EXPECT_TRUE(authorize(manager, Action::invite_poc, Resource::state_in(kOsce, "DE")));
  EXPECT_FALSE(authorize(manager, Action::invite_poc, Resource::state_in(kOsce, "FR")));
  auto secretariat_manager = token({secretariat_of(kOsce)}, {TokenScope::manage_state});
  EXPECT_FALSE(
      authorize(secretariat_manager, Action::invite_focal, Resource::state_in(kOsce, "DE")));

  // write_directory: the entries of the holder's state, not its accounts.
  auto keeper = token({focal_of(kOsce, "DE")}, {TokenScope::write_directory});
  EXPECT_TRUE(authorize(keeper, Action::edit_entries, Resource::state_in(kOsce, "DE")));
  EXPECT_TRUE(authorize(keeper, Action::read_drafts, Resource::state_in(kOsce, "DE")));
  EXPECT_FALSE(authorize(keeper, Action::edit_entries, Resource::state_in(kOsce, "FR")));
  EXPECT_FALSE(authorize(keeper, Action::invite_poc, Resource::state_in(kOsce, "DE")));
  EXPECT_FALSE(authorize(manager, Action::edit_entries, Resource::state_in(kOsce, "DE")));

  // A token with an empty list of scopes does nothing.
  auto empty = token({operator_grant()}, {});
  for (Action action : kAllActions)
    EXPECT_FALSE(authorize(empty, action, Resource::instance())) << action_name(action);
}

TEST(Policy, NoScopeCoversManagingOnesOwnAccount) {
  for (auto scope : kTokenScopes) {
    auto holder = token({operator_grant()}, {scope});
    EXPECT_FALSE(authorize(holder, Action::manage_own_account, Resource::instance()))
        << token_scope_name(scope);
  }
  auto every_scope = token({operator_grant()}, std::vector<TokenScope>(std::begin(kTokenScopes),
                                                                       std::end(kTokenScopes)));
  EXPECT_FALSE(authorize(every_scope, Action::manage_own_account, Resource::instance()));
  // Yet an operator token with every scope reads metrics, audit and accounts anywhere.
  EXPECT_TRUE(authorize(every_scope, Action::read_metrics, Resource::instance()));
  EXPECT_TRUE(authorize(every_scope, Action::read_audit, Resource::instance()));
  EXPECT_TRUE(authorize(every_scope, Action::manage_accounts, Resource::organisation(kArf)));
  EXPECT_FALSE(authorize(every_scope, Action::invite_operator, Resource::instance()));
}

TEST(Policy, MayManageAccountNeedsReachOverEveryGrant) {
  auto secretariat = principal({secretariat_of(kOsce)});
  std::vector<RoleGrant> focal_de{focal_of(kOsce, "DE")};
  EXPECT_TRUE(may_manage_account(secretariat, focal_de));

  // The same person is also a focal point in another organisation: the OSCE secretariat may not
  // lock them out of the ARF.
  std::vector<RoleGrant> shared{focal_of(kOsce, "DE"), focal_of(kArf, "AU")};
  EXPECT_FALSE(may_manage_account(secretariat, shared));
  EXPECT_TRUE(may_manage_account(principal({secretariat_of(kOsce), secretariat_of(kArf)}), shared));
  std::vector<RoleGrant> other_secretariat{secretariat_of(kArf)};
  EXPECT_FALSE(may_manage_account(secretariat, other_secretariat));

  // Focal points manage their state's points of contact, not another state's, not upwards.
  auto focal = principal({focal_of(kOsce, "DE")});
  std::vector<RoleGrant> poc_de{poc_of(kOsce, "DE")};
  std::vector<RoleGrant> poc_fr{poc_of(kOsce, "FR")};
  std::vector<RoleGrant> osce_secretariat{secretariat_of(kOsce)};
  std::vector<RoleGrant> osce_observer{observer_of(kOsce)};
  EXPECT_TRUE(may_manage_account(focal, poc_de));
  EXPECT_FALSE(may_manage_account(focal, poc_fr));
  EXPECT_FALSE(may_manage_account(focal, osce_secretariat));
  EXPECT_FALSE(may_manage_account(focal, osce_observer));

  // PoCs and observers manage nobody.
  EXPECT_FALSE(may_manage_account(principal({poc_of(kOsce, "DE")}), poc_de));
  EXPECT_FALSE(may_manage_account(principal({observer_of(kOsce)}), poc_de));
}

TEST(Policy, OnlyOperatorsManageOperators) {
  std::vector<RoleGrant> an_operator{operator_grant()};
  std::vector<RoleGrant> operator_and_secretariat{operator_grant(), secretariat_of(kOsce)};
  EXPECT_TRUE(may_manage_account(principal({operator_grant()}), an_operator));
  EXPECT_TRUE(may_manage_account(principal({operator_grant()}), operator_and_secretariat));
  EXPECT_FALSE(may_manage_account(principal({secretariat_of(kOsce)}), an_operator));
  EXPECT_FALSE(may_manage_account(principal({secretariat_of(kOsce)}), operator_and_secretariat));
  EXPECT_FALSE(may_manage_account(principal({focal_of(kOsce, "DE")}), an_operator));

  // An account without roles: only someone who manages accounts instance-wide.
  std::vector<RoleGrant> none;
  EXPECT_TRUE(may_manage_account(principal({operator_grant()}), none));
  EXPECT_FALSE(may_manage_account(principal({secretariat_of(kOsce)}), none));

  // A token without manage_state cannot manage anyone; an operator token with manage_state
  // still cannot manage operators (invite_operator is in no scope).
  EXPECT_FALSE(may_manage_account(token({operator_grant()}, {TokenScope::read_directory}),
                                  std::vector<RoleGrant>{poc_of(kOsce, "DE")}));
  EXPECT_TRUE(may_manage_account(token({operator_grant()}, {TokenScope::manage_state}),
                                 std::vector<RoleGrant>{poc_of(kOsce, "DE")}));
  EXPECT_FALSE(
      may_manage_account(token({operator_grant()}, {TokenScope::manage_state}), an_operator));
  // Nobody signed in manages nobody.
  EXPECT_FALSE(may_manage_account(Principal{}, std::vector<RoleGrant>{poc_of(kOsce, "DE")}));
}

TEST(Policy, ScopeUsable) {
  std::vector<RoleGrant> none;
  std::vector<RoleGrant> op{operator_grant()};
  std::vector<RoleGrant> secretariat{secretariat_of(kOsce)};
  std::vector<RoleGrant> focal{focal_of(kOsce, "DE")};
  std::vector<RoleGrant> poc{poc_of(kOsce, "DE")};
  std::vector<RoleGrant> observer{observer_of(kOsce)};

  for (auto scope : kTokenScopes)
    EXPECT_FALSE(scope_usable(none, scope)) << token_scope_name(scope);

  for (const auto* grants : {&op, &secretariat, &focal, &poc, &observer})
    EXPECT_TRUE(scope_usable(*grants, TokenScope::read_directory));

  EXPECT_TRUE(scope_usable(op, TokenScope::read_audit));
  EXPECT_TRUE(scope_usable(secretariat, TokenScope::read_audit));
  EXPECT_FALSE(scope_usable(focal, TokenScope::read_audit));
  EXPECT_FALSE(scope_usable(poc, TokenScope::read_audit));
  EXPECT_FALSE(scope_usable(observer, TokenScope::read_audit));

  EXPECT_TRUE(scope_usable(secretariat, TokenScope::run_checks));
  EXPECT_FALSE(scope_usable(focal, TokenScope::run_checks));
  EXPECT_FALSE(scope_usable(observer, TokenScope::run_checks));

  EXPECT_TRUE(scope_usable(op, TokenScope::read_metrics));
  EXPECT_FALSE(scope_usable(secretariat, TokenScope::read_metrics));
  EXPECT_FALSE(scope_usable(focal, TokenScope::read_metrics));

  EXPECT_TRUE(scope_usable(focal, TokenScope::manage_state));
  EXPECT_TRUE(scope_usable(secretariat, TokenScope::manage_state));
  EXPECT_TRUE(scope_usable(op, TokenScope::manage_state));

  // Operators never write entries; PoCs and observers read only.
  EXPECT_TRUE(scope_usable(focal, TokenScope::write_directory));
  EXPECT_TRUE(scope_usable(secretariat, TokenScope::write_directory));
  EXPECT_FALSE(scope_usable(op, TokenScope::write_directory));
  EXPECT_FALSE(scope_usable(poc, TokenScope::write_directory));
  EXPECT_FALSE(scope_usable(observer, TokenScope::write_directory));
}

TEST(Policy, ScopeNamesRoundTrip) {
  std::set<std::string_view> names;
  for (auto scope : kTokenScopes) {
    auto name = token_scope_name(scope);
    EXPECT_NE(name, "unknown");
    EXPECT_FALSE(token_scope_description(scope).empty());
    EXPECT_EQ(parse_token_scope(name), scope);
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(kTokenScopes));
  EXPECT_FALSE(parse_token_scope("manage_own_account"));
  EXPECT_FALSE(parse_token_scope("READ_DIRECTORY"));
  EXPECT_FALSE(parse_token_scope(""));
}

TEST(Policy, EveryActionHasOneRuleAndInvitationsMapToRoles) {
  std::set<Action> seen;
  for (const auto& rule : policy_table()) {
    EXPECT_TRUE(seen.insert(rule.action).second) << rule.name;
    EXPECT_EQ(action_name(rule.action), rule.name);
  }
  EXPECT_EQ(seen.size(), std::size(kAllActions));
  EXPECT_EQ(invitation_action(Role::operator_), Action::invite_operator);
  EXPECT_EQ(invitation_action(Role::secretariat), Action::invite_secretariat);
  EXPECT_EQ(invitation_action(Role::observer), Action::invite_observer);
  EXPECT_EQ(invitation_action(Role::focal), Action::invite_focal);
  EXPECT_EQ(invitation_action(Role::poc), Action::invite_poc);
  auto resource = resource_of(focal_of(kOsce, "DE"));
  EXPECT_EQ(resource.organisation_id, kOsce);
  EXPECT_EQ(resource.state, "DE");
}

TEST(PolicyMarkdown, DocsAuthorizationMdIsTheGeneratedPage) {
  const fs::path path = fs::path(LIAISON_SOURCE_DIR) / "docs" / "authorization.md";
  const std::string regenerate =
      "\nRegenerate it from the repository root with:\n"
      "  build/dev/src/app/liaison policy --markdown > docs/authorization.md";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path.string() << " does not exist." << regenerate;
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_TRUE(content.str() == policy_markdown())
      << path.string() << " differs from `liaison policy --markdown`." << regenerate;
}

}  // namespace
}  // namespace liaison::domain
