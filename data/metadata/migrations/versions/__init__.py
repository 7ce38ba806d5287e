"""Revisions of the metadata schema, oldest first; revision ids are zero-padded counters."""
