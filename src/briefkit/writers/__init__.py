"""Writers: semantic HTML -> PDF (WeasyPrint) and DOCX (python-docx)."""
