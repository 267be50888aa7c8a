"""Statistics (统计): every question's table and chart, satisfaction by unit x role, cached by fingerprint."""
