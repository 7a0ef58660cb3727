"""The screening instruments: YAML files, one per instrument (the format is in default.yaml)."""
