"""Downloads: raw response files, statistics workbooks, pictures and the Word appendix."""
