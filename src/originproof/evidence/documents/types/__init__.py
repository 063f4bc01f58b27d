"""One module per document type: its parse function over the page model and its value checks."""
