"""Offline schema validation of the rendered Kubernetes objects.

Built-in kinds are checked by `kubernetes-validate` in strict mode (unknown fields are errors) for each
Kubernetes version the manifests claim to support; the two custom resources the manifests use
(ServiceMonitor, KEDA ScaledObject) against their CRDs' published schemas (vendored in `schemas/`,
see its README), made strict the same way: an object with declared properties accepts no others.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jsonschema
import jsonschema.exceptions
import kubernetes_validate.utils as kv_utils
import yaml
from referencing import Registry, Resource

# The oldest and newest minor versions the manifests are checked against (EKS/GKE/AKS support windows).
KUBERNETES_VERSIONS = ("1.31.0", "1.37.0")
_CRD_SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "servicemonitor.monitoring.coreos.com_v1.json",
    ("keda.sh/v1alpha1", "ScaledObject"): "scaledobject.keda.sh_v1alpha1.json",
    ("postgresql.cnpg.io/v1", "Cluster"): "cluster.postgresql.cnpg.io_v1.json",  # deploy/kubernetes's database
}
_SCHEMA_DIR = Path(__file__).parent / "schemas"
SKYPILOT_SCHEMA = "skypilot-task-0.14.1.json"  # SkyPilot's own task schema (schemas/README.md)
# Fields every object has but the CRDs' openAPIV3Schema leaves to the API server.
_OBJECT_FIELDS = {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"}}


@dataclass(frozen=True)
class Problem:
    path: str
    kind: str
    name: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.kind}/{self.name}: {self.message}"


def _strict(schema: object) -> object:
    """A copy in which every object schema that lists properties forbids others (kubernetes-validate's
    strict mode, applied to a CRD schema); maps (`additionalProperties` given) and preserved-unknown
    objects are left open."""
    if isinstance(schema, dict):
        out = {key: _strict(value) for key, value in schema.items()}
        if ("properties" in out and "additionalProperties" not in out
                and not out.get("x-kubernetes-preserve-unknown-fields")):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


@cache
def _crd_validator(file: str) -> jsonschema.Draft7Validator:
    schema = _strict(json.loads((_SCHEMA_DIR / file).read_text()))
    assert isinstance(schema, dict)
    schema = copy.deepcopy(schema)
    schema.setdefault("properties", {}).update(_OBJECT_FIELDS)
    return jsonschema.Draft7Validator(schema)


def validate_object(obj: dict, *, versions: tuple[str, ...] = KUBERNETES_VERSIONS) -> list[str]:
    """Schema errors of one object ([] when valid)."""
    key = (obj.get("apiVersion"), obj.get("kind"))
    if key in _CRD_SCHEMAS:
        validator = _crd_validator(_CRD_SCHEMAS[key])  # type: ignore[index]
        return [f"{'.'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
                for error in validator.iter_errors(obj)]
    errors = []
    for version in versions:
        validator = _kubernetes_validator(version, str(key[1]), str(key[0]))
        if validator is None:
            return [f"no schema for {key[0]} {key[1]} in Kubernetes {version}"]
        error = jsonschema.exceptions.best_match(validator.iter_errors(obj))  # the one kubernetes-validate raises
        if error is not None:
            where = ".".join(map(str, error.path)) or "(root)"
            errors.append(f"Kubernetes {version}: {where}: {error.message}")
    return errors


@cache
def _kubernetes_definitions(schema_dir: str, version: str) -> Resource:
    return Resource.from_contents(kv_utils.schema_contents(f"kubernetes-json-schema/{schema_dir}/_definitions.json",
                                                           version))


@cache
def _kubernetes_validator(version: str, kind: str, api_version: str) -> jsonschema.Draft202012Validator | None:
    """kubernetes-validate's strict schema for (version, kind, apiVersion), built once: the package itself re-reads
    the multi-megabyte definitions file and builds a new registry on every call. Same files, same draft, same lookup
    of the newest schema version not newer than `version`."""
    schema_version = [v for v in kv_utils.all_versions() if kv_utils.major_minor(v) <= kv_utils.major_minor(version)][-1]
    schema_dir = f"v{schema_version}-local-strict"
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)  # rbac.authorization.k8s.io/v1 → rbac-v1
    try:
        schema = kv_utils.schema_contents(f"kubernetes-json-schema/{schema_dir}/{kind.lower()}-{api}.json", version)
    except FileNotFoundError:
        return None
    registry = _kubernetes_definitions(schema_dir, version) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.Draft202012Validator(schema, registry=registry)


def validate_manifest(path: str, content: str) -> list[Problem]:
    """Every error in one manifest file (one or more YAML documents)."""
    problems = []
    try:
        documents = [doc for doc in yaml.safe_load_all(content) if doc is not None]
    except yaml.YAMLError as exc:
        return [Problem(path, "?", "?", f"not YAML: {exc}")]
    for doc in documents:
        if not isinstance(doc, dict):
            problems.append(Problem(path, "?", "?", "a document is not a mapping"))
            continue
        name = (doc.get("metadata") or {}).get("name", "?")
        problems += [Problem(path, str(doc.get("kind")), str(name), message) for message in validate_object(doc)]
    return problems


@cache
def _skypilot_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((_SCHEMA_DIR / SKYPILOT_SCHEMA).read_text()))


def validate_skypilot_task(path: str, content: str) -> list[Problem]:
    """Every error SkyPilot's task schema finds in a task YAML (an unknown cloud, field or type), offline."""
    try:
        task = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        return [Problem(path, "SkyPilot task", "?", f"not YAML: {exc}")]
    if not isinstance(task, dict):
        return [Problem(path, "SkyPilot task", "?", "not a mapping")]
    name = str(task.get("name", "?"))
    return [Problem(path, "SkyPilot task", name, f"{'.'.join(map(str, error.absolute_path)) or '(root)'}: "
                                                  f"{error.message}")
            for error in _skypilot_validator().iter_errors(task)]


def is_kubernetes_manifest(path: str) -> bool:
    return path.startswith("manifests/") and path.endswith(".yaml")
