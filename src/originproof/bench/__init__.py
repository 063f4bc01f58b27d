"""Evaluation harness: a labelled corpus of generated dossiers, accuracy (`bench eval`) and speed (`bench speed`)."""
