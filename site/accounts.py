"""The site's django-allauth adapter (`ACCOUNT_ADAPTER`).

Failed log-ins are limited per address and per (account, address) pair, never per account
alone: allauth's `login_failed` rate keyed by the account only lets anyone lock the owner out of
their own account by typing wrong passwords (a spray of 29 attempts behind the proxy locked
out other people). With the address in the key, an attacker's wrong passwords lock out the
attacker's address; the owner, from their own address, still logs in.

allauth's e-mail (address confirmation, password reset, ...) never fails a sign-up or a log-in:
what the mail server does not take now is kept for `mail_retry` (`portal.outgoing_mail`), and
the person reads that it will follow instead of "we sent you an e-mail".
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.utils.translation import gettext as _

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email, filter_users_by_username
from allauth.core import context as allauth_context

from portal.rate_limits import client_address

# allauth's messages that say an e-mail was sent
SENT_MESSAGES = {"account/messages/email_confirmation_sent.txt"}


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        """The key of the `login_failed` rate per key: the account (however it was named,
        username or e-mail address) together with the client's address."""
        login = str(credentials.get("email", credentials.get("username", ""))).lower()
        account = _account_of(login)
        site = get_current_site(request)
        return f"{site.domain}:{account}:{client_address(request)}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's `send_mail`, told when the message was only kept for later: the person
        then reads that it will follow."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        if self.render_mail(template_prefix, email, ctx).send() or request is None:
            return
        request.outgoing_mail_kept = True
        self.add_message(
            request,
            messages.WARNING,
            message=_(
                "Our mail server did not take the e-mail to %(email)s just now. It is kept and "
                "will be sent as soon as the server answers: you need not ask again."
            )
            % {"email": email},
        )

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        if message_template in SENT_MESSAGES and getattr(request, "outgoing_mail_kept", False):
            return  # not "sent" when it is only kept for later
        super().add_message(request, level, message_template, *args, **kwargs)


def _account_of(login: str) -> str:
    """One name per account, so that its username and e-mail address share one count; what
    names no account counts as itself."""
    if "@" in login:
        users = filter_users_by_email(login)
    else:
        users = list(filter_users_by_username(login)[:1])
    return f"user:{users[0].pk}" if users else f"login:{login}"
