#include "domain/account.h"

#include <algorithm>
#include <array>
#include <utility>

#include "base/text.h"

namespace liaison::domain {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoleNames{{
    {Role::operator_, "operator"},
    {Role::secretariat, "secretariat"},
    {Role::focal, "focal"},
    {Role::poc, "poc"},
    {Role::observer, "observer"},
}};

constexpr std::array<std::pair<AccountStatus, std::string_view>, 4> kStatusNames{{
    {AccountStatus::invited, "invited"},
    {AccountStatus::active, "active"},
    {AccountStatus::suspended, "suspended"},
    {AccountStatus::removed, "removed"},
}};

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace

std::string_view role_name(Role role) {
  for (const auto& [each, name] : kRoleNames)
    if (each == role) return name;
  return "unknown";
}

std::optional<Role> parse_role(std::string_view name) {
  for (const auto& [role, each] : kRoleNames)
    if (each == name) return role;
  return std::nullopt;
}

Reach role_reach(Role role) {
  switch (role) {
    case Role::operator_:
      return Reach::instance;
    case Role::secretariat:
    case Role::observer:
      return Reach::organisation;
    case Role::focal:
    case Role::poc:
      return Reach::state;
  }
  return Reach::state;
}

std::string describe_grant(const RoleGrant& grant, std::string_view organisation_code) {
  std::string organisation(organisation_code);
  switch (grant.role) {
    case Role::operator_:
      return "operator of this instance";
    case Role::secretariat:
      return "secretariat of " + organisation;
    case Role::observer:
      return "observer in " + organisation;
    case Role::focal:
      return "focal point for " + grant.state + " in " + organisation;
    case Role::poc:
      return "point of contact for " + grant.state + " in " + organisation;
  }
  return {};
}

bool well_formed(const RoleGrant& grant) {
  switch (role_reach(grant.role)) {
    case Reach::instance:
      return grant.organisation_id.empty() && grant.state.empty();
    case Reach::organisation:
      return !grant.organisation_id.empty() && grant.state.empty();
    case Reach::state:
      return !grant.organisation_id.empty() && grant.state.size() == 2;
  }
  return false;
}

std::string_view account_status_name(AccountStatus status) {
  for (const auto& [each, name] : kStatusNames)
    if (each == status) return name;
  return "unknown";
}

std::optional<AccountStatus> parse_account_status(std::string_view name) {
  for (const auto& [status, each] : kStatusNames)
    if (each == name) return status;
  return std::nullopt;
}

std::string email_key(std::string_view email) {
  return ascii_lower(trim_blanks(email));
}

bool plausible_email(std::string_view email) {
  if (email.empty() || email.size() > 254 || !is_valid_utf8(email)) return false;
  if (std::any_of(email.begin(), email.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7F || c == '<' || c == '>' || c == ',' || c == ';';
      })) {
    return false;
  }
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return false;
  auto domain = email.substr(at + 1);
  auto dot = domain.find('.');
  return dot != std::string_view::npos && dot != 0 && domain.back() != '.';
}

std::optional<PasswordProblem> password_problem_of(std::string_view password,
                                                   std::string_view email) {
  if (!is_valid_utf8(password))
    return PasswordProblem{"password_not_text", "The password is not valid text."};
  if (code_points(password) < 12)
    return PasswordProblem{"password_too_short", "The password must have at least 12 characters."};
  if (password.size() > 1024)
    return PasswordProblem{"password_too_long", "The password must have at most 1024 bytes."};
  if (!email.empty() && email_key(password) == email_key(email))
    return PasswordProblem{"password_is_email", "The password must not be your e-mail address."};
  return std::nullopt;
}

std::optional<std::string> password_problem(std::string_view password, std::string_view email) {
  if (auto problem = password_problem_of(password, email)) return std::string(problem->message);
  return std::nullopt;
}

}  // namespace liaison::domain
