#pragma once

#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/error.h"
#include "domain/directory.h"

namespace liaison::domain {

//! A contact as JSON, keyed by `Contact`'s member names; the form versions are stored in and the
//! API speaks. Empty fields are written too, so that a client sees the whole shape.
boost::json::object contact_to_json(const Contact& contact);

//! Reads a contact from JSON: unknown keys and wrong types are problems naming the field
//! ("phones[0].number: must be a string"); missing keys stay empty. The OpenPGP key is read from
//! `openpgp_key` (armored text) with `openpgp_fingerprint`; a client may send the fingerprint it
//! expects, and the services compare it with the one read from the key.
Contact contact_from_json(const boost::json::value& json, std::vector<FieldProblem>& problems);

}  // namespace liaison::domain
