"""Opening engagements and assigning their brokers."""
