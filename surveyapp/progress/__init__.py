"""Collection progress (回收进度): responses per unit x role, counted in the database (one GROUP BY)."""
