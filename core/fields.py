"""Model fields shared by the apps."""

from django.core import validators
from django.db import models


class BoundedTextField(models.TextField):
    """A TextField whose max_length model validation checks too, as it does a CharField's.

    Django passes a TextField's max_length to its form field only: a service
    that calls full_clean() would let any length through. Here it is a
    validator as well, with the same message beside the field. The database
    column stays unbounded text.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        # Migrations see the TextField it is in the database; the validator is Python's.
        return name, "django.db.models.TextField", args, kwargs
