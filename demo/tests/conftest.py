"""The demo's tests keep what the demo writes to the var directory (its test certificate
authority) in a temporary one, never the project's var/ that `make run` uses."""

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True, scope="session")
def _demo_var_outside_the_project(tmp_path_factory):
    with override_settings(VAR_DIR=tmp_path_factory.mktemp("var")):
        yield
