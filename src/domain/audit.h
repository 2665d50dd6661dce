#pragma once

#include <cstdint>
#include <string>

namespace liaison::domain {

//! One entry of the audit log: who did what to which thing, when and from where.
struct AuditEvent {
  std::string actor;           //!< "system", "cli", later an account identifier
  std::string source_address;  //!< the client's IP address; empty for the command line
  std::string action;          //!< dotted verb: "organisation.created", "login.failed"
  std::string subject;         //!< what it concerns: "organisation:<id>"
  std::string details;         //!< a JSON object with what changed
  //! The organisation the event concerns, so that its secretariat sees it; empty for events
  //! of the instance as a whole.
  std::string organisation_id;
};

//! An event as stored: its place in the chain and the hashes that link it to the one before.
struct AuditEntry {
  std::int64_t sequence = 0;  //!< 1, 2, 3, … without gaps
  std::string occurred_at;    //!< RFC 3339 UTC
  AuditEvent event;
  std::string previous_hash;  //!< hex SHA-256 of the entry before; 64 zeros for the first
  std::string hash;           //!< hex SHA-256 over previous_hash and this entry's fields
};

}  // namespace liaison::domain
