"""Round-table pages: schedule, reschedule, hold with attendance and minutes, cancel."""
