"""Reading the user's inputs: the provider profile, the service records, the TAR list."""
