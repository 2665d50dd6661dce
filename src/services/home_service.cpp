#include "services/home_service.h"

#include <algorithm>

#include "store/check_store.h"

namespace liaison::services {
namespace {

// How many of the last published changes a secretariat's home lists.
constexpr std::size_t kRecentChanges = 8;

bool needs_reconfirmation(const StateFreshness& line) {
  return line.freshness == domain::Freshness::overdue ||
         line.freshness == domain::Freshness::never_confirmed;
}

}  // namespace

Result<Home> HomeService::home(const Actor& actor, const domain::Account& account) {
  Home home;
  for (const auto& grant : account.grants) {
    switch (grant.role) {
      case domain::Role::secretariat: {
        auto part = secretariat(actor, grant.organisation_id);
        if (!part) return part.error();
        home.secretariat.push_back(std::move(*part));
        break;
      }
      case domain::Role::focal: {
        auto part = focal(actor, grant);
        if (!part) return part.error();
        home.focal.push_back(std::move(*part));
        break;
      }
      case domain::Role::poc: {
        auto part = poc(account, grant);
        if (!part) return part.error();
        home.poc.push_back(std::move(*part));
        break;
      }
      case domain::Role::operator_:
      case domain::Role::observer:
        break;  // the page links their tools; nothing is owed
    }
  }
  return home;
}

Result<SecretariatHome> HomeService::secretariat(const Actor& actor,
                                                 const std::string& organisation_id) {
  SecretariatHome part;
  part.organisation_id = organisation_id;
  auto freshness = directory_.freshness(actor, organisation_id);
  if (!freshness) return freshness.error();
  for (auto& line : *freshness)
    if (needs_reconfirmation(line)) part.overdue.push_back(std::move(line));

  auto checks = checks_.list(actor, organisation_id);
  if (!checks) return checks.error();
  for (auto& summary : *checks) {
    const auto status = summary.check.status;
    if (status == domain::CheckStatus::running || status == domain::CheckStatus::scheduled)
      part.running.push_back(summary);
    else if (status == domain::CheckStatus::closed && !part.last_closed)
      part.last_closed = summary.check;
  }
  if (part.last_closed) {
    auto silent = database_.transact(store::Access::read, [&](store::Connection& connection) {
      return store::CheckStore(connection).silent_states(part.last_closed->id);
    });
    if (!silent) return silent.error();
    part.unreachable = std::move(*silent);
  }

  store::EntryFilter pending;
  pending.pending_only = true;
  auto awaiting = directory_.entries(actor, organisation_id, pending, store::EntryView::newest);
  if (!awaiting) return awaiting.error();
  part.awaiting_approval = std::move(*awaiting);

  auto published =
      directory_.entries(actor, organisation_id, store::EntryFilter{}, store::EntryView::published);
  if (!published) return published.error();
  auto newest_first = [](const domain::DirectoryEntry& a, const domain::DirectoryEntry& b) {
    return a.version.recorded_at > b.version.recorded_at;
  };
  auto shown = std::min(kRecentChanges, published->size());
  std::partial_sort(published->begin(), published->begin() + static_cast<std::ptrdiff_t>(shown),
                    published->end(), newest_first);
  published->resize(shown);
  part.recent_changes = std::move(*published);
  return part;
}

Result<FocalHome> HomeService::focal(const Actor& actor, const domain::RoleGrant& grant) {
  FocalHome part;
  part.organisation_id = grant.organisation_id;
  part.state = grant.state;
  auto freshness = directory_.state_freshness(actor, grant.organisation_id, grant.state);
  if (!freshness) return freshness.error();
  part.freshness = std::move(*freshness);
  auto open = open_checks(grant.organisation_id, grant.state, {});
  if (!open) return open.error();
  part.open_checks = std::move(*open);
  store::EntryFilter own_state;
  own_state.state = grant.state;
  auto entries =
      directory_.entries(actor, grant.organisation_id, own_state, store::EntryView::newest);
  if (!entries) return entries.error();
  part.entries = std::move(*entries);
  return part;
}

Result<PocHome> HomeService::poc(const domain::Account& account, const domain::RoleGrant& grant) {
  PocHome part;
  part.organisation_id = grant.organisation_id;
  part.state = grant.state;
  // A PoC sees only the checks mailed to their own address: their account's.
  auto open = open_checks(grant.organisation_id, grant.state, account.email);
  if (!open) return open.error();
  part.open_checks = std::move(*open);
  return part;
}

Result<std::vector<OpenCheck>> HomeService::open_checks(const std::string& organisation_id,
                                                        const std::string& state,
                                                        const std::string& address) {
  auto rows = database_.transact(store::Access::read, [&](store::Connection& connection) {
    return store::CheckStore(connection).running_for_state(organisation_id, state, address);
  });
  if (!rows) return rows.error();
  std::vector<OpenCheck> open;
  for (auto& [check, recipient] : *rows) {
    // Rows come sorted by deadline, so a check's first row carries its soonest deadline.
    const auto& id = check.id;
    auto same = std::find_if(open.begin(), open.end(),
                             [&id](const OpenCheck& o) { return o.check.id == id; });
    if (same == open.end()) {
      open.push_back(OpenCheck{check, recipient.deadline, false, {}});
      same = open.end() - 1;
    }
    same->answered = same->answered || !recipient.answered_at.empty();
    same->recipients.push_back(std::move(recipient));
  }
  return open;
}

}  // namespace liaison::services
