"""R interoperability through rpy2 (docs/methods.md §9). Importing this package never starts R."""
