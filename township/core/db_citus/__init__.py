"""The PostgreSQL backend for a Citus coordinator (``DB_CITUS=1``, docs/scaling.md).

Django groups an aggregate by the primary key alone when the key is selected (PostgreSQL knows the other columns
depend on it). On the cluster a business table's primary key is ``(jurisdiction_id, id)``, so ``GROUP BY id``
no longer covers the row's columns ("must appear in the GROUP BY clause"): this backend groups by every selected
column instead. Everything else is Django's PostgreSQL backend.
"""
