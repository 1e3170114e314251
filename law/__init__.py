"""The Swedish rules Fordra obeys (LAW.md): pure functions over the legal figures, and the
figures themselves as data (fee caps, reference rates). Imports no other app."""
