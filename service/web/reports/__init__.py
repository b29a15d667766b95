"""Report pages: issue an engagement's reports in a language and download the PDFs."""
