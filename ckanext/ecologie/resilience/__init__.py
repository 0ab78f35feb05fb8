"""Degraded mode: what the portal still serves when the search server (Solr)
or Redis does not answer, and the 503 answers for what it cannot serve."""
