#pragma once

#include <boost/json/object.hpp>

#include "services/check_service.h"
#include "services/reference_service.h"
#include "web/router.h"

namespace liaison::web {

//! Communication checks: /api/v1/organisations/{id}/checks (list, compose), the state's
//! reachability history under …/states/{state}/checks, and one check under
//! /api/v1/checks/{check} (plan, preview, launch, cancel, results, verdicts, calls).
void add_check_api(Router& router, services::CheckService& checks,
                   services::ReferenceService& reference);

//! Reads a plan from the API's JSON (the pages' forms build the same object). Every problem is
//! reported with its field.
Result<domain::CheckPlan> plan_from_json(const boost::json::value& body,
                                         std::vector<domain::FieldProblem>& problems);

boost::json::object check_json(const store::CheckRecord& check);
boost::json::object results_json(const services::CheckResults& results);

}  // namespace liaison::web
