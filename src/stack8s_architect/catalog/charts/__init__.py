"""The Kubernetes component knowledge base: Helm charts by role, with trust signals, resources and licences."""
