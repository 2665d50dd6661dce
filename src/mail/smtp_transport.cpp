#include <algorithm>
#include <cctype>
#include <cstring>
#include <curl/curl.h>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "mail/transport.h"

namespace liaison::mail {
namespace {

void initialise_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  });
}

// The bytes of one message, handed to libcurl as it asks for them.
struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t wanted = size * count;
  std::size_t left = upload->data.size() - upload->offset;
  std::size_t taken = std::min(wanted, left);
  std::memcpy(buffer, upload->data.data() + upload->offset, taken);
  upload->offset += taken;
  return taken;
}

// An SMTP reply line starts with three digits, then ' ' on the last line or '-' before more.
int reply_code(std::string_view line) {
  if (line.size() < 3) return 0;
  int code = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    code = code * 10 + (line[i] - '0');
  }
  return code;
}

std::string_view trim_line_end(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.remove_suffix(1);
  return line;
}

// Envelope addresses go into "MAIL FROM:<...>" and "RCPT TO:<...>" verbatim, so anything that
// could end the command or the brackets would let a recipient inject SMTP commands.
bool safe_address(std::string_view address) {
  return std::none_of(address.begin(), address.end(), [](char c) {
    return c == '\r' || c == '\n' || c == '\0' || c == '<' || c == '>' || c == ' ';
  });
}

bool safe_helo_name(std::string_view name) {
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '[' || c == ']' || c == ':';
  });
}

Delivery make(Delivery::Outcome outcome, std::string detail) {
  return {outcome, std::move(detail)};
}

}  // namespace

struct SmtpTransport::State {
  CURL* handle = nullptr;
  char error_buffer[CURL_ERROR_SIZE] = {};

  // Filled by the debug callback during one transfer. The failing reply is kept apart from the
  // last one because libcurl may still talk after it (QUIT when a connection closes).
  std::string reply;            //!< lines of the reply being read (multi-line replies)
  std::string last_reply;       //!< the last complete reply
  std::string data_reply;       //!< the last reply after DATA: 354, then the verdict on the message
  std::string failure_reply;    //!< the first complete reply with a 4xx/5xx code
  std::string failure_command;  //!< the verb of the command that reply answered
  std::string last_command;     //!< the verb of the last command sent

  void begin_transfer() {
    error_buffer[0] = '\0';
    reply.clear();
    last_reply.clear();
    data_reply.clear();
    failure_reply.clear();
    failure_command.clear();
    last_command.clear();
  }

  void on_reply_line(std::string_view line) {
    line = trim_line_end(line);
    if (line.empty()) return;
    if (!reply.empty()) reply += ' ';
    // Continuation lines repeat the code; keep it only on the first.
    reply += reply.empty() || line.size() < 4 ? line : line.substr(4);
    bool last_line = line.size() < 4 || line[3] != '-';
    if (!last_line) return;
    last_reply = std::move(reply);
    reply.clear();
    if (last_command == "DATA") data_reply = last_reply;
    if (failure_reply.empty() && reply_code(last_reply) >= 400) {
      failure_reply = last_reply;
      failure_command = last_command;
    }
  }

  void on_command(std::string_view line) {
    // A line answering "334" is a SASL response (credentials), not a command: the command is
    // still AUTH. Otherwise only the verb is kept, so nothing secret is held.
    if (reply_code(last_reply) == 334) return;
    line = trim_line_end(line);
    last_command = std::string(line.substr(0, line.find(' ')));
    std::transform(last_command.begin(), last_command.end(), last_command.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  }

  static int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    auto* state = static_cast<State*>(user);
    std::string_view text(data, size);
    if (type == CURLINFO_HEADER_IN) {
      // Usually one line per call; split anyway so a batched read is not misread.
      while (!text.empty()) {
        auto end = text.find('\n');
        auto line = end == std::string_view::npos ? text : text.substr(0, end + 1);
        state->on_reply_line(line);
        text.remove_prefix(line.size());
      }
    } else if (type == CURLINFO_HEADER_OUT) {
      state->on_command(text);
    }
    return 0;
  }
};

namespace {

CURL* new_handle() {
  CURL* handle = curl_easy_init();
  if (handle == nullptr) throw std::runtime_error("curl_easy_init failed");
  return handle;
}

}  // namespace

SmtpTransport::SmtpTransport(SmtpSettings settings)
    : settings_(std::move(settings)), state_(nullptr) {
  initialise_curl_once();
  CURL* handle = new_handle();
  state_ = new State;
  state_->handle = handle;
}

SmtpTransport::~SmtpTransport() {
  // Closes a kept connection politely (QUIT), bounded by the server response timeout.
  if (state_->handle != nullptr) curl_easy_cleanup(state_->handle);
  delete state_;
}

Delivery SmtpTransport::deliver(std::string_view /*id*/, std::string_view envelope_from,
                                std::string_view recipient, std::string_view message) {
  if (!safe_address(envelope_from)) {
    return make(Delivery::Outcome::permanent, "invalid envelope sender");
  }
  if (recipient.empty() || !safe_address(recipient)) {
    return make(Delivery::Outcome::permanent, "invalid recipient address");
  }
  // A bad setting affects every message, so it is temporary: the operator fixes the
  // configuration and the outbox retries, instead of every message being dropped.
  if (!safe_helo_name(settings_.helo_name)) {
    return make(Delivery::Outcome::temporary, "invalid EHLO name in the SMTP settings");
  }

  std::string url = settings_.url;
  if (!settings_.helo_name.empty()) {
    // libcurl takes the EHLO name from the URL's path.
    auto scheme_end = url.find("://");
    auto path = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
    if (path != std::string::npos) url.erase(path);
    url += '/';
    url += settings_.helo_name;
  }
  std::string from = "<" + std::string(envelope_from) + ">";
  std::string to = "<" + std::string(recipient) + ">";
  curl_slist* recipients = curl_slist_append(nullptr, to.c_str());
  if (recipients == nullptr) throw std::bad_alloc();
  Upload upload{message, 0};
  auto timeout = static_cast<long>(settings_.timeout.count());

  State& state = *state_;
  CURL* handle = state.handle;
  state.begin_transfer();
  // The handle keeps its options between messages; setting all of them each time keeps the
  // transfer independent of the previous one while the connection cache survives.
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 0L);
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
  // Lets libcurl send SIZE= when the relay announces a limit, so it can refuse early.
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(handle, CURLOPT_USE_SSL,
                   static_cast<long>(settings_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  if (!settings_.username.empty()) {
    curl_easy_setopt(handle, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  if (!settings_.ca_file.empty())
    curl_easy_setopt(handle, CURLOPT_CAINFO, settings_.ca_file.c_str());
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, settings_.verify_peer ? 1L : 0L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, settings_.verify_peer ? 2L : 0L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, timeout);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, timeout);
  // Bounds each wait for a reply, including the QUIT sent when a connection is dropped.
  curl_easy_setopt(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, state.error_buffer);
  // The debug callback is the only place libcurl shows the server's reply text.
  curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, State::on_debug);
  curl_easy_setopt(handle, CURLOPT_DEBUGDATA, &state);
  curl_easy_setopt(handle, CURLOPT_VERBOSE, 1L);

  CURLcode code = curl_easy_perform(handle);
  long response = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response);
  // The list must outlive the transfer only; the handle must not keep a dangling pointer.
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(handle, CURLOPT_READDATA, nullptr);
  curl_slist_free_all(recipients);

  if (code == CURLE_OK) {
    // Not simply the last reply: that is "221 Bye" when the relay closes after each message.
    return make(Delivery::Outcome::sent,
                state.data_reply.empty() ? state.last_reply : state.data_reply);
  }

  Delivery delivery;
  delivery.outcome = Delivery::Outcome::temporary;
  int smtp_code = reply_code(state.failure_reply);
  if (smtp_code == 0 && response >= 400) smtp_code = static_cast<int>(response);
  if (!state.failure_reply.empty()) {
    delivery.detail = state.failure_reply;
  } else {
    delivery.detail = curl_easy_strerror(code);
    if (state.error_buffer[0] != '\0') {
      delivery.detail += ": ";
      delivery.detail += state.error_buffer;
    }
  }
  // 5xx is final for the recipient or the message, but not when it answers the session set-up
  // (EHLO, STARTTLS, AUTH) or says authentication/encryption is required (530, 534, 535, 538):
  // those are the relay's configuration, the same for every message, and retrying after the
  // operator fixes it is right. Refused credentials (CURLE_LOGIN_DENIED) likewise.
  const auto& command = state.failure_command;
  bool session_setup = command == "EHLO" || command == "HELO" || command == "STARTTLS" ||
                       command == "AUTH" || command.empty();
  bool configuration = smtp_code == 530 || smtp_code == 534 || smtp_code == 535 ||
                       smtp_code == 538 || code == CURLE_LOGIN_DENIED;
  if (smtp_code >= 500 && smtp_code < 600 && !session_setup && !configuration) {
    delivery.outcome = Delivery::Outcome::permanent;
  }

  // A failed transfer may leave a connection in an unknown state; a new handle starts clean
  // instead of reusing it (curl_easy_reset would keep the connection cache).
  curl_easy_cleanup(handle);
  state.handle = new_handle();
  return delivery;
}

}  // namespace liaison::mail
