"""The MkDocs engine layer: plugin options, hooks and the pages Lawtrail generates.

Everything MkDocs-specific lives here, over the core (`site_builder` less this package),
which never imports it. Modules import `mkdocs` absolutely (`from __future__ import
annotations`, no implicit relative imports), so this package's name does not shadow the
real `mkdocs`.
"""
