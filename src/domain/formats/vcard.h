#pragma once

#include <span>
#include <string>
#include <string_view>

#include "domain/directory.h"

namespace liaison::domain {

//! One entry of a vCard file, with the names a reader sees it under.
struct VcardInput {
  const DirectoryEntry& entry;
  std::string_view state_name;         //!< the nominating state, in the reader's language
  std::string_view organisation_name;  //!< the directory it comes from: "OSCE"
};

//! The entry as one vCard 4.0 (RFC 6350): UTF-8, CRLF line ends, lines folded at 75 octets.
//! docs/directory-formats.md lists which field goes where.
std::string vcard(const DirectoryEntry& entry, std::string_view state_name,
                  std::string_view organisation_name);

//! Several entries as one .vcf file, one BEGIN:VCARD…END:VCARD after the other.
std::string vcards(std::span<const VcardInput> entries);

//! `text` as a vCard TEXT value: \\ \, \; and \n escaped, ill-formed UTF-8 replaced with U+FFFD,
//! CR LF and CR read as a line break, other control characters dropped (vCard cannot hold them).
std::string vcard_text(std::string_view text);

//! One content line (without its line end) folded as RFC 6350 §3.2 asks: no line longer than 75
//! octets, continuation lines begin with a space, and no UTF-8 sequence is split; each line ends
//! in CRLF.
std::string fold_vcard_line(std::string_view line);

}  // namespace liaison::domain
