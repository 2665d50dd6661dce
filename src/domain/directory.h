#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace liaison::domain {

//! What a directory entry describes: a nominated point of contact (a person or a functional role
//! such as "duty officer") or a national structure that handles ICT incidents.
enum class EntryKind { poc, structure };

//! The level an entry is nominated at (CBM 8; the UN directory's diplomatic/policy and technical
//! PoCs). National structures are nominated at the level `structure`.
enum class Level { policy, technical, structure };

//! The national structures CBM 8 and the UN directory ask states to list.
enum class StructureType { csirt, cyber_agency, mfa_desk, other };

//! Whether an entry's version is in the directory or has been withdrawn by its state.
enum class EntryStatus { active, retired };

std::string_view entry_kind_name(EntryKind kind);
std::optional<EntryKind> parse_entry_kind(std::string_view name);
std::string_view level_name(Level level);
std::optional<Level> parse_level(std::string_view name);
std::string_view structure_type_name(StructureType type);
std::optional<StructureType> parse_structure_type(std::string_view name);
std::string_view entry_status_name(EntryStatus status);
std::optional<EntryStatus> parse_entry_status(std::string_view name);

//! The kind of entry a level takes: `structure` for national structures, `poc` otherwise.
EntryKind kind_for(Level level);

struct Phone {
  std::string number;             //!< E.164: "+4315141336"
  std::string label;              //!< "office", "mobile", "duty officer"
  bool around_the_clock = false;  //!< the number answered 24/7 (at most one per entry)

  friend bool operator==(const Phone&, const Phone&) = default;
};

//! A protected channel other than e-mail: "Signal" "+43…", "OSCE Communications Network" "…".
struct SecureChannel {
  std::string kind;
  std::string address;

  friend bool operator==(const SecureChannel&, const SecureChannel&) = default;
};

//! An OpenPGP public key as the state supplied it, and the fingerprint GnuPG read from it
//! (40 upper-case hex digits for a v4 key).
struct OpenPgpKey {
  std::string armored;
  std::string fingerprint;

  friend bool operator==(const OpenPgpKey&, const OpenPgpKey&) = default;
};

//! What a reader needs to actually reach an entry. One shape for both kinds: the fields marked
//! "PoC" or "structure" are empty for the other kind (`contact_problems` checks this).
struct Contact {
  std::string name;        //!< person or functional role; a structure's official name
  std::string short_name;  //!< structure: "CERT.at"
  StructureType structure_type = StructureType::other;  //!< structure
  std::string institution;       //!< PoC: "Federal Ministry for European and International Affairs"
  std::string position;          //!< PoC: "Head of Cyber Diplomacy"
  std::string constituency;      //!< structure: whom it serves
  std::string website;           //!< structure: https URL
  std::string functional_email;  //!< a shared mailbox that outlives people; a structure's e-mail
  std::string personal_email;    //!< PoC
  std::vector<Phone> phones;
  std::vector<std::string> languages;  //!< BCP 47 tags: "en", "fr", "zh-Hans"
  std::string time_zone;               //!< IANA: "Europe/Vienna"
  bool around_the_clock = false;       //!< reachable 24/7
  std::string hours;                   //!< office or operating hours when not 24/7, free text
  std::optional<OpenPgpKey> openpgp;
  std::vector<SecureChannel> channels;
  std::string deputy_id;  //!< PoC: the entry that stands in for this one, same state

  friend bool operator==(const Contact&, const Contact&) = default;
};

//! A reason an input is refused, naming the field as the API, the CSV header and the forms do
//! ("phones[1].number", "languages"), in English (`message`) and as a stable key with arguments
//! (`key`, one of kProblemKeys in domain/problems.h; `arguments` such as {"limit", "500"}) that
//! the pages word in the reader's language. The same shape as the details an invalid_argument
//! carries, so that services pass the problems on as they are.
using FieldProblem = ErrorDetail;

//! Checks what can be checked without outside help: required fields for the kind, fields that
//! belong to the other kind left empty, e-mail plausibility, at most one 24/7 phone, phone
//! numbers already in E.164 form, https websites, lengths and UTF-8. Phone parsing, language tags,
//! time zones and keys are checked by the services that normalise them.
std::vector<FieldProblem> contact_problems(const Contact& contact, EntryKind kind);

//! One stored version of an entry. Versions are numbered 1, 2, … and never change.
struct EntryVersion {
  int number = 0;
  EntryStatus status = EntryStatus::active;
  Contact contact;
  std::string author_id;     //!< account that recorded it
  std::string author_name;   //!< as shown when it was recorded
  std::string recorded_at;   //!< RFC 3339 UTC
  std::string reason;        //!< optional, from the author
  std::string effective_on;  //!< optional date the change took effect, "YYYY-MM-DD"
  bool late = false;  //!< recorded after the organisation's change-notice period (CBM 8: 30 days)
};

//! An entry as one organisation's directory shows it: the state's entry and its nomination there.
struct DirectoryEntry {
  std::string id;
  std::string state;  //!< alpha-2 of the nominating state
  EntryKind kind = EntryKind::poc;
  std::string organisation_id;
  Level level = Level::technical;
  int published_version = 0;  //!< what readers of the organisation see; 0 before approval
  int pending_version = 0;    //!< awaiting the secretariat's approval; 0 when none
  EntryVersion version;       //!< the version this view shows
  std::string confirmed_at;   //!< when the state last confirmed it (RFC 3339), empty if never
  std::string verified_at;    //!< last verified reachable by a communication check, or empty
};

//! One difference between two versions, for the history page: field path, before, after.
struct FieldChange {
  std::string field;
  std::string before;
  std::string after;

  friend bool operator==(const FieldChange&, const FieldChange&) = default;
};

//! The fields that differ between two contacts, in the order of `Contact`'s members; lists
//! compare element by element ("phones[0].number").
std::vector<FieldChange> contact_changes(const Contact& before, const Contact& after);

}  // namespace liaison::domain
