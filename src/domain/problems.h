#pragma once

#include <array>
#include <string_view>

namespace liaison::domain {

//! The keys of the field problems the validators report (`FieldProblem::key`, carried to the
//! pages in `Error::details`): the domain's (contact_problems, check_plan_problems) and those the
//! directory, check and account services add when they normalise or look things up. A page
//! words each as the catalogue message "problem.<key>" (locales/*/problems.json), with the
//! problem's arguments. A key's meaning never changes; a new wording gets a new key.
inline constexpr std::array<std::string_view, 36> kProblemKeys{
    // Any text field.
    "required",             // "is required"
    "not_utf8",             // "is not valid UTF-8 text"
    "too_long_bytes",       // {limit}: "is longer than 500 bytes"
    "too_long_characters",  // {limit}: "is longer than 4,000 characters"
    "control_characters",   // "contains control characters"
    "empty",                // "is empty"
    // Directory entries.
    "not_for_poc",             // "does not apply to a point of contact"
    "not_for_structure",       // "does not apply to a national structure"
    "not_email",               // "is not an e-mail address"
    "email_required",          // "a functional or personal e-mail address is required"
    "not_https",               // "must be an https:// address"
    "hours_around_the_clock",  // "must be empty when the contact is reachable 24/7"
    "at_most_phones",          // {limit}: "at most 10 numbers"
    "not_phone",               // "is not an international number (+…)"
    "not_phone_number",        // libphonenumber's refusals ("'12' is not a phone number", …)
    "one_around_the_clock",    // "at most one number can be the 24/7 number"
    "at_most_languages",       // {limit}: "at most 12 languages"
    "not_language_tag",        // "is not a language tag", "'x' is not a BCP 47 language tag"
    "at_most_channels",        // {limit}: "at most 10 channels"
    "not_time_zone",           // an unknown IANA time zone
    "not_date",                // "must be a date, YYYY-MM-DD"
    "not_member",              // {state, organisation}: "XX is not a member of OSCE"
    "deputy_not_poc",          // {state}: "not a point of contact of XX"
    "own_deputy",              // "an entry cannot be its own deputy"
    // Communication checks.
    "question_required",  // "is required for a check that asks a question"
    "not_utc_time",       // "is not a UTC time of the form 2026-12-08T14:00:00Z"
    "between",            // {min, max}: "must be between 1 and 720"
    "reminder_range",     // {max}: "must be between 0 (no reminder) and 90"
    "not_alpha2",         // "is not an ISO 3166-1 alpha-2 code such as \"FR\""
    "not_m49",            // "is not a UN M49 region code such as \"150\""
    "level_required",     // "at least one level is required"
    "level_repeated",     // {level}: "lists \"technical\" more than once"
    "bilateral_levels",   // "a bilateral check is between points of contact: add the …"
    "not_whole_number",   // "must be a whole number" (a form's number the API reads)
    "code_required",      // "say the code the point of contact read out"
    // Preferences.
    "not_page_language",  // "must be one of ar, zh, en, fr, ru, es, or empty"
};

}  // namespace liaison::domain
