"""A static web site of the plans: pages to look at, without a server, built from the data.

``build_site(data, today, target)`` writes the site into a folder that opens from the disk (file://) or
from any web host; nothing is fetched from outside (no CDN, no web font, no analytics). Layout:

- ``context``  what the pages show, as plain data (strings, numbers, lists, dicts), from the same library
  functions the commands use: ``status.status_table`` (``kehoach status``), ``query.due`` (``kehoach due``),
  ``catalog`` (plans, agencies, tasks, the reporting calendar). Nothing is judged here.
- ``render``   the pages: Jinja templates (bundled, or ``templates/site/`` beside the data folder) filled in
  the report templates' sandbox (``kehoach.report.render``), in a child process with its limits.
- ``write``    the folder: built beside the target, then swapped in; a marker file says kehoach wrote it.

The same data and reference day give the same bytes (no clock, no random order), so a site can live in git.
"""

from __future__ import annotations

from kehoach.site.build import SiteError, build_site

__all__ = ["SiteError", "build_site"]
