"""Reports (reports.md): a prison profile and a region or country bulletin, as PDF and HTML.

A report is built in two steps that never mix: the builders (`prison`, `bulletin`) read the
core (the indicator table as the account sees it, the register, completeness, notes) into
a `model.Report` of plain sections, tables, paragraphs and charts; the writers turn that one
model into a PDF (`typst_writer`, Typst) or an HTML page (`html_writer`). The charts are
the dashboard's own Plotly figures (dashboard/*_charts.py, which never import Streamlit),
drawn as SVG by kaleido (`figures`). Nothing here imports Streamlit.
"""
