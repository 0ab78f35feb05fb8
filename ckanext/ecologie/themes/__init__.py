"""Themes: the taxonomies, automatic classification, theme pages, universe."""
