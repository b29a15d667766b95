"""Round tables: structured meetings of the buyer and its selected suppliers."""
