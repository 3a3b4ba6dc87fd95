"""Tests of portal.readmodels: the credit file, the lists and the masking of what they hand out."""
