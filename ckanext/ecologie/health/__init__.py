"""`GET /health` for load balancers and monitoring: is the database up (the
portal can serve pages), and are Solr and Redis (search, harvest queues)?"""
