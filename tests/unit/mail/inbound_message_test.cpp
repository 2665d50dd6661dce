#include "mail/inbound_message.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace liaison::mail {
namespace {

using Kind = InboundMessage::Kind;
using Strings = std::vector<std::string>;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(LIAISON_SOURCE_DIR) + "/tests/fixtures/mail/" + name,
                   std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

InboundMessage read_fixture(const std::string& name, const Strings& recipients = {}) {
  return read_inbound(fixture(name), recipients);
}

const Strings kOurMessage{"0190aaaa-bbbb@liaison.example.org"};

void expect_status(const DeliveryStatus& status, const std::string& recipient,
                   const std::string& action, const std::string& code,
                   const std::string& diagnostic) {
  EXPECT_EQ(status.final_recipient, recipient);
  EXPECT_EQ(status.action, action);
  EXPECT_EQ(status.status, code);
  EXPECT_EQ(status.diagnostic, diagnostic);
}

// --- Bounces -----------------------------------------------------------------------------------

TEST(InboundBounce, Postfix) {
  auto message = read_fixture("bounce_postfix.eml", {"bounce+AbC123@liaison.example.org"});
  EXPECT_EQ(message.kind, Kind::bounce);  // although it says Auto-Submitted: auto-replied
  EXPECT_EQ(message.auto_reply_reason, "");
  EXPECT_EQ(message.from, "MAILER-DAEMON@mail.mfa.example");
  EXPECT_EQ(message.subject, "Undelivered Mail Returned to Sender");
  EXPECT_EQ(message.message_id, "20261207090212.4Xy7Lq1FpNz1xyz@mail.mfa.example");
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  EXPECT_EQ(message.references, kOurMessage);  // from the returned message
  ASSERT_EQ(message.statuses.size(), 1U);
  expect_status(message.statuses[0], "cert.poc@mfa.example", "failed", "5.1.1",
                "550 5.1.1 <cert.poc@mfa.example>: Recipient address rejected: User unknown in "
                "virtual mailbox table");
  EXPECT_EQ(message.text.substr(0, 49), "This is the mail system at host mail.mfa.example.");
  EXPECT_NE(message.text.find("(in reply to RCPT TO command)"), std::string::npos);
  EXPECT_EQ(message.text.find("Dear colleague"), std::string::npos);
}

TEST(InboundBounce, PostfixAsCapturedFromItsLmtpClient) {
  // Written by Postfix 3.7 itself (tests/integration/app/mail_flow_test.cpp starts one), as its
  // LMTP client handed it over: CRLF, no Delivered-To, the diagnostic of an error: transport.
  auto message = read_fixture("bounce_postfix_real.eml", {"bounce+AbC123@example.org"});
  EXPECT_EQ(message.kind, Kind::bounce);
  EXPECT_EQ(message.from, "MAILER-DAEMON@mx.example.org");
  EXPECT_EQ(message.message_id, "20261207033153.53855ABA0A3@mx.example.org");
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  ASSERT_EQ(message.statuses.size(), 1U);
  expect_status(message.statuses[0], "ops@example.net", "failed", "5.1.1", "mailbox unavailable");
}

TEST(InboundBounce, PostfixTokenFromTheReturnedMessageAlone) {
  // No envelope and no header naming bounce+: the returned message's Return-Path still does.
  std::string raw = fixture("bounce_postfix.eml");
  for (const std::string header : {"Delivered-To: bounce+AbC123@liaison.example.org\n",
                                   "To: bounce+AbC123@liaison.example.org\n"}) {
    auto at = raw.find(header);
    ASSERT_NE(at, std::string::npos);
    raw.erase(at, header.size());
  }
  auto message = read_inbound(raw, {});
  EXPECT_EQ(message.kind, Kind::bounce);
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
}

TEST(InboundBounce, EximPlainText) {
  auto message = read_fixture("bounce_exim.eml");
  EXPECT_EQ(message.kind, Kind::bounce);
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  EXPECT_EQ(message.references, kOurMessage);
  ASSERT_EQ(message.statuses.size(), 1U);
  expect_status(message.statuses[0], "ncsc@gov.example", "failed", "5.2.1",
                "550 5.2.1 <ncsc@gov.example>: mailbox disabled");
  EXPECT_EQ(message.text,
            "This message was created automatically by mail delivery software.\n\n"
            "A message that you sent could not be delivered to one or more of its\n"
            "recipients. This is a permanent error. The following address(es) failed:\n\n"
            "  ncsc@gov.example\n"
            "    host mx1.gov.example [203.0.113.7]\n"
            "    SMTP error from remote mail server after RCPT TO:<ncsc@gov.example>:\n"
            "    550 5.2.1 <ncsc@gov.example>: mailbox disabled");
}

TEST(InboundBounce, EximWithoutFailedRecipientsHeaderReadsTheText) {
  std::string raw = fixture("bounce_exim.eml");
  const std::string header = "X-Failed-Recipients: ncsc@gov.example\n";
  auto at = raw.find(header);
  ASSERT_NE(at, std::string::npos);
  raw.erase(at, header.size());
  auto message = read_inbound(raw, {});
  EXPECT_EQ(message.kind, Kind::bounce);  // from MAILER-DAEMON, "Mail delivery failed"
  ASSERT_EQ(message.statuses.size(), 1U);
  EXPECT_EQ(message.statuses[0].final_recipient, "ncsc@gov.example");
  EXPECT_EQ(message.statuses[0].status, "5.2.1");
}

TEST(InboundBounce, ExchangeOnlineNdr) {
  auto message = read_fixture("bounce_exchange.eml");
  EXPECT_EQ(message.kind, Kind::bounce);
  EXPECT_EQ(message.subject, "Undeliverable: Please confirm your Point of Contact entry");
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  EXPECT_EQ(message.references, kOurMessage);
  ASSERT_EQ(message.statuses.size(), 1U);
  expect_status(message.statuses[0], "j.doe@mfa.example", "failed", "5.1.10",
                "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address "
                "lookup");
  EXPECT_EQ(message.text.substr(0, 56), "Your message to j.doe@mfa.example couldn't be delivered.");
}

TEST(InboundBounce, ExchangeTokenFromRfc822HeadersPart) {
  std::string raw = fixture("bounce_exchange.eml");
  const std::string to = "To: <bounce+AbC123@liaison.example.org>\r\n";
  auto at = raw.find(to);
  ASSERT_NE(at, std::string::npos);
  raw.erase(at, to.size());
  auto message = read_inbound(raw, {});
  EXPECT_EQ(message.tokens, Strings{"AbC123"});  // Return-Path / Reply-To of text/rfc822-headers
}

TEST(InboundBounce, Gmail) {
  auto message = read_fixture("bounce_gmail.eml", {"bounce+abc123@liaison.example.org"});
  EXPECT_EQ(message.kind, Kind::bounce);
  EXPECT_EQ(message.from, "mailer-daemon@googlemail.com");
  // The envelope's spelling comes first; the headers' spelling is another token.
  EXPECT_EQ(message.tokens, (Strings{"abc123", "AbC123"}));
  EXPECT_EQ(message.references, kOurMessage);
  ASSERT_EQ(message.statuses.size(), 1U);
  expect_status(message.statuses[0], "pointofcontact@ministry.example", "failed", "5.1.1",
                "The email account that you tried to reach does not exist. Please try "
                "double-checking the recipient's email address for typos or unnecessary spaces. "
                "For more information, go to https://support.google.com/mail/?p=NoSuchUser "
                "a640c23a62f3a-a9a0f2c8d3esor123456766b.64 - gsmtp");
  EXPECT_EQ(message.text.substr(0, 26), "** Address not found **\n\nY");
}

// --- Auto-replies ------------------------------------------------------------------------------

TEST(InboundAutoReply, ExchangeOutOfOffice) {
  auto message = read_fixture("auto_exchange_oof.eml");
  EXPECT_EQ(message.kind, Kind::auto_reply);
  EXPECT_EQ(message.auto_reply_reason, "X-Auto-Response-Suppress, X-MS-Exchange-Inbox-Rules-Loop");
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  EXPECT_EQ(message.references, kOurMessage);
  EXPECT_TRUE(message.statuses.empty());
  EXPECT_EQ(message.text,
            "I am out of the office until 14 December with limited access to e-mail. For urgent "
            "matters please contact cert@mfa.example.");
}

TEST(InboundAutoReply, ExchangeSubjectAloneIsEnough) {
  std::string raw = fixture("auto_exchange_oof.eml");
  for (const std::string header : {"X-Auto-Response-Suppress: All\r\n",
                                   "X-MS-Exchange-Inbox-Rules-Loop: j.dupont@mfa.example\r\n"}) {
    auto at = raw.find(header);
    ASSERT_NE(at, std::string::npos);
    raw.erase(at, header.size());
  }
  auto message = read_inbound(raw, {});
  EXPECT_EQ(message.kind, Kind::auto_reply);
  EXPECT_EQ(message.auto_reply_reason, "Subject: automatic reply:");
}

TEST(InboundAutoReply, GmailVacationResponder) {
  auto message = read_fixture("auto_gmail_vacation.eml");
  EXPECT_EQ(message.kind, Kind::auto_reply);
  EXPECT_EQ(message.auto_reply_reason, "Auto-Submitted: auto-replied");
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  EXPECT_EQ(message.text,
            "I am on leave until 4 January. Em caso de urgência, contacte o CERT nacional.");
}

TEST(InboundAutoReply, SieveVacation) {
  auto message = read_fixture("auto_sieve_vacation.eml");
  EXPECT_EQ(message.kind, Kind::auto_reply);
  EXPECT_EQ(message.auto_reply_reason, "Auto-Submitted: auto-replied (vacation)");
  EXPECT_EQ(message.from, "k.schmidt@cert.example");
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  EXPECT_EQ(message.text,
            "Ich bin bis zum 11. Dezember nicht im Büro. In dringenden Fällen wenden Sie sich "
            "bitte an cert@cert.example.");
}

TEST(InboundAutoReply, MailingListPrecedence) {
  auto message = read_fixture("auto_list_bulk.eml");
  EXPECT_EQ(message.kind, Kind::auto_reply);
  EXPECT_EQ(message.auto_reply_reason, "Precedence: list");
  EXPECT_EQ(message.tokens, Strings{"AbC123"});  // from Delivered-To
  EXPECT_TRUE(message.references.empty());
  EXPECT_EQ(message.text,
            "Send cyber-pocs mailing list submissions to\n\tcyber-pocs@lists.example.int\n\n"
            "Today's Topics:\n\n   1. Exercise schedule (Secretariat)");
}

TEST(InboundAutoReply, HeaderVariants) {
  auto with = [](const std::string& headers) {
    return read_inbound(
        "From: a@b.example\nTo: reply+T1@x.example\n" + headers + "Subject: Re: hello\n\nThanks.\n",
        {});
  };
  EXPECT_EQ(with("Auto-Submitted: no\n").kind, Kind::reply);
  EXPECT_EQ(with("Auto-Submitted: auto-generated\n").auto_reply_reason,
            "Auto-Submitted: auto-generated");
  EXPECT_EQ(with("X-Autoreply: yes\n").auto_reply_reason, "X-Autoreply");
  EXPECT_EQ(with("X-Autorespond: yes\n").auto_reply_reason, "X-Autorespond");
  EXPECT_EQ(with("Precedence: junk\n").auto_reply_reason, "Precedence: junk");
  EXPECT_EQ(with("Precedence: first-class\n").kind, Kind::reply);
  // Outlook stamps X-Auto-Response-Suppress on ordinary mail too; alone it proves nothing.
  EXPECT_EQ(with("X-Auto-Response-Suppress: All\n").kind, Kind::reply);

  auto subject = [](const std::string& text) {
    return read_inbound("From: a@b.example\nSubject: " + text + "\n\nBody\n", {});
  };
  EXPECT_EQ(subject("Out of Office: Re: entry").auto_reply_reason, "Subject: out of office");
  EXPECT_EQ(subject("=?UTF-8?Q?R=C3=A9ponse_automatique=C2=A0:_entry?=").auto_reply_reason,
            "Subject: réponse automatique");
  EXPECT_EQ(subject("Abwesenheitsnotiz: entry").auto_reply_reason, "Subject: abwesenheitsnotiz");
  EXPECT_EQ(subject("Auto: entry").auto_reply_reason, "Subject: auto:");
  EXPECT_EQ(subject("Re: automation of the exercise").kind, Kind::reply);
}

TEST(InboundAutoReply, ReadReceipt) {
  auto message = read_inbound(
      "From: a@b.example\nSubject: Read: entry\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=disposition-notification; boundary=b\n\n"
      "--b\nContent-Type: text/plain\n\nYour message was read.\n"
      "--b\nContent-Type: message/disposition-notification\n\nDisposition: manual-action/"
      "MDN-sent-manually; displayed\n--b--\n",
      {});
  EXPECT_EQ(message.kind, Kind::auto_reply);
  EXPECT_EQ(message.auto_reply_reason, "multipart/report; report-type=disposition-notification");
}

// --- Replies -----------------------------------------------------------------------------------

TEST(InboundReply, GmailAlternative) {
  auto message = read_fixture("reply_gmail.eml", {"reply+AbC123@liaison.example.org"});
  EXPECT_EQ(message.kind, Kind::reply);
  EXPECT_EQ(message.auto_reply_reason, "");
  EXPECT_EQ(message.from, "Ana.Pereira.Cyber@gmail.com");
  EXPECT_EQ(message.subject, "Re: Please confirm your Point of Contact entry");
  EXPECT_EQ(message.message_id,
            "CAK7pFz9x+Qm3Hn2_pL4aBcD5eF6gH7iJ8kL9mN0pQ1rS2tU3v@mail.gmail.com");
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  EXPECT_EQ(message.references, kOurMessage);
  EXPECT_FALSE(message.encrypted);
  EXPECT_FALSE(message.signed_);
  EXPECT_EQ(message.text,
            "Hello,\n\nThe entry is correct. Our new 24/7 number is +351 21 000 0000 \u2013 please "
            "add it.\n\nBest regards,\nAna");
}

TEST(InboundReply, OutlookFromSentBlock) {
  auto message = read_fixture("reply_outlook.eml");
  EXPECT_EQ(message.kind, Kind::reply);
  EXPECT_EQ(message.from, "Petra.Novak@mzv.example");
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  EXPECT_EQ(message.references,
            (Strings{"0190aaaa-bbbb@liaison.example.org", "0190aaaa-0000@liaison.example.org"}));
  EXPECT_EQ(message.text,
            "Dear Secretariat,\n\nPlease replace our entry's e-mail with csirt@mzv.example.\n\n"
            "Kind regards,\nPetra Nov\u00e1k");
}

TEST(InboundReply, OutlookHtmlPartAlone) {
  // The same reply without its text/plain alternative: the HTML's From/Sent block still cuts.
  std::string raw = fixture("reply_outlook.eml");
  auto plain = raw.find("Content-Type: text/plain");
  auto html = raw.find("--_000_", plain);
  ASSERT_NE(html, std::string::npos);
  auto boundary_start = raw.rfind("--_000_", plain);
  raw.erase(boundary_start, html - boundary_start);
  auto message = read_inbound(raw, {});
  EXPECT_EQ(message.text,
            "Dear Secretariat,\n\nPlease replace our entry's e-mail with csirt@mzv.example.\n\n"
            "Kind regards,\nPetra Nov\u00e1k");
}

TEST(InboundReply, ThunderbirdSignature) {
  auto message = read_fixture("reply_thunderbird_signature.eml");
  EXPECT_EQ(message.kind, Kind::reply);
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  EXPECT_EQ(message.text, "Confirmed, no changes on our side.");
}

TEST(InboundReply, French) {
  auto message = read_fixture("reply_french.eml");
  EXPECT_EQ(message.kind, Kind::reply);
  EXPECT_EQ(message.subject, "RE\u00a0: Please confirm your Point of Contact entry");
  EXPECT_EQ(message.text,
            "Bonjour,\n\nNotre entrée est correcte. Merci de noter que le numéro d'astreinte "
            "reste inchangé.\n\nCordialement,\nMarie Laurent");
}

TEST(InboundReply, RussianBase64) {
  auto message = read_fixture("reply_russian.eml");
  EXPECT_EQ(message.kind, Kind::reply);
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  EXPECT_EQ(message.text,
            "Здравствуйте!\n\nПодтверждаем, что данные актуальны. Дежурная смена: +7 495 "
            "000-00-00.\n\nС уважением,\nИван Петров");
}

TEST(InboundReply, Windows1251QuotedPrintable) {
  auto message = read_fixture("reply_windows1251.eml");
  EXPECT_EQ(message.kind, Kind::reply);
  EXPECT_EQ(message.subject, "Re: Подтверждение контактов");
  EXPECT_EQ(message.text, "Добрый день,\n\nКонтактные данные подтверждаем, изменений нет.");
}

TEST(InboundReply, HtmlOnlyLatin1) {
  auto message = read_fixture("reply_html_only.eml");
  EXPECT_EQ(message.kind, Kind::reply);
  EXPECT_EQ(message.references, kOurMessage);  // deduplicated
  EXPECT_EQ(message.text,
            "Grüezi,\n\nOur entry is up to date & correct.\nOur PGP key expires on 1 March \u2014 "
            "we will send the new one <soon>.\n\nRegards,\nCSIRT Duty Officer");
}

TEST(InboundReply, Signed) {
  auto message = read_fixture("reply_signed.eml");
  EXPECT_EQ(message.kind, Kind::reply);
  EXPECT_TRUE(message.signed_);
  EXPECT_FALSE(message.encrypted);
  EXPECT_EQ(message.text, "Confirmed. Signed with our team key as usual.");
}

TEST(InboundReply, Encrypted) {
  auto message = read_fixture("reply_encrypted.eml");
  EXPECT_EQ(message.kind, Kind::reply);
  EXPECT_TRUE(message.encrypted);
  EXPECT_FALSE(message.signed_);
  EXPECT_EQ(message.tokens, Strings{"AbC123"});
  EXPECT_EQ(message.references, kOurMessage);
  EXPECT_EQ(message.text, "");
}

TEST(InboundReply, TokensFromEnvelopeThenHeaders) {
  auto message = read_inbound(
      "From: a@b.example\nTo: Sec <reply+Second@liaison.example.org>, other@x.example\n"
      "Cc: bounce+third@liaison.example.org\nDelivered-To: REPLY+Fourth@liaison.example.org\n"
      "In-Reply-To: <one@x>\nReferences: <zero@x> <one@x>\n\nHi\n",
      {"reply+First@liaison.example.org", "someone@else.example", "reply+Second@l.example"});
  EXPECT_EQ(message.tokens, (Strings{"First", "Second", "third", "Fourth"}));
  EXPECT_EQ(message.references, (Strings{"one@x", "zero@x"}));
  EXPECT_EQ(message.text, "Hi");
}

TEST(InboundEntity, DecryptedPart) {
  EXPECT_EQ(text_of_entity("Content-Type: multipart/alternative; boundary=x\r\n\r\n"
                           "--x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
                           "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                           "Gr=FC=DFe\r\n\r\n> old\r\n"
                           "--x\r\nContent-Type: text/html\r\n\r\n<p>HTML</p>\r\n--x--\r\n"),
            "Grüße");
  EXPECT_EQ(text_of_entity("Content-Type: text/html; charset=utf-8\n\n<b>Bold</b> &amp; "
                           "<i>it</i><script>x()</script>\n"),
            "Bold & it");
  EXPECT_EQ(text_of_entity(""), "");
  EXPECT_EQ(text_of_entity("Content-Type: image/png\n\n\x89PNG"), "");
}

// --- strip_quoted and token_of_address ---------------------------------------------------------

TEST(StripQuoted, Forms) {
  EXPECT_EQ(strip_quoted("Yes.\n\nOn Mon, 7 Dec 2026 at 10:00, X <x@y> wrote:\n> q\n"), "Yes.");
  EXPECT_EQ(strip_quoted("Yes.\r\nOn Mon, 7 Dec 2026 at 10:00, Someone Long <\r\nx@y> wrote:\r\n"
                         "> q\r\n"),
            "Yes.");
  EXPECT_EQ(strip_quoted("Oui.\nLe lun. 7 déc. 2026 à 10:00, X <x@y> a écrit :\n> q"), "Oui.");
  EXPECT_EQ(strip_quoted("Sí.\nEl lun, 7 dic 2026 a las 10:00, X (<x@y>) escribió:\n> q"), "Sí.");
  EXPECT_EQ(strip_quoted("Да.\n7 дек. 2026 г., в 10:00, X <x@y> писал(а):\n> q"), "Да.");
  EXPECT_EQ(strip_quoted("Ja.\nAm Mo., 7. Dez. 2026 um 10:00 Uhr schrieb X <x@y>:\n> q"), "Ja.");
  EXPECT_EQ(strip_quoted("Ja.\nAm 07.12.2026 um 10:00 schrieb X:\n> q"), "Ja.");
  EXPECT_EQ(strip_quoted("Yes.\n\n-----Original Message-----\nFrom: X\nSent: Y\n\nold"), "Yes.");
  EXPECT_EQ(strip_quoted("Yes.\n________________________________\nFrom: X\nSent: Y\nold"), "Yes.");
  EXPECT_EQ(strip_quoted("Yes.\n\nFrom: X <x@y>\nSent: Monday\nTo: Z\nSubject: S\n\nold"), "Yes.");
  EXPECT_EQ(strip_quoted("Yes.\n\n*From:* X <x@y>\n*Sent:* Monday\n\nold"), "Yes.");
  EXPECT_EQ(strip_quoted("Yes.\n-- \nName\nTitle"), "Yes.");
  // A "From:" line that does not start Outlook's block is the person's words.
  EXPECT_EQ(strip_quoted("From: the 1st we use a new number.\nThanks"),
            "From: the 1st we use a new number.\nThanks");
  // Interleaved answers survive; quoted lines go; blank runs collapse.
  EXPECT_EQ(strip_quoted("> Is the phone right?\nYes.\n\n\n> And the key?\n\nNew key "
                         "attached.  \n"),
            "Yes.\n\nNew key attached.");
  EXPECT_EQ(strip_quoted("  \n\n"), "");
  EXPECT_EQ(strip_quoted(""), "");
  EXPECT_EQ(strip_quoted("-- \nonly a signature"), "");
  // "--" inside a line is not a signature separator.
  EXPECT_EQ(strip_quoted("A -- B\nC"), "A -- B\nC");
}

TEST(TokenOfAddress, Forms) {
  EXPECT_EQ(token_of_address("reply+AbC123@liaison.example.org"), "AbC123");
  EXPECT_EQ(token_of_address("Bounce+xyz9@liaison.example.org"), "xyz9");
  EXPECT_EQ(token_of_address("REPLY+Q@x"), "Q");
  EXPECT_EQ(token_of_address("<reply+AbC123@liaison.example.org>"), "AbC123");
  EXPECT_EQ(token_of_address(" reply+AbC123@liaison.example.org "), "AbC123");
  EXPECT_EQ(token_of_address("reply+@liaison.example.org"), "");
  EXPECT_EQ(token_of_address("reply+ab-c@liaison.example.org"), "");
  EXPECT_EQ(token_of_address("reply+ab.c@liaison.example.org"), "");
  EXPECT_EQ(token_of_address("reply+abc"), "");
  EXPECT_EQ(token_of_address("replies+abc@x"), "");
  EXPECT_EQ(token_of_address("xreply+abc@x"), "");
  EXPECT_EQ(token_of_address("secretariat@liaison.example.org"), "");
  EXPECT_EQ(token_of_address(""), "");
  EXPECT_EQ(token_of_address("reply+t\xC3\xA9st@x"), "");
  EXPECT_EQ(token_of_address("reply+" + std::string(64, 'a') + "@x"), std::string(64, 'a'));
  EXPECT_EQ(token_of_address("reply+" + std::string(65, 'a') + "@x"), "");
}

// --- Hostile input -----------------------------------------------------------------------------

TEST(InboundHostile, GarbageYieldsAnEmptyReply) {
  for (const std::string& raw :
       {std::string(), std::string("\0\0\0", 3), std::string("\xff\xfe\x00garbage", 10),
        std::string("no headers at all"), std::string(":\n:\n\n"),
        std::string("Content-Type: multipart/mixed; boundary=\"\"\n\n--\n--\n"),
        std::string("Content-Type: multipart/report; report-type=delivery-status; boundary=a\n"
                    "\n--a\nContent-Type: message/delivery-status\n\nFinal-Recipient:\n"
                    "Status: 9.9.9.9.9\nFinal-Recipient: ;;;\n\n\n--a--")}) {
    auto message = read_inbound(raw, {"reply+abc@x"});
    EXPECT_EQ(message.tokens, Strings{"abc"});
  }
  auto message = read_inbound("Subject: \xff\xfe\n\n\xc3\x28 invalid utf-8\n", {});
  EXPECT_EQ(message.kind, Kind::reply);
  EXPECT_EQ(message.text, "\xEF\xBF\xBD( invalid utf-8");
}

TEST(InboundHostile, TenMegabytes) {
  std::string raw =
      "From: a@b.example\nTo: reply+big@x.example\nSubject: big\nContent-Type: text/plain\n\n";
  std::string line(99, 'x');
  line += '\n';
  while (raw.size() < 10 * 1024 * 1024)
    raw += line;
  auto message = read_inbound(raw, {});
  EXPECT_EQ(message.tokens, Strings{"big"});
  EXPECT_LE(message.text.size(), 64U * 1024U);
  EXPECT_GT(message.text.size(), 60U * 1024U);

  std::string html = "From: a@b.example\nContent-Type: text/html\n\n";
  while (html.size() < 10 * 1024 * 1024)
    html += "<div>&amp;&#x41;<b>t</b></div>\n";
  EXPECT_LE(read_inbound(html, {}).text.size(), 64U * 1024U);
}

TEST(InboundHostile, TextCapKeepsUtf8Whole) {
  std::string raw = "From: a@b.example\nContent-Type: text/plain; charset=utf-8\n\nx";
  for (int i = 0; i < 40000; ++i)
    raw += "\u00e9";  // 2 bytes each, offset by one
  auto message = read_inbound(raw, {});
  EXPECT_LE(message.text.size(), 64U * 1024U);
  EXPECT_EQ(message.text.size() % 2, 1U);
}

TEST(InboundHostile, DeeplyNestedMultiparts) {
  for (int depth : {40, 2000}) {
    std::string raw = "From: a@b.example\nMIME-Version: 1.0\n";
    for (int i = 0; i < depth; ++i)
      raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" +
             std::to_string(i) + "\n";
    raw += "Content-Type: text/plain\n\nDeep down.\n";
    for (int i = depth - 1; i >= 0; --i)
      raw += "--b" + std::to_string(i) + "--\n";
    auto message = read_inbound(raw, {});
    EXPECT_EQ(message.kind, Kind::reply);
    EXPECT_EQ(message.text, "");  // beyond the depth we walk
  }
  std::string shallow =
      "From: a@b.example\nContent-Type: multipart/mixed; boundary=o\n\n--o\n"
      "Content-Type: multipart/alternative; boundary=i\n\n--i\nContent-Type: text/html\n\n"
      "<p>html</p>\n--i\nContent-Type: text/plain\n\nplain\n--i--\n--o--\n";
  EXPECT_EQ(read_inbound(shallow, {}).text, "plain");
}

}  // namespace
}  // namespace liaison::mail
