#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/language.h"

namespace liaison::domain {

//! What a person may do, always within a reach: the instance, one organisation, or one state's
//! part of one organisation (DESIGN.md, "Security model").
enum class Role {
  operator_,    //!< runs the instance NOLINT(readability-identifier-naming): a keyword
  secretariat,  //!< runs one organisation's network
  focal,        //!< manages one state's nominations and users in one organisation
  poc,          //!< a point of contact of one state in one organisation
  observer,     //!< reads one organisation's directory
};

inline constexpr Role kRoles[] = {Role::operator_, Role::secretariat, Role::focal, Role::poc,
                                  Role::observer};

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

//! Whether a role is held for the instance, an organisation, or a state within an organisation.
enum class Reach { instance, organisation, state };
Reach role_reach(Role role);

//! One role held by one account. `organisation_id` is empty for operators; `state` (alpha-2) is
//! set for focal points and PoCs only.
struct RoleGrant {
  Role role = Role::observer;
  std::string organisation_id;
  std::string state;

  friend bool operator==(const RoleGrant&, const RoleGrant&) = default;
};

//! A role as people read it: "focal point for FR in OSCE", "operator of this instance".
std::string describe_grant(const RoleGrant& grant, std::string_view organisation_code);

//! A grant is well formed when it names exactly the scope its role's reach needs.
bool well_formed(const RoleGrant& grant);

enum class AccountStatus {
  invited,    //!< created by an invitation not yet accepted (not used for sign-in)
  active,     //!< may sign in
  suspended,  //!< may not sign in; keeps its roles so it can be reactivated
  removed,    //!< gone for good; the row stays so that history remains attributed
};

std::string_view account_status_name(AccountStatus status);
std::optional<AccountStatus> parse_account_status(std::string_view name);

//! A person with a verified e-mail address.
struct Account {
  std::string id;
  std::string email;
  std::string display_name;
  AccountStatus status = AccountStatus::active;
  std::string created_at;
  std::vector<RoleGrant> grants;
  //! The pages' language the person chose in their preferences; none: the browser's.
  std::optional<Language> language;
  //! The IANA zone the pages show times in; empty: UTC.
  std::string time_zone;
};

//! The form addresses are compared in: trimmed and lower-cased (ASCII), so that "Ana@Example.org"
//! and "ana@example.org " are one account.
std::string email_key(std::string_view email);

//! A plausible e-mail address: one '@', a non-empty local part, a domain with a dot, no spaces
//! or control characters, at most 254 bytes. Deliverability is proven by the invitation mail.
bool plausible_email(std::string_view email);

//! NIST SP 800-63B: at least 12 characters (code points), at most 1024 bytes, no composition
//! rules. Returns why a new password is refused, or nothing when it is acceptable.
std::optional<std::string> password_problem(std::string_view password, std::string_view email);

//! Why a new password is refused, as a key the access pages translate ("password_too_short";
//! also password_not_text, password_too_long, password_is_email) and the English sentence
//! password_problem gives.
struct PasswordProblem {
  std::string_view key;
  std::string_view message;
};
std::optional<PasswordProblem> password_problem_of(std::string_view password,
                                                   std::string_view email);

}  // namespace liaison::domain
