#include "store/connection_pool.h"

namespace liaison::store {

Result<Database::Lease> ConnectionPool::acquire() {
  auto release = [weak = std::weak_ptr<State>(state_)](std::unique_ptr<Connection> connection) {
    auto state = weak.lock();
    if (!state) return;
    std::lock_guard lock(state->mutex);
    if (connection->healthy()) {
      state->idle.push_back(std::move(connection));
    } else {
      --state->open_count;
    }
    state->returned.notify_one();
  };

  std::unique_lock lock(state_->mutex);
  bool free = state_->returned.wait_for(lock, acquire_timeout_, [&] {
    return !state_->idle.empty() || state_->open_count < state_->size;
  });
  if (!free) return Error::unavailable("no database connection became free in time");
  if (!state_->idle.empty()) {
    auto connection = std::move(state_->idle.back());
    state_->idle.pop_back();
    return Database::Lease(std::move(connection), release);
  }
  ++state_->open_count;
  lock.unlock();
  auto connection = state_->open();
  if (!connection) {
    lock.lock();
    --state_->open_count;
    state_->returned.notify_one();
    return connection.error();
  }
  return Database::Lease(std::move(*connection), release);
}

}  // namespace liaison::store
