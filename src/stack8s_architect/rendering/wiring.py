"""The wiring check: every name an object of the bundle refers to exists — in the bundle or among the Services the
helmfile's releases create — the way a deployer reads a bundle before applying it.

Checked: in-cluster URLs (`http://<service>.<namespace>.svc.cluster.local`, or a pod's name before them) in env
values and ConfigMap data; ConfigMaps and PVCs a pod mounts or reads; Secrets a pod requires (`optional: false`),
except the ones the bundle's README tells the user to create; the Deployment an autoscaler scales; the Service a
ServiceMonitor selects; every container image pinned to a release tag and among the images the manifests pin.
A chart's Services are named as its templates name them (`CHART_SERVICES`; a release's own
name otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from stack8s_architect.rendering.finetune import AXOLOTL_IMAGE, RCLONE_IMAGE
from stack8s_architect.rendering.monai import MONAI_IMAGE
from stack8s_architect.rendering.rag import LOADER_IMAGE, PYTHON_IMAGE, TEI_IMAGE
from stack8s_architect.rendering.validation import Problem, is_kubernetes_manifest
from stack8s_architect.rendering.workload import (PYTORCH_IMAGE, SPEACHES_IMAGE, TRITON_IMAGE, VLLM_IMAGE,
                                                  VLLM_ROCM_IMAGE)

# Every image the manifests may run: each pinned to a release tag here, reviewed like code. An image the bundle names
# outside this list, or one without a tag (or tagged `latest`), is a problem.
KNOWN_IMAGES = frozenset({VLLM_IMAGE, VLLM_ROCM_IMAGE, TRITON_IMAGE, PYTORCH_IMAGE, SPEACHES_IMAGE, TEI_IMAGE,
                          PYTHON_IMAGE, LOADER_IMAGE, AXOLOTL_IMAGE, RCLONE_IMAGE, MONAI_IMAGE})
_PINNED = re.compile(r"^[^@\s]+(?::(?!latest$)[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$")

# Secrets the user creates (the bundle README says how): the Hugging Face token.
USER_SECRETS = frozenset({"hf-token", "llm-api-key", "object-storage"})
# Secrets a chart's templates create, by chart id, from its release name.
CHART_SECRETS: dict[str, tuple[str, ...]] = {"bitnami/minio": ("{r}",), "minio/minio": ("{r}",)}
# Services a chart's templates create, by chart id, from its release name (`{r}`); a chart not listed: `{r}`.
CHART_SERVICES: dict[str, tuple[str, ...]] = {
    "bitnami/mlflow": ("{r}-tracking",),  # the tracking server's Service
    "prometheus-community/kube-prometheus-stack": ("{r}-prometheus", "{r}-alertmanager", "{r}-grafana"),
    "prometheus-community/prometheus": ("{r}-server",),
}
_URL = re.compile(r"\bhttps?://([a-z0-9.-]+)\.svc\.cluster\.local\b")


def _walk_strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from _walk_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_strings(value)


def _pod(doc: Mapping[str, Any]) -> Mapping[str, Any] | None:
    spec = doc.get("spec") or {}
    if doc.get("kind") == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    if doc.get("kind") == "Pod":
        return spec
    return spec.get("template", {}).get("spec") if "template" in spec else None


def wiring_problems(files: Mapping[str, str]) -> list[Problem]:
    """Every dangling reference of a bundle (`files`: path → text), [] when everything resolves."""
    docs = [(path, doc) for path, text in files.items() if is_kubernetes_manifest(path)
            for doc in yaml.safe_load_all(text) if isinstance(doc, dict)]
    defined: set[tuple[str, str, str]] = {(d.get("kind", ""), d["metadata"].get("namespace", ""), d["metadata"]["name"])
                                          for _, d in docs if d.get("metadata", {}).get("name")}
    services = {(ns, name) for kind, ns, name in defined if kind == "Service"}
    helmfile = yaml.safe_load(files.get("helmfile.yaml") or "{}") or {}
    for release in helmfile.get("releases", []):
        for pattern in CHART_SERVICES.get(release["chart"], ("{r}",)):
            services.add((release.get("namespace", ""), pattern.format(r=release["name"])))
    secrets = {(release.get("namespace", ""), pattern.format(r=release["name"]))
               for release in helmfile.get("releases", []) for pattern in CHART_SECRETS.get(release["chart"], ())}
    labelled = [d["metadata"].get("labels", {}) for _, d in docs if d.get("kind") == "Service"]
    problems: list[Problem] = []

    def missing(path: str, doc: Mapping[str, Any], what: str) -> None:
        problems.append(Problem(path, str(doc.get("kind")), str(doc["metadata"].get("name")), what))

    for path, doc in docs:
        namespace = doc["metadata"].get("namespace", "")
        for text in _walk_strings(doc.get("data") or {}) if doc.get("kind") == "ConfigMap" else ():
            for host in _URL.findall(text):
                labels = host.split(".")
                if len(labels) >= 2 and (labels[-1], labels[-2]) not in services:
                    missing(path, doc, f"{text.strip()[:80]} names the Service {labels[-2]} in {labels[-1]}, which "
                                       "nothing in the bundle creates")
        pod = _pod(doc)
        if pod is not None:
            containers = [*pod.get("initContainers", []), *pod.get("containers", [])]
            for container in containers:
                image = str(container.get("image", ""))
                tag = image.rsplit("/", 1)[-1]
                if ":" not in tag and "@" not in image or not _PINNED.match(image):
                    missing(path, doc, f"{container['name']} runs the image '{image}' without a release tag")
                elif image not in KNOWN_IMAGES:
                    missing(path, doc, f"{container['name']} runs the image '{image}', which is not among the images "
                                       "the manifests pin (wiring.KNOWN_IMAGES)")
                for text in _walk_strings(container.get("env") or []):
                    for host in _URL.findall(text):
                        labels = host.split(".")
                        if len(labels) >= 2 and (labels[-1], labels[-2]) not in services:
                            missing(path, doc, f"{container['name']}: {text[:80]} names the Service {labels[-2]} in "
                                               f"{labels[-1]}, which nothing in the bundle creates")
                for source in container.get("envFrom") or []:
                    name = (source.get("configMapRef") or {}).get("name")
                    if name and ("ConfigMap", namespace, name) not in defined:
                        missing(path, doc, f"{container['name']} reads the ConfigMap {name}, not in the bundle")
                for env in container.get("env") or []:
                    ref = (env.get("valueFrom") or {}).get("secretKeyRef")
                    if ref and not ref.get("optional") and ref["name"] not in USER_SECRETS \
                            and ("Secret", namespace, ref["name"]) not in defined and (namespace, ref["name"]) not in secrets:
                        missing(path, doc, f"{container['name']} requires the Secret {ref['name']}, not in the bundle")
            for volume in pod.get("volumes") or []:
                if "configMap" in volume and ("ConfigMap", namespace, volume["configMap"]["name"]) not in defined:
                    missing(path, doc, f"mounts the ConfigMap {volume['configMap']['name']}, not in the bundle")
                claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
                if claim and ("PersistentVolumeClaim", namespace, claim) not in defined:
                    missing(path, doc, f"mounts the PVC {claim}, not in the bundle")
        if doc.get("kind") in {"ScaledObject", "HorizontalPodAutoscaler"}:
            target = doc["spec"]["scaleTargetRef"]["name"]
            if not any((kind, namespace, target) in defined for kind in ("Deployment", "StatefulSet")):
                missing(path, doc, f"scales {target}, which the bundle does not create")
        if doc.get("kind") == "Ingress":  # its backends are Services; its TLS Secret is the deployer's certificate
            for rule in doc["spec"].get("rules", []):
                for route in (rule.get("http") or {}).get("paths", []):
                    service = route["backend"]["service"]["name"]
                    if (namespace, service) not in services:
                        missing(path, doc, f"routes to the Service {service}, which nothing in the bundle creates")
        if doc.get("kind") == "ServiceMonitor":
            wanted = doc["spec"]["selector"].get("matchLabels", {})
            if not any(all(labels.get(k) == v for k, v in wanted.items()) for labels in labelled):
                missing(path, doc, f"selects Services labelled {wanted}: there are none")
    return problems
