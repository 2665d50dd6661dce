#include "services/demo_service.h"

#include <array>
#include <chrono>

#include <fmt/format.h>

#include "base/text.h"
#include "services/audit_log.h"
#include "store/reference_store.h"

namespace liaison::services {
namespace {

// A small cross-regional membership: one state from each reference organisation's region, so
// every later feature (regions, languages, right-to-left names) has something to show.
constexpr std::array<std::string_view, 8> kDemoMembers = {"AR", "AT", "CN", "EG",
                                                          "FR", "RU", "SG", "US"};

struct DemoState {
  std::string_view alpha2;
  std::string_view policy_name;
  std::string_view technical_name;
  std::string_view cert_name;
  std::string_view cert_short;
  std::string_view phone;  // as a person in the state would dial it
  std::string_view language;
  std::string_view time_zone;
};

// Invented people and institutions: the domains are reserved (.invalid), the numbers are in the
// states' formats but belong to nobody we know of.
constexpr std::array<DemoState, 8> kDemoStates{{
    {"AR", "Lucía Fernández", "Guardia CSIRT (función)", "CERT Nacional de Argentina (demo)",
     "CERT.ar", "011 4317-0000", "es", "America/Argentina/Buenos_Aires"},
    {"AT", "Katharina Müller", "Bereitschaftsdienst CERT", "Nationales CERT Österreich (Demo)",
     "CERT.at", "01 5311 50", "de", "Europe/Vienna"},
    {"CN", "王芳", "国家互联网应急中心值班员", "国家计算机网络应急技术处理协调中心（演示）",
     "CNCERT", "010 8299 1000", "zh", "Asia/Shanghai"},
    {"EG", "محمد عبد الله", "مناوب فريق الاستجابة", "الفريق الوطني للاستجابة لطوارئ الحاسب (عرض)",
     "EG-CERT", "02 3534 1300", "ar", "Africa/Cairo"},
    {"FR", "Élodie Lefèvre", "Officier de permanence", "CERT-FR (démonstration)", "CERT-FR",
     "01 71 75 84 68", "fr", "Europe/Paris"},
    {"RU", "Иван Петров", "Дежурный специалист", "Национальный координационный центр (демо)",
     "NCCIC", "495 606 3600", "ru", "Europe/Moscow"},
    {"SG", "Tan Wei Ling", "Duty officer, SingCERT", "Singapore CERT (demo)", "SingCERT",
     "6323 5052", "en", "Asia/Singapore"},
    {"US", "Jordan Smith", "Watch officer", "National cyber watch (demo)", "US-WATCH",
     "(202) 555-0143", "en", "America/New_York"},
}};

std::string demo_mailbox(std::string_view role, std::string_view alpha2) {
  return fmt::format("{}.{}@demo.liaison.invalid", role, ascii_lower(alpha2));
}

}  // namespace

Result<std::int64_t> ensure_demo_directory(DirectoryService& directory,
                                           const std::string& organisation_id) {
  // The demo's own secretariat records the entries, as a secretariat does from notes verbales.
  Actor secretariat{
      {"system", {domain::RoleGrant{domain::Role::secretariat, organisation_id, {}}}, {}}, {}};
  auto existing = directory.entries(secretariat, organisation_id, {}, store::EntryView::newest);
  if (!existing) return existing.error();
  if (!existing->empty()) return std::int64_t{0};
  std::int64_t created = 0;
  for (const auto& state : kDemoStates) {
    auto add = [&](domain::Level level, domain::Contact contact) -> Result<void> {
      auto entry = directory.create(secretariat, organisation_id, std::string(state.alpha2), level,
                                    std::move(contact), {"demonstration data", {}});
      if (!entry) return entry.error();
      ++created;
      return {};
    };
    domain::Contact policy;
    policy.name = state.policy_name;
    policy.institution = "Ministry of Foreign Affairs";
    policy.position = "Cyber diplomacy adviser";
    policy.functional_email = demo_mailbox("cyber-policy", state.alpha2);
    policy.phones = {{std::string(state.phone), "office", false}};
    policy.languages = {std::string(state.language), "en"};
    policy.time_zone = state.time_zone;
    policy.hours = "Mon–Fri 09:00–17:00";
    LIAISON_TRY(add(domain::Level::policy, policy));

    domain::Contact technical;
    technical.name = state.technical_name;
    technical.institution = state.cert_name;
    technical.functional_email = demo_mailbox("duty", state.alpha2);
    technical.phones = {{std::string(state.phone), "24/7 duty line", true}};
    technical.languages = {std::string(state.language), "en"};
    technical.time_zone = state.time_zone;
    technical.around_the_clock = true;
    LIAISON_TRY(add(domain::Level::technical, technical));

    domain::Contact cert;
    cert.name = state.cert_name;
    cert.short_name = state.cert_short;
    cert.structure_type = domain::StructureType::csirt;
    cert.constituency = "National government and critical infrastructure";
    cert.website = fmt::format("https://cert.{}.demo.liaison.invalid", ascii_lower(state.alpha2));
    cert.functional_email = demo_mailbox("cert", state.alpha2);
    cert.phones = {{std::string(state.phone), "incident hotline", true}};
    cert.languages = {std::string(state.language), "en"};
    cert.time_zone = state.time_zone;
    cert.around_the_clock = true;
    LIAISON_TRY(add(domain::Level::structure, cert));
  }
  return created;
}

Result<DemoResult> ensure_demo_organisation(store::Database& database, const Clock& clock,
                                            RandomSource& random) {
  return database.transact(
      store::Access::write, [&](store::Connection& connection) -> Result<DemoResult> {
        store::ReferenceStore reference(connection);
        auto existing = reference.find_organisation(kDemoOrganisationCode);
        if (!existing) return existing.error();
        if (*existing) return DemoResult{(*existing)->id, false};

        auto now = clock.now();
        auto milliseconds =
            std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
        domain::Organisation organisation{
            make_uuid_v7(random, static_cast<std::uint64_t>(milliseconds.count())),
            std::string(kDemoOrganisationCode), "Liaison demonstration network", "member State",
            true};
        LIAISON_TRY(reference.insert_organisation(organisation, format_utc(now)));
        std::string members;
        for (auto alpha2 : kDemoMembers) {
          LIAISON_TRY(reference.add_member(organisation.id, std::string(alpha2)));
          members += fmt::format("{}\"{}\"", members.empty() ? "" : ",", alpha2);
        }
        auto audited =
            append_audit(connection, clock,
                         {"system", "", "organisation.created", "organisation:" + organisation.id,
                          fmt::format(R"({{"code":"{}","demo":true,"members":[{}]}})",
                                      organisation.code, members),
                          organisation.id});
        if (!audited) return audited.error();
        return DemoResult{organisation.id, true};
      });
}

Result<bool> ensure_demo_check(CheckService& checks, const std::string& organisation_id) {
  // The demo's secretariat has no account: the newcomer signs in as the operator, who reads
  // checks but does not run them.
  Actor secretariat{
      domain::Principal{
          "demo", {domain::RoleGrant{domain::Role::secretariat, organisation_id, {}}}, {}},
      {}};
  auto existing = checks.list(secretariat, organisation_id);
  if (!existing) return existing.error();
  if (!existing->empty()) return false;
  domain::CheckPlan plan;
  plan.title = "Demo communication check";
  plan.task = domain::CheckTask::acknowledge;
  plan.window_hours = 72;
  plan.target.levels = {domain::Level::policy, domain::Level::technical};
  auto created = checks.create(secretariat, organisation_id, plan);
  if (!created) return created.error();
  auto launched = checks.launch(secretariat, created->id);
  if (!launched) return launched.error();
  return true;
}

}  // namespace liaison::services
