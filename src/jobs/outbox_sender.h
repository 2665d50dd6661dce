#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "mail/outbox_delivery.h"
#include "mail/transport.h"
#include "services/mail_service.h"

namespace liaison::jobs {

//! Drains the outbox on a thread of its own (SMTP waits on the network; the HTTP threads must
//! not): claims a batch of due messages, hands each to the transport, and records each outcome
//! in its own transaction right after the hand-over. On start it releases the claims its
//! previous run held (after a crash those messages go out again at once: the only duplicates
//! possible are messages the relay accepted just before the crash, before the commit).
class OutboxSender {
 public:
  struct Options {
    std::chrono::milliseconds poll{1000};  //!< how often an idle sender looks for due mail
    std::int64_t batch = 50;
  };

  OutboxSender(services::MailService& mail, std::unique_ptr<mail::Transport> transport,
               mail::SenderIdentity sender, const mail::InstanceKeyring* keyring, Options options);
  ~OutboxSender();
  OutboxSender(const OutboxSender&) = delete;
  OutboxSender& operator=(const OutboxSender&) = delete;

  void start();
  //! Finishes the message being handed over, then stops.
  void stop();
  //! Looks for due mail now instead of at the next poll.
  void wake();

  //! One pass: claims and sends until nothing is due. Returns how many messages it handled.
  Result<std::int64_t> drain();

 private:
  void run();

  services::MailService& mail_;
  std::unique_ptr<mail::Transport> transport_;
  mail::SenderIdentity sender_;
  const mail::InstanceKeyring* keyring_;
  Options options_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace liaison::jobs
