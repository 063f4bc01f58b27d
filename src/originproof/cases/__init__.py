"""Cases (merchant × brand), their versions (one per submission) and decisions with sanctions."""
