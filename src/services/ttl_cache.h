#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/error.h"

namespace liaison::services {

//! Keeps successful results of a read for a short time, so that the reads every page and
//! integrator makes (the organisations, their members) do not each cost a database
//! transaction. Errors are never kept. Changes made by other instances or by `liaison migrate`
//! show after at most `lifetime`. Thread-safe.
template <class Value>
class TtlCache {
 public:
  TtlCache(const Clock& clock, std::chrono::milliseconds lifetime, std::size_t capacity = 1024)
      : clock_(clock), lifetime_(lifetime), capacity_(capacity) {}

  template <class Load>
  Result<std::shared_ptr<const Value>> get(const std::string& key, Load&& load) {
    auto now = clock_.now();
    {
      std::lock_guard lock(mutex_);
      if (auto it = entries_.find(key); it != entries_.end() && now < it->second.expires) {
        return it->second.value;
      }
    }
    Result<Value> loaded = load();
    if (!loaded) return loaded.error();
    auto value = std::make_shared<const Value>(std::move(*loaded));
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) entries_.clear();  // keys are few; this bounds memory
    entries_.insert_or_assign(key, Entry{value, now + lifetime_});
    return value;
  }

  //! Forgets everything, so that a revocation shows at once on this instance.
  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }

 private:
  struct Entry {
    std::shared_ptr<const Value> value;
    std::chrono::system_clock::time_point expires;
  };

  const Clock& clock_;
  std::chrono::milliseconds lifetime_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace liaison::services
