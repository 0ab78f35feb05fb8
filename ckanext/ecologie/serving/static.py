"""Public files served by WhiteNoise in front of CKAN.

CKAN serves `/webassets/...` and the `public/` folders through the whole
Flask stack: every file costs a database query (`app_globals` checks its
config) and the user lookup, and goes out with `Cache-Control: max-age=0`
(`ckan.cache_expires`), so browsers ask again on every page. WhiteNoise
answers them before CKAN, from a table made at start: the webassets bundles,
whose names carry a hash of their content, with a one-year immutable cache;
other files (DSFR fonts and icons, CKAN's images) for an hour, then
revalidated (ETag, Last-Modified). Uploads (`ckan.storage_path`) change at
run time and stay with CKAN, as do files built after the start.
"""

from __future__ import annotations

import os
import re
from typing import Any

import ckan
import ckan.plugins.toolkit as tk
from ckan.lib.webassets_tools import get_webassets_path
from whitenoise import WhiteNoise

# webassets writes bundles as `<8 hex of the content's hash>_<name>`
HASHED_NAME = re.compile(r"/[0-9a-f]{8}_[^/]+$")
# files whose address does not change with their content
UNVERSIONED_MAX_AGE = 3600


def public_folders() -> list[str]:
    """CKAN's order of precedence (flask_app.py): extra paths, plugins, core."""
    extra = [path.strip() for path in tk.config.get("extra_public_paths").split(",") if path.strip()]
    core = os.path.join(os.path.dirname(ckan.__file__), tk.config.get("ckan.base_public_folder"))
    return [*extra, *tk.config.get("plugin_public_paths", []), core]


def serve_public_files(app: Any) -> WhiteNoise:
    webassets_url = tk.config.get("ckan.webassets.url").rstrip("/") + "/"

    def immutable(path: str, url: str) -> bool:
        return url.startswith(webassets_url) and HASHED_NAME.search(url) is not None

    files = WhiteNoise(app, max_age=UNVERSIONED_MAX_AGE, immutable_file_test=immutable)
    if os.path.isdir(get_webassets_path()):
        files.add_files(get_webassets_path(), prefix=webassets_url)
    # a later folder overrides an earlier one: the first in CKAN's order last
    for folder in reversed(public_folders()):
        if os.path.isdir(folder):
            files.add_files(folder, prefix="/")
    return files
