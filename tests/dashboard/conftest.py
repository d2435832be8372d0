"""The dashboard tests' shared fixtures: a sample database and an AppTest per role.

They are defined in test_pages.py, the first page tests; other modules use them from
here without importing that module's tests.
"""

from tests.dashboard.test_pages import app, sample_db

__all__ = ["app", "sample_db"]
