"""Duijie's outer layers: the command line (`api.cli`) and, later, the web service.

Both are thin: they parse input, call the same functions in `graph`, `matcher` and
`evaluation`, and render the result.
"""
