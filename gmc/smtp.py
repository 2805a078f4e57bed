"""Django's SMTP email backend, able to hold back the end of a message.

A server that has received a message's data and the line that ends it (a lone ".")
delivers it, whether or not its answer ever reaches the sender. Sending with Django's
backend and then recording the send leaves a gap: a worker killed after the server
took the message but before the outbox row was committed as sent leaves the row
pending, and the message goes out again when the row is retried.

This backend closes the gap by changing the order. ``send_held`` says everything to
the server but that last line; the outbox then commits the row as sent, and only then
``end_held`` ends the data and reads the server's answer. A worker that dies before
the commit leaves the server an unfinished message, which it must discard (RFC 5321,
section 3.8), and the row pending for another attempt; one that dies after it has
recorded a message the server has whole, or is a few bytes from having.
"""

from __future__ import annotations

import smtplib
import socket

from django.core.mail import EmailMessage
from django.core.mail.backends import smtp

CRLF = b"\r\n"


class EndNotConfirmed(Exception):
    """The end of the data was written but the server's answer never came: it may or may
    not have taken the message."""


class _HoldingMixin:
    """``smtplib.SMTP.data`` that, while ``hold`` is set, stops before the final line."""

    hold = False
    held = False

    def _get_socket(self, host, port, timeout):
        sock = super()._get_socket(host, port, timeout)
        # The end of a held message is a few bytes written after the data, as are the
        # commands: with Nagle's algorithm the kernel keeps them back until the server
        # has acknowledged what went before, which a server delaying its
        # acknowledgements does 40 ms later (Linux), for every message.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def data(self, msg):
        if not self.hold:
            return super().data(msg)
        # As smtplib.SMTP.data, without the line that ends the data.
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")
        body = smtplib._quote_periods(msg)
        if body[-2:] != CRLF:
            body += CRLF
        self.send(body)
        self.held = True
        # smtplib.SMTP.sendmail goes on as if the server had taken it; end_held says.
        return 250, b"held"

    def end_held(self) -> None:
        """Send the line that ends the held message and read the answer. Raises
        ``SMTPDataError`` when the server refuses the message (it was not taken),
        ``SMTPServerDisconnected`` when the line could not be sent (it was not taken
        either), ``EndNotConfirmed`` when anything else interrupts it once the line may
        have left (the answer never came, a time limit struck): it may have been taken."""
        self.held = False
        try:
            self.send(b"." + CRLF)
        except smtplib.SMTPServerDisconnected:
            raise  # the line did not leave: the server has no end, it drops the message
        except Exception as error:  # a time limit striking as the line leaves
            self.close()
            raise EndNotConfirmed(type(error).__name__) from error
        try:
            code, reply = self.getreply()
        except Exception as error:  # no answer: closed, timed out, a time limit struck
            self.close()
            raise EndNotConfirmed(type(error).__name__) from error
        if code != 250:
            if code == 421:
                self.close()
            else:
                self._rset()
            raise smtplib.SMTPDataError(code, reply)


class HoldingSMTP(_HoldingMixin, smtplib.SMTP):
    pass


class HoldingSMTP_SSL(_HoldingMixin, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend (the same settings), plus sending a message in two steps:
    ``send_held`` then ``end_held``, or ``abandon_held`` to drop it unsent."""

    @property
    def connection_class(self):
        return HoldingSMTP_SSL if self.use_ssl else HoldingSMTP

    @property
    def holding(self) -> bool:
        return self.connection is not None and self.connection.held

    def send_held(self, message: EmailMessage) -> None:
        """Say the message to the server, all but the line that ends it. The connection
        is opened if need be and stays open. Raises as ``send`` does when the server
        refuses the sender or every recipient."""
        with self._lock:
            self.open()
            self.connection.hold = True
            try:
                self.send_messages([message])
            finally:
                if self.connection is not None:
                    self.connection.hold = False

    def end_held(self) -> None:
        """The server takes the held message now (see ``_HoldingMixin.end_held`` for
        what it raises). Nothing is held when the message had no recipient."""
        with self._lock:
            if not self.holding:
                return
            try:
                self.connection.end_held()
            finally:
                if self.connection is not None and self.connection.sock is None:
                    self.connection = None

    def abandon_held(self) -> None:
        """Drop the connection, with any held message unfinished: the server discards it.
        (Not QUIT: inside the data, it would be read as a line of the message.) The next
        send opens a new connection."""
        with self._lock:
            if self.connection is not None:
                self.connection.close()
                self.connection = None

    def close(self):
        if self.holding:
            self.abandon_held()
        super().close()
