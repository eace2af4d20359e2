"""REST API of competitions, mounted under /api/v1/competitions/ (see urls.py)."""
