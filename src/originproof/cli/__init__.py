"""The `originproof` command line (Typer + Rich)."""
