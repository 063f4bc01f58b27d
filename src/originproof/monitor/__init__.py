"""The listing monitor, service side: which dossiers' listings to observe again, what an observation
means for the dossier (a listing gone after approval re-opens it), and the schedule of passes.
Fetching and reading the pages stays in `evidence/listings`; `originproof monitor` is the entry point."""
