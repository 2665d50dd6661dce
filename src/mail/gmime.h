#pragma once

#include <gmime/gmime.h>
#include <memory>

// What every use of GMime shares: one-time initialisation and owning handles.
namespace liaison::mail::gmime {

//! g_mime_init, once per process and before any other GMime call (it is not thread-safe, and
//! composing, reading and OpenPGP may first run on different threads).
void ready();

struct Unref {
  void operator()(void* object) const {
    if (object != nullptr) g_object_unref(object);
  }
};
//! A GObject (stream, parser, part, message …) released with its owner.
template <class T>
using Owned = std::unique_ptr<T, Unref>;

struct FormatOptionsFree {
  void operator()(GMimeFormatOptions* options) const { g_mime_format_options_free(options); }
};

//! Any GMime object pointer as its GMimeObject base (GObject single inheritance).
template <class T>
GMimeObject* as_object(T* object) {
  return reinterpret_cast<GMimeObject*>(object);
}

}  // namespace liaison::mail::gmime
