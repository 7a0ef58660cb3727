"""Continuum: the shared information system of a statewide human-trafficking response."""
