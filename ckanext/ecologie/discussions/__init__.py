"""Discussions on datasets and bouquets."""
