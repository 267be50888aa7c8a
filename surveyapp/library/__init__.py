"""The questionnaire library: stored questionnaire versions, upload, text import, the editor and preview."""
