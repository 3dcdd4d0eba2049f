"""Pure domain models shared by state machines, workflows, activities and clients.

Nothing in this package does I/O or reads a clock: workflows import it inside the sandbox.
"""
