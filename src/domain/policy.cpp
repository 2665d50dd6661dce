#include "domain/policy.h"

#include <algorithm>
#include <array>
#include <utility>

namespace liaison::domain {
namespace {

using A = PolicyRule::Allowance;

// The policy. Reach is measured from the role holder's grant to the resource: `instance` reaches
// everything, `organisation` the resources of the grant's organisation, `state` only the grant's
// state within that organisation.
const std::vector<PolicyRule>& rules() {
  static const std::vector<PolicyRule> table{
      {Action::read_reference,
       "read_reference",
       "Read organisations, their member states and state names",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::instance},
        A{Role::focal, Reach::instance}, A{Role::poc, Reach::instance},
        A{Role::observer, Reach::instance}}},
      {Action::manage_own_account,
       "manage_own_account",
       "Change one's own password, sessions, recovery codes and API tokens",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::instance},
        A{Role::focal, Reach::instance}, A{Role::poc, Reach::instance},
        A{Role::observer, Reach::instance}}},
      {Action::read_metrics,
       "read_metrics",
       "Read the Prometheus metrics",
       {A{Role::operator_, Reach::instance}}},
      {Action::read_audit,
       "read_audit",
       "Read, filter and export the audit log (an organisation's entries, or all for operators)",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation}}},
      {Action::read_accounts,
       "read_accounts",
       "List the accounts and roles of an organisation or a state",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation},
        A{Role::focal, Reach::state}}},
      {Action::manage_accounts,
       "manage_accounts",
       "Suspend, reactivate and remove accounts",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation},
        A{Role::focal, Reach::state}}},
      {Action::invite_operator,
       "invite_operator",
       "Invite an operator of the instance",
       {A{Role::operator_, Reach::instance}}},
      {Action::invite_secretariat,
       "invite_secretariat",
       "Invite a secretariat user of an organisation",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation}}},
      {Action::invite_observer,
       "invite_observer",
       "Invite an observer of an organisation",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation}}},
      {Action::invite_focal,
       "invite_focal",
       "Invite a focal point of a member state",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation}}},
      {Action::invite_poc,
       "invite_poc",
       "Invite a point of contact of a member state",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation},
        A{Role::focal, Reach::state}}},
      // Each organisation's directory is closed: its own people read it, nobody else does
      // (an OAS member does not see the OSCE directory). Operators run the instance and read
      // everything to support it, but never write entries: what a state says is its own.
      {Action::read_directory,
       "read_directory",
       "Read an organisation's published directory: entries, history, search and exports",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation},
        A{Role::focal, Reach::organisation}, A{Role::poc, Reach::organisation},
        A{Role::observer, Reach::organisation}}},
      {Action::read_drafts,
       "read_drafts",
       "See a state's unpublished changes and the whole history of its entries",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation},
        A{Role::focal, Reach::state}}},
      {Action::edit_entries,
       "edit_entries",
       "Create, edit, retire, re-confirm and import a state's entries",
       {A{Role::secretariat, Reach::organisation}, A{Role::focal, Reach::state}}},
      {Action::approve_entries,
       "approve_entries",
       "Publish changes where the organisation's rules ask for the secretariat's approval",
       {A{Role::secretariat, Reach::organisation}}},
      {Action::read_freshness,
       "read_freshness",
       "See every member state's freshness: last confirmed, overdue, last verified reachable",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation}}},
      {Action::manage_directory,
       "manage_directory",
       "Set an organisation's re-confirmation cycle, change-notice period and approval rule",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation}}},
      // Operators run the mail system. The queue shows addresses, subjects and errors but never
      // bodies, which carry invitation links and answer tokens.
      {Action::manage_mail,
       "manage_mail",
       "See the outbox, inbound mail and undeliverable addresses; send failed mail again",
       {A{Role::operator_, Reach::instance}}},
      // Checks are the secretariat's: it tests its network. A focal point sees how its own
      // state did; observers see the evidence, as they see the directory.
      {Action::run_checks,
       "run_checks",
       "Compose, launch and cancel communication checks; judge answers and record calls",
       {A{Role::secretariat, Reach::organisation}}},
      {Action::read_checks,
       "read_checks",
       "See communication checks and their results (a focal point: its own state's)",
       {A{Role::operator_, Reach::instance}, A{Role::secretariat, Reach::organisation},
        A{Role::observer, Reach::organisation}, A{Role::focal, Reach::state}}},
  };
  return table;
}

// What each token scope covers. Tokens never cover manage_own_account: a stolen token cannot
// mint more tokens or change the password.
struct ScopeRow {
  TokenScope scope;
  std::string_view name;
  std::string_view description;
  std::vector<Action> actions;
};

const std::vector<ScopeRow>& scope_rows() {
  static const std::vector<ScopeRow> rows{
      {TokenScope::read_directory,
       "read_directory",
       "Read organisations, members and the directory",
       {Action::read_reference, Action::read_directory}},
      {TokenScope::write_directory,
       "write_directory",
       "Keep a state's entries: create, edit, retire, re-confirm and import them",
       {Action::read_reference, Action::read_directory, Action::read_drafts, Action::edit_entries}},
      {TokenScope::manage_state,
       "manage_state",
       "Manage one's own state: its accounts and invitations of points of contact",
       {Action::read_reference, Action::read_accounts, Action::manage_accounts,
        Action::invite_poc}},
      {TokenScope::read_audit, "read_audit", "Read and export the audit log", {Action::read_audit}},
      {TokenScope::read_metrics,
       "read_metrics",
       "Scrape the Prometheus metrics",
       {Action::read_metrics}},
      {TokenScope::run_checks,
       "run_checks",
       "Run communication checks and read their results (a secretariat's scripts)",
       {Action::read_reference, Action::read_directory, Action::run_checks, Action::read_checks}},
  };
  return rows;
}

const PolicyRule* rule_for(Action action) {
  for (const auto& rule : rules())
    if (rule.action == action) return &rule;
  return nullptr;
}

bool reaches(const RoleGrant& grant, Reach reach, const Resource& resource) {
  switch (reach) {
    case Reach::instance:
      return true;
    case Reach::organisation:
      return !resource.organisation_id.empty() && grant.organisation_id == resource.organisation_id;
    case Reach::state:
      return !resource.organisation_id.empty() && !resource.state.empty() &&
             grant.organisation_id == resource.organisation_id && grant.state == resource.state;
  }
  return false;
}

bool scopes_cover(const std::vector<TokenScope>& scopes, Action action) {
  return std::any_of(scopes.begin(), scopes.end(), [action](TokenScope scope) {
    for (const auto& row : scope_rows()) {
      if (row.scope == scope)
        return std::find(row.actions.begin(), row.actions.end(), action) != row.actions.end();
    }
    return false;
  });
}

std::string_view reach_text(Reach reach) {
  switch (reach) {
    case Reach::instance:
      return "anywhere";
    case Reach::organisation:
      return "own organisation";
    case Reach::state:
      return "own state";
  }
  return "";
}

}  // namespace

std::string_view token_scope_name(TokenScope scope) {
  for (const auto& row : scope_rows())
    if (row.scope == scope) return row.name;
  return "unknown";
}

std::string_view token_scope_description(TokenScope scope) {
  for (const auto& row : scope_rows())
    if (row.scope == scope) return row.description;
  return "";
}

std::optional<TokenScope> parse_token_scope(std::string_view name) {
  for (const auto& row : scope_rows())
    if (row.name == name) return row.scope;
  return std::nullopt;
}

bool Principal::has_role(Role role) const {
  return std::any_of(grants.begin(), grants.end(),
                     [role](const RoleGrant& grant) { return grant.role == role; });
}

bool authorize(const Principal& principal, Action action, const Resource& resource) {
  if (principal.account_id.empty()) return false;
  if (principal.scopes && !scopes_cover(*principal.scopes, action)) return false;
  const PolicyRule* rule = rule_for(action);
  if (!rule) return false;
  for (const auto& grant : principal.grants) {
    for (const auto& allowance : rule->allowed) {
      if (allowance.role == grant.role && reaches(grant, allowance.reach, resource)) return true;
    }
  }
  return false;
}

Action invitation_action(Role role) {
  switch (role) {
    case Role::operator_:
      return Action::invite_operator;
    case Role::secretariat:
      return Action::invite_secretariat;
    case Role::focal:
      return Action::invite_focal;
    case Role::poc:
      return Action::invite_poc;
    case Role::observer:
      return Action::invite_observer;
  }
  return Action::invite_operator;
}

Resource resource_of(const RoleGrant& grant) {
  return {grant.organisation_id, grant.state};
}

bool may_manage_account(const Principal& principal, std::span<const RoleGrant> grants) {
  if (grants.empty()) return authorize(principal, Action::manage_accounts, Resource::instance());
  return std::all_of(grants.begin(), grants.end(), [&](const RoleGrant& grant) {
    if (grant.role == Role::operator_)
      return authorize(principal, Action::invite_operator, Resource::instance());
    return authorize(principal, Action::manage_accounts, resource_of(grant));
  });
}

bool scope_usable(std::span<const RoleGrant> grants, TokenScope scope) {
  // Usable when the holder's roles allow every action of the scope somewhere: a PoC gains
  // nothing from manage_state that read_directory would not give.
  for (const auto& row : scope_rows()) {
    if (row.scope != scope) continue;
    return std::all_of(row.actions.begin(), row.actions.end(), [&](Action action) {
      const PolicyRule* rule = rule_for(action);
      return std::any_of(rule->allowed.begin(), rule->allowed.end(), [&](const auto& allowance) {
        return std::any_of(grants.begin(), grants.end(),
                           [&](const RoleGrant& grant) { return grant.role == allowance.role; });
      });
    });
  }
  return false;
}

std::span<const PolicyRule> policy_table() {
  return rules();
}

std::string_view action_name(Action action) {
  const PolicyRule* rule = rule_for(action);
  return rule ? rule->name : "unknown";
}

std::string policy_markdown() {
  std::string out =
      "# Authorization\n\n"
      "<!-- Generated by `liaison policy --markdown` from src/domain/policy.cpp; a unit test keeps "
      "it equal. -->\n\n"
      "Every request is decided by one function, `domain::authorize(principal, action, "
      "resource)`, from the table below. What the table does not allow is denied. A role is held "
      "for the whole instance (operator), for one organisation (secretariat, observer) or for "
      "one state within one organisation (focal point, PoC); the cells say how far that grant "
      "reaches.\n\n| action | what it covers |";
  for (Role role : kRoles) {
    out += " ";
    out += role_name(role);
    out += " |";
  }
  out += "\n|---|---|";
  for ([[maybe_unused]] Role role : kRoles)
    out += "---|";
  out += "\n";
  for (const auto& rule : rules()) {
    out += "| `";
    out += rule.name;
    out += "` | ";
    out += rule.description;
    out += " |";
    for (Role role : kRoles) {
      auto found = std::find_if(rule.allowed.begin(), rule.allowed.end(),
                                [role](const auto& allowance) { return allowance.role == role; });
      out += " ";
      out += found == rule.allowed.end() ? std::string_view("—") : reach_text(found->reach);
      out += " |";
    }
    out += "\n";
  }
  out +=
      "\nAn account may suspend, reactivate or remove another account only when `manage_accounts` "
      "reaches every role that account holds; operators are managed by operators only.\n\n"
      "## API token scopes\n\n"
      "A token acts for the account that issued it, for the actions of its scopes that the "
      "account's roles allow. No scope covers `manage_own_account`: a token cannot issue tokens "
      "or change a password.\n\n| scope | what it covers | actions |\n|---|---|---|\n";
  for (const auto& row : scope_rows()) {
    out += "| `";
    out += row.name;
    out += "` | ";
    out += row.description;
    out += " | ";
    for (std::size_t i = 0; i < row.actions.size(); ++i) {
      if (i) out += ", ";
      out += "`";
      out += action_name(row.actions[i]);
      out += "`";
    }
    out += " |\n";
  }
  return out;
}

}  // namespace liaison::domain
