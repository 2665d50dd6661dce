#pragma once

#include <string>

#include "base/clock.h"
#include "base/error.h"
#include "base/random.h"
#include "store/database.h"

namespace liaison::store {

//! A digest of the reference data compiled into this program (data/*.json).
std::string reference_data_checksum();

//! Brings states, their names, the reference organisations with their memberships, and the CBM
//! catalogues in step with data/*.json, inside the caller's transaction. Organisations keep
//! their identifiers; states are never deleted, since other records point at them.
Result<void> load_reference_data(Connection& connection, const Clock& clock, RandomSource& random);

}  // namespace liaison::store
