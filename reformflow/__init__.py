"""ReformFlow: supervision of government reform task lists as Prefect flows."""

__version__ = "0.1.0"
