"""Faults of CKAN and ckanext-harvest that anyone can reach through the
action API: each answered with a clear error instead of a 500.

Found by tests/access/test_every_surface.py, which asks every registered
action as each kind of outsider.
"""
