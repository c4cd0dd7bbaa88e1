"""Settings of the test suite: the platform's, plus a small example procedure the procedure layer is tested on."""

import tempfile
from pathlib import Path

from ezhou_platform.config.settings import *  # noqa: F403
from ezhou_platform.config.settings import INSTALLED_APPS, LOGGING

INSTALLED_APPS = [*INSTALLED_APPS, "procedure_example"]

# The suite is a demo installation (as `make run`, EZHOU_DEMO=1) from the start, so module- and session-scoped
# fixtures that load the demo see it too; tests of the production behaviour set DEMO_MODE = False themselves.
DEMO_MODE = True

# Each test database starts empty, so it must not meet the anchors of another run (or of the developer's
# var/): a file per test process here, and a file per test (tests/conftest.py, `_audit_anchor_file`).
AUDIT_ANCHOR_FILE = str(Path(tempfile.mkdtemp(prefix="ezhou-anchor-")) / "audit-anchor.log")
# The anchor lines are INFO on `ezhou.audit`; the suite's output stays quiet (caplog still sees them).
LOGGING = {**LOGGING, "loggers": {"ezhou.audit": {"level": "WARNING"}}}
# Fixed field keys (C20): the suite never writes var/secrets/field_keys; key-file behaviour is tested with
# override_settings(FIELD_KEYS="", FIELD_KEYS_FILE=tmp_path / ...).
FIELD_KEYS = (
    "index=aW5kZXgta2V5LW9mLXRoZS10ZXN0LXN1aXRlLTMyYnk= v1=dGVzdC1zdWl0ZS1maWVsZC1rZXktdmVyc2lvbi0wMDE="
)
