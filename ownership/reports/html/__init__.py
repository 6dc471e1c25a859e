"""The HTML audit report: one self-contained document (``report.render_html``)."""
