"""Users and their API tokens (stored hashed): who may call the service and whose conversations are whose."""
