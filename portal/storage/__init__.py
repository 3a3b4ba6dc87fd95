"""The system of record: the SQL model, sessions, migrations and the read queries of public views."""
