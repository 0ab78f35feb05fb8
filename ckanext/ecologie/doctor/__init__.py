"""`ckan ecologie doctor`: checks the configuration, the services, the harvest
queues and consumers and each harvest source's last job, and says for each
what to fix."""
