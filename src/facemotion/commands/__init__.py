"""Command-line sub-commands: each module parses its arguments and calls one pipeline."""
