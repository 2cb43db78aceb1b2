"""The thin Typer layer: parse the arguments, query, build a result, respond."""
