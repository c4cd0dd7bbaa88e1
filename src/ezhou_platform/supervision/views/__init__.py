"""The supervision system's pages, one module per group of users' work."""
