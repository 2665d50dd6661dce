#include "jobs/outbox_sender.h"

#include <spdlog/spdlog.h>

namespace liaison::jobs {
namespace {

services::DeliveryReport report_of(const mail::Delivery& delivery) {
  using Outcome = services::DeliveryReport::Outcome;
  switch (delivery.outcome) {
    case mail::Delivery::Outcome::sent:
      return {Outcome::sent, delivery.detail};
    case mail::Delivery::Outcome::permanent:
      return {Outcome::permanent, delivery.detail};
    case mail::Delivery::Outcome::temporary:
      break;
  }
  return {Outcome::temporary, delivery.detail};
}

}  // namespace

OutboxSender::OutboxSender(services::MailService& mail, std::unique_ptr<mail::Transport> transport,
                           mail::SenderIdentity sender, const mail::InstanceKeyring* keyring,
                           Options options)
    : mail_(mail),
      transport_(std::move(transport)),
      sender_(std::move(sender)),
      keyring_(keyring),
      options_(options) {}

OutboxSender::~OutboxSender() {
  stop();
}

void OutboxSender::start() {
  if (auto released = mail_.release_own_claims(); !released)
    spdlog::warn("outbox: cannot release earlier claims: {}", released.error().message);
  else if (*released > 0)
    spdlog::info("outbox: {} message(s) claimed before a restart will be sent again", *released);
  thread_ = std::thread([this] { run(); });
}

void OutboxSender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeup_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxSender::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wakeup_.notify_all();
}

Result<std::int64_t> OutboxSender::drain() {
  std::int64_t handled = 0;
  for (;;) {
    auto batch = mail_.claim(options_.batch);
    if (!batch) return batch.error();
    if (batch->empty()) return handled;
    for (const auto& message : *batch) {
      {
        // A stop leaves the rest of the batch claimed; the next start releases it.
        std::lock_guard lock(mutex_);
        if (stopping_) return handled;
      }
      auto delivery = mail::deliver_outbox_message(message, sender_, keyring_, *transport_);
      auto recorded = mail_.record_delivery(message, report_of(delivery));
      if (!recorded) return recorded.error();
      if (delivery.outcome != mail::Delivery::Outcome::sent)
        spdlog::warn("outbox: {} to {}: {}", message.id, message.recipient, delivery.detail);
      ++handled;
    }
  }
}

void OutboxSender::run() {
  for (;;) {
    auto drained = drain();
    if (!drained) spdlog::error("outbox: {}", drained.error().message);
    std::unique_lock lock(mutex_);
    wakeup_.wait_for(lock, options_.poll, [this] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) return;
  }
}

}  // namespace liaison::jobs
