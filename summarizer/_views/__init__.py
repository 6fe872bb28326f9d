"""What people read: the brief (`brief`, plain text) and the evidence page
(`evidence_page`, one HTML file whose stylesheet and script ship beside it as package data;
`evidence_spans` renders its article side, `evidence_fields` its summary side).
"""
