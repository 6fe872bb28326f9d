"""What people read: the brief (`brief`, plain text) and the evidence page
(`evidence_page`, one HTML file whose stylesheet and script ship beside it as package data).
"""
