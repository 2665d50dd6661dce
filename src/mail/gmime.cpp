#include "mail/gmime.h"

#include <mutex>

namespace liaison::mail::gmime {

void ready() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

}  // namespace liaison::mail::gmime
