"""The conversion core (`conversion`): see autograph/api.py for the entry points."""
