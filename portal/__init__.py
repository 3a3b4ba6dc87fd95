"""credit-portal: the public credit-information portal of a market and quality supervision
bureau."""

__version__ = "0.1.0"
