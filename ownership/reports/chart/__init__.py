"""The ownership structure chart drawn as SVG (``structure.structure_chart``), for the HTML report."""
