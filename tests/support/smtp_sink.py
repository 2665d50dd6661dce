#!/usr/bin/python3
"""A real SMTP server on loopback for tests and benchmarks of the outbound transports.

Each accepted message becomes DIR/<n>.eml: an "X-Envelope-From:" and an "X-Envelope-To:" line
(CRLF), then the message bytes exactly as received after SMTP dot-unstuffing. The file is
complete (written to a hidden name, then renamed) before the sink answers 250, so a reader
never sees half a message; there is no fsync, since benchmarks send thousands.

On startup it prints "sink: listening on 127.0.0.1:PORT" to stderr and, with --ready-file,
writes PORT to that file (atomically). On SIGTERM or SIGINT it prints
"sink: connections=C accepted=A failed=F rejected=R" to stderr and exits 0. Nothing is
printed per message: a test that does not read stderr must not block the sink on a full pipe.

Uses Debian's python3-aiosmtpd, hence the interpreter path.
"""

import argparse
import asyncio
import logging
import os
import re
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Stats:
    connections = 0
    accepted = 0
    failed = 0  # transactions answered with --fail-code
    rejected = 0  # recipients answered with --reject-code


class Handler:
    def __init__(self, args, stats):
        self.args = args
        self.stats = stats
        self.directory = args.dir
        self.reject = re.compile(args.reject_rcpt) if args.reject_rcpt else None
        self.failures_left = args.fail_first
        self.failed_so_far = 0
        self.next_number = first_free_number(self.directory)

    def take_failure(self):
        if self.failures_left <= 0:
            return None
        self.failures_left -= 1
        self.failed_so_far += 1
        self.stats.failed += 1
        code = self.args.fail_code
        return (f"{code} {code[0]}.7.1 sink: try again later "
                f"(failure {self.failed_so_far} of {self.args.fail_first})")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject.search(address):
            self.stats.rejected += 1
            code = self.args.reject_code
            return f"{code} {code[0]}.1.1 <{address}>: recipient rejected by sink"
        if self.args.fail_at == "rcpt":
            failure = self.take_failure()
            if failure:
                return failure
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.args.fail_at == "data":
            failure = self.take_failure()
            if failure:
                return failure
        number = self.next_number
        self.next_number += 1
        head = (f"X-Envelope-From: {envelope.mail_from}\r\n"
                f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n").encode("utf-8")
        content = envelope.original_content or b""
        temporary = os.path.join(self.directory, f".{number}.tmp")
        with open(temporary, "wb") as file:
            file.write(head)
            file.write(content)
        os.rename(temporary, os.path.join(self.directory, f"{number}.eml"))
        self.stats.accepted += 1
        return f"250 2.0.0 OK stored as {number}"


def first_free_number(directory):
    """Continues after existing files, so a restarted sink does not overwrite earlier mail."""
    highest = 0
    for name in os.listdir(directory):
        stem, dot, extension = name.partition(".")
        if extension == "eml" and stem.isdigit():
            highest = max(highest, int(stem))
    return highest + 1


def make_authenticator(credentials):
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        good = (isinstance(auth_data, LoginPassword)
                and auth_data.login == user.encode()
                and auth_data.password == password.encode())
        # handled=False: aiosmtpd then answers 535 itself; True would leave the client waiting.
        return AuthResult(success=good, handled=False)

    return authenticate


async def serve(args):
    loop = asyncio.get_running_loop()
    stats = Stats()
    handler = Handler(args, stats)

    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    options = dict(hostname="sink.localhost", ident="liaison test sink", loop=loop,
                   data_size_limit=64 * 1024 * 1024, enable_SMTPUTF8=True)
    if tls and not args.implicit_tls:
        # Clients must upgrade before MAIL FROM, so a delivery proves STARTTLS happened.
        options.update(tls_context=tls, require_starttls=True)
    if args.auth:
        options.update(authenticator=make_authenticator(args.auth), auth_required=True,
                       # implicit TLS is not a "_tls_protocol" for aiosmtpd's check
                       auth_require_tls=bool(tls) and not args.implicit_tls)

    class CountingSMTP(SMTP):
        counted = False

        def connection_made(self, transport):
            # STARTTLS calls this again for the same connection.
            if not self.counted:
                self.counted = True
                stats.connections += 1
            super().connection_made(transport)

    server = await loop.create_server(lambda: CountingSMTP(handler, **options),
                                      host="127.0.0.1", port=args.port,
                                      ssl=tls if args.implicit_tls else None)
    port = server.sockets[0].getsockname()[1]
    if args.ready_file:
        temporary = args.ready_file + ".tmp"
        with open(temporary, "w") as file:
            file.write(f"{port}\n")
        os.rename(temporary, args.ready_file)
    print(f"sink: listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)

    stop = asyncio.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    await stop.wait()
    server.close()
    print(f"sink: connections={stats.connections} accepted={stats.accepted} "
          f"failed={stats.failed} rejected={stats.rejected}", file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0, help="0: an ephemeral port")
    parser.add_argument("--dir", required=True, help="where accepted messages are stored")
    parser.add_argument("--fail-first", type=int, default=0,
                        help="answer --fail-code to the first N transactions")
    parser.add_argument("--fail-code", default="451")
    parser.add_argument("--fail-at", choices=("data", "rcpt"), default="data",
                        help="the command the failures answer (default: end of DATA)")
    parser.add_argument("--reject-rcpt", help="regular expression of recipients to refuse")
    parser.add_argument("--reject-code", default="550")
    parser.add_argument("--tls-cert", help="PEM certificate: offers STARTTLS and requires it")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--implicit-tls", action="store_true",
                        help="TLS from the first byte (smtps://) instead of STARTTLS")
    parser.add_argument("--auth", metavar="USER:PASS", help="require AUTH with these credentials")
    parser.add_argument("--ready-file", help="receives the port once listening")
    parser.add_argument("--verbose", action="store_true", help="aiosmtpd's log on stderr")
    args = parser.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.implicit_tls and not args.tls_cert:
        parser.error("--implicit-tls needs --tls-cert and --tls-key")
    os.makedirs(args.dir, exist_ok=True)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.CRITICAL)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
