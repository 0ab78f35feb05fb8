"""Restricted data: access rights, resource gating, grants, requests, audit."""
