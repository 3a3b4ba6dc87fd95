"""The public web site: the Starlette application, its views and template helpers."""
