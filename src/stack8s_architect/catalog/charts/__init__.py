"""Helm chart knowledge: what a chart's default values ask of the cluster."""
