"""Sync through a shared folder: the batch format, the share's files, and a sync round."""
