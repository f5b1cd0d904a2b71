import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.enums import COORDINATORS_GROUP
from accounts.models import User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"osoba{n}@example.org")
    full_name = factory.Faker("name", locale="pl_PL")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
        if create:
            obj.save()


class CoordinatorFactory(UserFactory):
    @factory.post_generation
    def coordinator_group(obj, create, extracted, **kwargs):
        if create:
            group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
            obj.groups.add(group)
