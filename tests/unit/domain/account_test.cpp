#include "domain/account.h"

#include <string>

#include <gtest/gtest.h>

namespace liaison::domain {
namespace {

std::string repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i)
    out += piece;
  return out;
}

TEST(AccountPasswordProblem, TwelveCharactersAreTheMinimum) {
  EXPECT_TRUE(password_problem("abcdefghijk", "ana@example.org"));    // 11
  EXPECT_FALSE(password_problem("abcdefghijkl", "ana@example.org"));  // 12
  EXPECT_TRUE(password_problem("", "ana@example.org"));
  auto problem = password_problem("short", "");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("12"), std::string::npos) << *problem;
}

TEST(AccountPasswordProblem, CharactersAreCodePointsNotBytes) {
  // "é" is two bytes: eleven of them are 22 bytes but still eleven characters.
  EXPECT_TRUE(password_problem(repeat("\xC3\xA9", 11), ""));
  EXPECT_FALSE(password_problem(repeat("\xC3\xA9", 12), ""));
  // Four-byte code points (U+1F512): 11 is too few, 12 are enough.
  EXPECT_TRUE(password_problem(repeat("\xF0\x9F\x94\x92", 11), ""));
  EXPECT_FALSE(password_problem(repeat("\xF0\x9F\x94\x92", 12), ""));
  // Three-byte CJK mixed with ASCII: 6 + 6 = 12.
  EXPECT_FALSE(password_problem(repeat("\xE5\xAF\x86", 6) + "abcdef", ""));
  EXPECT_TRUE(password_problem(repeat("\xE5\xAF\x86", 6) + "abcde", ""));
}

TEST(AccountPasswordProblem, AtMost1024Bytes) {
  EXPECT_FALSE(password_problem(std::string(1024, 'a'), ""));
  auto problem = password_problem(std::string(1025, 'a'), "");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("1024"), std::string::npos) << *problem;
  // Bytes, not characters: 513 two-byte characters are 1026 bytes.
  EXPECT_TRUE(password_problem(repeat("\xC3\xA9", 513), ""));
  EXPECT_FALSE(password_problem(repeat("\xC3\xA9", 512), ""));
}

TEST(AccountPasswordProblem, NotTheEmailAddress) {
  auto problem = password_problem("ana.long@example.org", "ana.long@example.org");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("e-mail"), std::string::npos) << *problem;
  // Compared as e-mail keys: case and surrounding blanks do not make it different.
  EXPECT_TRUE(password_problem(" ANA.Long@Example.org", "ana.long@example.org"));
  EXPECT_FALSE(password_problem("ana.long@example.org!", "ana.long@example.org"));
  EXPECT_FALSE(password_problem("ana.long@example.org", ""));
}

TEST(AccountPasswordProblem, InvalidUtf8IsRefused) {
  auto problem = password_problem("abcdefghijkl\xFF", "");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("valid"), std::string::npos) << *problem;
  EXPECT_TRUE(password_problem("abcdefghijkl\xC3", ""));          // truncated sequence
  EXPECT_TRUE(password_problem("abcdefghijkl\xC0\xAF", ""));      // overlong '/'
  EXPECT_TRUE(password_problem("abcdefghijkl\xED\xA0\x80", ""));  // surrogate
  // A run of continuation bytes would count as zero code points if it were accepted.
  EXPECT_TRUE(password_problem(std::string(40, '\x80'), ""));
}

TEST(AccountPlausibleEmail, AcceptsOrdinaryAddresses) {
  EXPECT_TRUE(plausible_email("ana@example.org"));
  EXPECT_TRUE(plausible_email("ana.maria+liaison@sub.example.org"));
  EXPECT_TRUE(plausible_email("j\xC3\xB6rg@example.de"));                // UTF-8 local part
  EXPECT_TRUE(plausible_email(std::string(242, 'a') + "@example.org"));  // 254 bytes
}

TEST(AccountPlausibleEmail, RefusesImplausibleOnes) {
  for (std::string bad :
       {"", "ana", "@example.org", "ana@", "ana@example", "ana@@example.org", "ana@b@example.org",
        "ana @example.org", "ana@example.org.", "ana@.example.org", "<ana@example.org>",
        "ana@example.org,bo@x.org", "ana;x@example.org", "ana@exa\tmple.org", "ana@example.org\n",
        "ana\x7F@example.org", "ana\xFF@example.org"}) {
    EXPECT_FALSE(plausible_email(bad)) << bad;
  }
  EXPECT_FALSE(plausible_email(std::string(243, 'a') + "@example.org"));  // 255 bytes
}

TEST(AccountEmailKey, TrimsAndLowerCases) {
  EXPECT_EQ(email_key("Ana@Example.ORG"), "ana@example.org");
  EXPECT_EQ(email_key("  ana@example.org \t"), "ana@example.org");
  EXPECT_EQ(email_key("ana@example.org"), "ana@example.org");
  // Only ASCII is folded: other bytes are left as they are.
  EXPECT_EQ(email_key("J\xC3\x96RG@Example.de"), "j\xC3\x96rg@example.de");
  EXPECT_EQ(email_key(""), "");
}

TEST(AccountRoleGrant, WellFormedNamesExactlyTheScopeOfItsReach) {
  EXPECT_TRUE(well_formed({Role::operator_, "", ""}));
  EXPECT_FALSE(well_formed({Role::operator_, "org", ""}));
  EXPECT_FALSE(well_formed({Role::operator_, "", "DE"}));

  for (Role role : {Role::secretariat, Role::observer}) {
    EXPECT_TRUE(well_formed({role, "org", ""})) << role_name(role);
    EXPECT_FALSE(well_formed({role, "", ""})) << role_name(role);
    EXPECT_FALSE(well_formed({role, "org", "DE"})) << role_name(role);
  }
  for (Role role : {Role::focal, Role::poc}) {
    EXPECT_TRUE(well_formed({role, "org", "DE"})) << role_name(role);
    EXPECT_FALSE(well_formed({role, "org", ""})) << role_name(role);
    EXPECT_FALSE(well_formed({role, "", "DE"})) << role_name(role);
    EXPECT_FALSE(well_formed({role, "org", "DEU"})) << role_name(role);
    EXPECT_FALSE(well_formed({role, "org", "D"})) << role_name(role);
  }
}

TEST(AccountRoleNames, RoundTripAndReach) {
  for (Role role : kRoles) {
    EXPECT_EQ(parse_role(role_name(role)), role);
  }
  EXPECT_EQ(role_name(Role::operator_), "operator");
  EXPECT_FALSE(parse_role("Operator"));
  EXPECT_FALSE(parse_role("admin"));
  EXPECT_EQ(role_reach(Role::operator_), Reach::instance);
  EXPECT_EQ(role_reach(Role::secretariat), Reach::organisation);
  EXPECT_EQ(role_reach(Role::observer), Reach::organisation);
  EXPECT_EQ(role_reach(Role::focal), Reach::state);
  EXPECT_EQ(role_reach(Role::poc), Reach::state);
  for (auto status : {AccountStatus::invited, AccountStatus::active, AccountStatus::suspended,
                      AccountStatus::removed}) {
    EXPECT_EQ(parse_account_status(account_status_name(status)), status);
  }
  EXPECT_FALSE(parse_account_status("deleted"));
}

}  // namespace
}  // namespace liaison::domain
