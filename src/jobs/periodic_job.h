#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/error.h"

namespace liaison::jobs {

//! Work the server does on its own, every `interval`, first right after start: freshness
//! reminders now, the outbox and communication checks later. Each run is one call of `work`,
//! which returns how many things it did (for the log) or why it could not. A run that fails is
//! logged and tried again at the next interval; runs never overlap.
//!
//! Work must be safe when several instances run it at once (PostgreSQL deployments): jobs record
//! what they did in the same transaction as its effect, so the second instance finds it done.
class PeriodicJob {
 public:
  using Work = std::function<Result<std::int64_t>()>;

  PeriodicJob(boost::asio::io_context& io, std::string name,
              std::chrono::steady_clock::duration interval, Work work);
  PeriodicJob(const PeriodicJob&) = delete;
  PeriodicJob& operator=(const PeriodicJob&) = delete;

  void start();
  //! Cancels the next run; a run in progress finishes.
  void stop();

 private:
  void schedule(std::chrono::steady_clock::duration delay);
  void run();

  boost::asio::steady_timer timer_;
  std::string name_;
  std::chrono::steady_clock::duration interval_;
  Work work_;
  bool stopped_ = false;
};

}  // namespace liaison::jobs
