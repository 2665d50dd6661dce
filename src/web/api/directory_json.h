#pragma once

#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/error.h"
#include "services/directory_service.h"

namespace liaison::web {

//! The directory's JSON shapes, shared by the API and the JSON export.
boost::json::object entry_json(const domain::DirectoryEntry& entry);
boost::json::array entries_json(const std::vector<domain::DirectoryEntry>& entries);
boost::json::object history_json(const services::EntryHistory& history);
boost::json::object freshness_json(const std::vector<services::StateFreshness>& states);
boost::json::object rules_json(const domain::DirectoryRules& rules);
//! Reads rules; missing members keep their defaults.
Result<domain::DirectoryRules> rules_from_json(const boost::json::value& body);

}  // namespace liaison::web
