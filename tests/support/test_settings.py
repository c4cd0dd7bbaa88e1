"""Settings of the test suite: the platform's, plus a small example procedure the procedure layer is tested on."""

from ezhou_platform.config.settings import *  # noqa: F403
from ezhou_platform.config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "procedure_example"]
