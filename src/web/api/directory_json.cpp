#include "web/api/directory_json.h"

#include <map>

#include "base/regions.h"
#include "domain/formats/contact_json.h"

namespace liaison::web {
namespace json = boost::json;

namespace {

json::value text_or_null(const std::string& text) {
  return text.empty() ? json::value(nullptr) : json::value(text);
}

json::object version_json(const domain::EntryVersion& version) {
  return {{"version", version.number},
          {"status", domain::entry_status_name(version.status)},
          {"author", json::object{{"id", version.author_id}, {"name", version.author_name}}},
          {"recorded_at", version.recorded_at},
          {"reason", version.reason},
          {"effective_on", text_or_null(version.effective_on)},
          {"late", version.late}};
}

}  // namespace

json::object entry_json(const domain::DirectoryEntry& entry) {
  json::object object{{"id", entry.id},
                      {"organisation_id", entry.organisation_id},
                      {"state", entry.state},
                      {"kind", domain::entry_kind_name(entry.kind)},
                      {"level", domain::level_name(entry.level)},
                      {"published_version", entry.published_version},
                      {"pending_version", entry.pending_version},
                      {"confirmed_at", text_or_null(entry.confirmed_at)},
                      {"verified_at", text_or_null(entry.verified_at)},
                      {"contact", domain::contact_to_json(entry.version.contact)}};
  auto version = version_json(entry.version);
  for (auto& [key, value] : version)
    object[key] = value;
  return object;
}

json::array entries_json(const std::vector<domain::DirectoryEntry>& entries) {
  json::array array;
  array.reserve(entries.size());
  for (const auto& entry : entries)
    array.push_back(entry_json(entry));
  return array;
}

json::object history_json(const services::EntryHistory& history) {
  json::array versions;
  for (const auto& step : history.steps) {
    auto object = version_json(step.version);
    object["published"] = step.published;
    object["contact"] = domain::contact_to_json(step.version.contact);
    json::array changes;
    for (const auto& change : step.changes)
      changes.push_back(json::object{
          {"field", change.field}, {"before", change.before}, {"after", change.after}});
    object["changes"] = std::move(changes);
    versions.push_back(std::move(object));
  }
  return {{"entry", entry_json(history.entry)}, {"versions", std::move(versions)}};
}

json::object freshness_json(const std::vector<services::StateFreshness>& states) {
  json::array items;
  // Counts per UN M49 region: how many member states are in each freshness state.
  std::map<std::string, std::map<std::string, std::int64_t>> regions;
  for (const auto& state : states) {
    auto freshness = std::string(domain::freshness_name(state.freshness));
    items.push_back(json::object{{"state", state.state},
                                 {"region", text_or_null(state.region)},
                                 {"subregion", text_or_null(state.subregion)},
                                 {"entries", state.entries},
                                 {"confirmed_on", text_or_null(state.confirmed_on)},
                                 {"due_on", text_or_null(state.due_on)},
                                 {"freshness", freshness},
                                 {"verified_at", text_or_null(state.verified_at)}});
    ++regions[state.region.empty() ? "other" : state.region][freshness];
  }
  json::array region_counts;
  for (const auto& [region, counts] : regions) {
    json::object object{
        {"region", region},
        {"name", region == "other" ? std::string("Other") : m49_region_name(region, "en")}};
    json::object by_freshness;
    for (const auto& [freshness, count] : counts)
      by_freshness[freshness] = count;
    object["counts"] = std::move(by_freshness);
    region_counts.push_back(std::move(object));
  }
  return {{"states", std::move(items)}, {"regions", std::move(region_counts)}};
}

json::object rules_json(const domain::DirectoryRules& rules) {
  return {{"reconfirm_months", rules.reconfirm_months},
          {"change_notice_days", rules.change_notice_days},
          {"approval_required", rules.approval_required},
          {"time_zone", rules.time_zone}};
}

Result<domain::DirectoryRules> rules_from_json(const json::value& body) {
  const auto* object = body.if_object();
  if (object == nullptr) return Error::invalid_argument("body: must be a JSON object");
  domain::DirectoryRules rules;
  for (const auto& [key, value] : *object) {
    if (key == "reconfirm_months" || key == "change_notice_days") {
      if (!value.is_int64())
        return Error::invalid_argument(std::string(key) + ": must be a number");
      (key == "reconfirm_months" ? rules.reconfirm_months : rules.change_notice_days) =
          static_cast<int>(value.get_int64());
    } else if (key == "approval_required") {
      if (!value.is_bool())
        return Error::invalid_argument("approval_required: must be true or false");
      rules.approval_required = value.get_bool();
    } else if (key == "time_zone") {
      if (!value.is_string()) return Error::invalid_argument("time_zone: must be a string");
      rules.time_zone = std::string(value.get_string());
    } else {
      return Error::invalid_argument(std::string(key) + ": is not a directory rule");
    }
  }
  return rules;
}

}  // namespace liaison::web
