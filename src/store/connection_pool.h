#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/database.h"

namespace liaison::store {

//! Hands out connections up to a maximum, opening them on demand; a caller waits up to the
//! acquire timeout for one to come back, and a broken connection is dropped, not reused.
class ConnectionPool {
 public:
  using Open = std::function<Result<std::unique_ptr<Connection>>()>;

  ConnectionPool(Open open, std::size_t size, std::chrono::milliseconds acquire_timeout)
      : state_(std::make_shared<State>(std::move(open), size)), acquire_timeout_(acquire_timeout) {}

  Result<Database::Lease> acquire();

 private:
  // Shared with the leases' release functions, so a lease outliving the pool stays safe.
  struct State {
    State(Open open_connection, std::size_t max) : open(std::move(open_connection)), size(max) {}
    Open open;
    std::size_t size;
    std::size_t open_count = 0;
    std::vector<std::unique_ptr<Connection>> idle;
    std::mutex mutex;
    std::condition_variable returned;
  };

  std::shared_ptr<State> state_;
  std::chrono::milliseconds acquire_timeout_;
};

}  // namespace liaison::store
