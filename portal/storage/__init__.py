"""The system of record: the SQL model, sessions, migrations and the queries of public views."""
