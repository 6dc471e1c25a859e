"""The xlsx audit report: the workbook (``report``), its sheets streamed from the result's columns
(``stream``), the policy and summary sheet (``summary``), the detailed tables (``tables``) and the styles
(``style``)."""
