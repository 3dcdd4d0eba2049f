"""Plumbing around the routes: configuration, the client helpers, the run command and its samples."""
