"""The hostile-input corpus (see cases.py)."""
