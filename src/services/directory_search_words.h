#pragma once

#include <string>

#include "base/unicode.h"
#include "domain/directory.h"
#include "domain/state.h"

namespace liaison::services {

//! What a search finds an entry by: its names, institution and addresses, its state in the six
//! languages and by code, its working languages and level, folded and segmented like queries
//! (base/unicode.h search_words), joined by single spaces. The store indexes this text
//! (store::DirectoryStore::insert_nomination, publish); anything that writes nominations without
//! the service, such as bench/directory_load.cpp, computes it here too.
inline std::string search_words_for(const domain::Contact& contact, const domain::State& state,
                                    domain::Level level) {
  std::string text = contact.name + ' ' + contact.short_name + ' ' + contact.institution + ' ' +
                     contact.position + ' ' + contact.functional_email + ' ' +
                     contact.personal_email + ' ' + state.alpha2 + ' ' + state.alpha3 + ' ' +
                     std::string(domain::level_name(level));
  for (const auto& [language, name] : state.names)
    text += ' ' + name;
  for (const auto& tag : contact.languages)
    text += ' ' + tag;
  std::string words;
  for (const auto& word : search_words(text)) {
    if (!words.empty()) words += ' ';
    words += word;
  }
  return words;
}

}  // namespace liaison::services
