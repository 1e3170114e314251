"""The legal rule pack: pure functions over data, no ORM."""
