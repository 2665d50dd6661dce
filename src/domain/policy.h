#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/account.h"

namespace liaison::domain {

//! Everything the policy decides about. Each route and each service names one.
enum class Action {
  read_reference,      //!< organisations, their members, states
  manage_own_account,  //!< one's own password, sessions, second factor and API tokens
  read_metrics,        //!< the Prometheus endpoint
  read_audit,          //!< read and export the audit log
  read_accounts,       //!< list the accounts of an organisation or a state
  manage_accounts,     //!< suspend, reactivate and remove accounts
  invite_operator,
  invite_secretariat,
  invite_observer,
  invite_focal,
  invite_poc,
  read_directory,    //!< the published entries of an organisation's directory, exports, search
  read_drafts,       //!< changes not yet published and the whole history of a state's entries
  edit_entries,      //!< create, edit, retire, re-confirm and import a state's entries
  approve_entries,   //!< publish changes where the organisation's rules ask for approval
  read_freshness,    //!< the freshness dashboard of every member state
  manage_directory,  //!< set an organisation's re-confirmation cycle and approval rule
  manage_mail,       //!< the outbox, inbound mail and undeliverable addresses; retry failed mail
  run_checks,   //!< compose, launch and cancel communication checks; judge answers, record calls
  read_checks,  //!< communication checks and their results (a state: its own part)
};

//! What an action applies to: the instance (both empty), an organisation, or a state's part of
//! an organisation.
struct Resource {
  std::string organisation_id;
  std::string state;
  static Resource instance() { return {}; }
  static Resource organisation(std::string id) { return {std::move(id), {}}; }
  static Resource state_in(std::string organisation_id, std::string state) {
    return {std::move(organisation_id), std::move(state)};
  }
};

//! What an API token may be used for. A token acts for the account that issued it, and only for
//! the actions of its scopes that the account's roles allow.
enum class TokenScope {
  read_directory,
  write_directory,
  manage_state,
  read_audit,
  read_metrics,
  run_checks
};

inline constexpr TokenScope kTokenScopes[] = {
    TokenScope::read_directory, TokenScope::write_directory, TokenScope::manage_state,
    TokenScope::read_audit,     TokenScope::read_metrics,    TokenScope::run_checks};

std::string_view token_scope_name(TokenScope scope);
std::string_view token_scope_description(TokenScope scope);
std::optional<TokenScope> parse_token_scope(std::string_view name);

//! Who asks: an account and its roles; with `scopes` when the request carries an API token.
struct Principal {
  std::string account_id;
  std::vector<RoleGrant> grants;
  std::optional<std::vector<TokenScope>> scopes;

  bool has_role(Role role) const;
};

//! The one decision every route and service asks for. Default deny: an action is allowed only
//! when a row of the policy table lets one of the principal's grants reach the resource (and,
//! for a token, one of its scopes covers the action).
bool authorize(const Principal& principal, Action action, const Resource& resource);

//! The invitation action that creates `grant` (invite_focal for a focal grant, …).
Action invitation_action(Role role);

//! The resource a grant covers, for asking about actions on its holder.
Resource resource_of(const RoleGrant& grant);

//! May `principal` suspend, reactivate or remove an account holding `grants`? Only when the
//! principal may manage accounts over every one of them: a secretariat cannot lock out another
//! organisation's focal point by way of a shared account. Operators are managed by operators.
bool may_manage_account(const Principal& principal, std::span<const RoleGrant> grants);

//! Whether the roles in `grants` allow every action of `scope` (somewhere).
bool scope_usable(std::span<const RoleGrant> grants, TokenScope scope);

//! One row of the policy table: which roles may take an action, and how far their grant reaches
//! ("anywhere", "own organisation", "own state"); an absent role is denied.
struct PolicyRule {
  Action action;
  std::string_view name;
  std::string_view description;
  struct Allowance {
    Role role;
    Reach reach;
  };
  std::vector<Allowance> allowed;
};

std::span<const PolicyRule> policy_table();
std::string_view action_name(Action action);

//! The policy table and the token scopes as Markdown, for docs/authorization.md.
std::string policy_markdown();

}  // namespace liaison::domain
