"""R interoperability through rpy2 (SPEC section 9). Importing this package never starts R."""
