"""Organisations: their type (administration centrale, opérateur...)."""
