import datetime

import factory
from django.utils import timezone

from gmc.models import (
    AllianceMember,
    Edition,
    NewsArticle,
    Organisation,
    OrganisationType,
    Publication,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"University number {n}")
    slug = factory.Sequence(lambda n: f"university-{n}")
    type = OrganisationType.UNIVERSITY
    country = "MX"


class AllianceMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllianceMember

    organisation = factory.SubFactory(OrganisationFactory)
    year_joined = 2020


class EditionFactory(factory.django.DjangoModelFactory):
    """An edition whose registration is open now and whose conference is weeks ahead."""

    class Meta:
        model = Edition
        django_get_or_create = ["year"]

    year = factory.Sequence(lambda n: 2100 + n)
    title = factory.LazyAttribute(lambda o: f"GMC {o.year}")
    theme = "Open and intelligent education"
    time_zone = "America/Mexico_City"
    format = Edition.Format.HYBRID
    venue = "Main hall"
    city = "Mexico City"
    country = "MX"
    capacity = 150
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=35))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=2))
    registration_opens_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=7)
    )
    registration_closes_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=21)
    )
    declaration_deadline = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=21)
    )
    contact_email = "secretariat@example.org"
    is_current = False
    is_published = True


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    edition = factory.SubFactory(EditionFactory)
    title = factory.Sequence(lambda n: f"Report number {n}")
    slug = factory.Sequence(lambda n: f"report-{n}")
    kind = Publication.Kind.REPORT
    published_on = datetime.date(2025, 12, 3)
    summary = "What the report found."


class NewsArticleFactory(factory.django.DjangoModelFactory):
    """A published article dated a day ago."""

    class Meta:
        model = NewsArticle

    edition = factory.SubFactory(EditionFactory)
    title = factory.Sequence(lambda n: f"News item {n}")
    slug = factory.Sequence(lambda n: f"news-item-{n}")
    summary = "What happened, in one sentence."
    body = "First paragraph.\n\nSecond paragraph."
    status = NewsArticle.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
