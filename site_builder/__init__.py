"""Lawtrail site builder: drafts, revisions, structure and redlines, published with MkDocs."""
