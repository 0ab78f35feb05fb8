"""CKAN 2.12 splits an empty `extra_public_paths` (the value of a generated
ini) into one empty folder name, which it resolves to its own middleware
package: every `.py` file of it is then served as a public file
(`/flask_app.py`). A real folder in its place, our public folder, which is
served anyway, closes that."""

from __future__ import annotations

import os

from ckan.common import CKANConfig

PUBLIC = os.path.join(os.path.dirname(os.path.dirname(__file__)), "public")


def no_empty_public_path(config: CKANConfig) -> None:
    paths = [path for path in str(config.get("extra_public_paths") or "").split(",") if path.strip()]
    config["extra_public_paths"] = ",".join(paths or [PUBLIC])
