#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace liaison::domain {

//! Traffic Light Protocol 2.0 (FIRST): how far the content of a message may travel.
enum class Tlp { clear, green, amber, red };

std::string_view tlp_name(Tlp tlp);
std::optional<Tlp> parse_tlp(std::string_view name);

//! TLP:AMBER and TLP:RED content is never sent in clear: without the recipient's OpenPGP key the
//! mail only says that something waits on the platform.
bool must_withhold(Tlp tlp, bool recipient_has_key);

//! How long a sender keeps a message it took before another sender may take it (a sender that
//! crashed mid-delivery). Longer than any SMTP transaction's timeout.
inline constexpr std::chrono::minutes kDeliveryClaim{5};

//! After a temporary failure (SMTP 4xx, relay unreachable), when to try again: 1, 2, 4, …
//! minutes after the `attempts`-th attempt, at most 4 hours apart; nothing once the message is
//! older than kGiveUpAfter (the sender marks it failed, as an MTA bounces after five days).
inline constexpr std::chrono::hours kGiveUpAfter{5 * 24};
std::optional<std::chrono::system_clock::time_point> next_attempt(
    int attempts, std::chrono::system_clock::time_point created,
    std::chrono::system_clock::time_point now);

//! How long the token of a message stays good for answers and links: long enough for a reply
//! after a holiday, short enough that a leaked old mail is useless.
inline constexpr std::chrono::days kTokenLifetime{60};

}  // namespace liaison::domain
