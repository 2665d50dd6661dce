#include "jobs/periodic_job.h"

#include <spdlog/spdlog.h>

namespace liaison::jobs {

PeriodicJob::PeriodicJob(boost::asio::io_context& io, std::string name,
                         std::chrono::steady_clock::duration interval, Work work)
    : timer_(io), name_(std::move(name)), interval_(interval), work_(std::move(work)) {}

void PeriodicJob::start() {
  stopped_ = false;
  schedule(std::chrono::seconds(0));
}

void PeriodicJob::stop() {
  stopped_ = true;
  timer_.cancel();
}

void PeriodicJob::schedule(std::chrono::steady_clock::duration delay) {
  timer_.expires_after(delay);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    run();
    if (!stopped_) schedule(interval_);
  });
}

void PeriodicJob::run() {
  try {
    auto done = work_();
    if (!done) {
      spdlog::warn("job {}: {}", name_, done.error().message);
    } else if (*done > 0) {
      spdlog::info("job {}: {} done", name_, *done);
    }
  } catch (const std::exception& error) {
    // A bug in one run must not stop the server or the later runs.
    spdlog::error("job {} failed: {}", name_, error.what());
  }
}

}  // namespace liaison::jobs
