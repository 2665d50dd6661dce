#pragma once

#include <span>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "domain/directory.h"
#include "domain/state.h"

namespace liaison::domain {

//! What Liaison calls itself as a Global IRT repository (`source-name`).
inline constexpr std::string_view kGlobalIrtSourceName = "Liaison";

//! A national structure as a team object of FIRST's Global IRT REST API v1
//! (https://api.first.org/global-irt, `GET /teams`): the specification's properties where one
//! fits, `-liaison-…` properties (the specification's prefix for a repository's own) for the
//! rest, empty values left out as the specification asks. docs/directory-formats.md has the
//! mapping. Meant for `EntryKind::structure` entries; a point of contact is mapped the same way.
boost::json::object global_irt_team(const DirectoryEntry& structure, const State& state,
                                    std::string_view source_name = kGlobalIrtSourceName);

//! One team of a listing: a structure and its state.
struct GlobalIrtTeam {
  const DirectoryEntry& structure;
  const State& state;
};

//! Where a page of teams sits in the whole listing (the envelope's `total`, `offset`, `limit`).
struct GlobalIrtPage {
  long total = 0;
  long offset = 0;
  long limit = 0;
};

//! The listing as the specification's envelope (`envelope=true`): status, status_code, version,
//! total, last-modified (the newest team's, RFC 5322 form), limit, offset and `data`, the teams in
//! the order given. Entries that are not national structures, or are retired, are left out.
boost::json::value global_irt_document(std::span<const GlobalIrtTeam> teams,
                                       const GlobalIrtPage& page,
                                       std::string_view source_name = kGlobalIrtSourceName);

//! The whole listing on one page: total and limit are the number of teams, offset 0.
boost::json::value global_irt_document(std::span<const GlobalIrtTeam> teams,
                                       std::string_view source_name = kGlobalIrtSourceName);

}  // namespace liaison::domain
