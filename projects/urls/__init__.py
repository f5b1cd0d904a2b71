"""The funded projects' URL modules, one per audience; config/urls.py mounts each at its own prefix."""
