#include "services/demo_service.h"

#include <array>
#include <chrono>

#include <fmt/format.h>

#include "services/audit_log.h"
#include "store/reference_store.h"

namespace liaison::services {
namespace {

// A small cross-regional membership: one state from each reference organisation's region, so
// every later feature (regions, languages, right-to-left names) has something to show.
constexpr std::array<std::string_view, 8> kDemoMembers = {"AR", "AT", "CN", "EG",
                                                          "FR", "RU", "SG", "US"};

}  // namespace

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

}  // namespace liaison::services
