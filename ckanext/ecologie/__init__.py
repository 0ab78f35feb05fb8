"""ckanext-ecologie: the thematic catalogue of the ecological transition."""
