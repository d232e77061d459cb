"""The ways of reaching a user outside the portal. Email is wired in; an SMS gateway would be
one more `Channel` named in settings.NOTIFICATION_CHANNELS."""

from abc import ABC, abstractmethod

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class Channel(ABC):
    name = ""

    @abstractmethod
    def reaches(self, user):
        """Whether this channel has a way to the user (an address, a phone number)."""

    @abstractmethod
    def send(self, user, subject, lines):
        """Deliver one message of several lines."""


class EmailChannel(Channel):
    name = "email"

    def reaches(self, user):
        return bool(user.email)

    def send(self, user, subject, lines):
        greeting = f"{user.full_name or user.username}：\n\n"
        send_mail(subject, greeting + "\n".join(lines), None, [user.email])


def configured_channels():
    return [import_string(path)() for path in settings.NOTIFICATION_CHANNELS]
