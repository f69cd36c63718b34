"""Pages of 系统管理 (split by area; see urls.py)."""
