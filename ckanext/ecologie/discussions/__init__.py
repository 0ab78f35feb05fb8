"""Discussions on datasets and bouquets, feedback to the portal team."""
