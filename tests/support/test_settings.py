"""Settings of the test suite: the platform's, plus a small example procedure the procedure layer is tested on."""

from ezhou_platform.config.settings import *  # noqa: F403
from ezhou_platform.config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "procedure_example"]

# The suite is a demo installation (as `make run`, EZHOU_DEMO=1) from the start, so module- and session-scoped
# fixtures that load the demo see it too; tests of the production behaviour set DEMO_MODE = False themselves.
DEMO_MODE = True
