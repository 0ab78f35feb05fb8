"""Fixes are written as the commands to type, with this configuration file."""

from __future__ import annotations

import ckan.plugins.toolkit as tk


def ckan_command(arguments: str) -> str:
    """`ckan -c INI ARGUMENTS`, with the ini file the doctor was run with."""
    return f"ckan -c {tk.config.get('__file__') or 'INI'} {arguments}"


def ini_file() -> str:
    return tk.config.get("__file__") or "the ini file"
