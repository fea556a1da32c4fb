"""The local cluster as a compute source: GPU inventory from the Kubernetes API or a static file."""
