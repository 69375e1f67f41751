"""Factories for accounts, member profiles, groups and invitations."""

from django.contrib.auth import get_user_model
from django.utils import timezone

import factory
from allauth.account.models import EmailAddress

from network.models import Group, GroupMembership, Member, MemberStatus
from portal.factories import CountryFactory  # noqa: F401  (network tests import it here)

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """A confirmed primary e-mail address, unless verified=False."""
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


class MemberFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Member {n}")
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    country = factory.SubFactory(CountryFactory)
    status = MemberStatus.ACTIVE
    contact_email = factory.LazyAttribute(lambda member: member.user.email)
    # an active member was approved, which confirms the residence they gave (network.services)
    residence_country = factory.LazyAttribute(
        lambda member: member.country if member.status == MemberStatus.ACTIVE else None
    )
    residence_municipality = factory.LazyAttribute(
        lambda member: (
            getattr(member, "municipality", "") if member.status == MemberStatus.ACTIVE else ""
        )
    )
    residence_confirmed_at = factory.LazyAttribute(
        lambda member: timezone.now() if member.status == MemberStatus.ACTIVE else None
    )

    class Meta:
        model = Member


class GroupFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    description = "<p>People who try things.</p>"

    class Meta:
        model = Group


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    group = factory.SubFactory(GroupFactory)
    member = factory.SubFactory(MemberFactory)

    class Meta:
        model = GroupMembership
