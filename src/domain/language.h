#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace liaison::domain {

//! The six official UN languages: every name and page exists in each of them.
enum class Language { arabic, chinese, english, french, russian, spanish };

inline constexpr std::array<Language, 6> kLanguages = {Language::arabic,  Language::chinese,
                                                       Language::english, Language::french,
                                                       Language::russian, Language::spanish};

//! ISO 639-1 code: "ar", "zh", "en", "fr", "ru", "es".
std::string_view language_code(Language language);

//! Reads a BCP 47 tag ("fr", "fr-CA", "zh-Hans-CN", "EN") and returns the UN language it
//! belongs to, if any.
std::optional<Language> language_from_tag(std::string_view tag);

//! Picks the best of the six languages from an HTTP Accept-Language value (RFC 9110 §12.5.4),
//! honouring q-values; English when nothing matches or the header is malformed.
Language negotiate_language(std::string_view accept_language);

}  // namespace liaison::domain
