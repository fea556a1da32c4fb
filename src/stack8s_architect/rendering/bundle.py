"""The plan's deliverables together: the finishing step of a planned turn and the export bundle.

`finish_plan` fills what rendering derives from a plan (the Mermaid diagram, the manifests and the
SkyPilot task) before the plan is stored. `bundle_files` lays a stored plan out as the export:
README.md (the report and how to apply it), plan.json, helmfile.yaml, manifests/, skypilot.yaml and
diagram.mmd — the same files for the zip download and for `architect export`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from stack8s_architect.planning.plan import DeploymentPlan, PlanManifest
from stack8s_architect.planning.spec import WorkloadSpec
from stack8s_architect.rendering.diagram import plan_diagram
from stack8s_architect.rendering.manifests import plan_manifests
from stack8s_architect.rendering.markdown import plan_markdown
from stack8s_architect.catalog.compute.providers import SKYPILOT_VERSION
from stack8s_architect.rendering.policy import CHECKOV_VERSION, POLICY_SKIPS
from stack8s_architect.rendering.skypilot import skypilot_task
from stack8s_architect.rendering.wiring import wiring_problems
from stack8s_architect.rendering.workload import read_workload
from stack8s_architect.rendering.validation import (
    KUBERNETES_VERSIONS,
    Problem,
    is_kubernetes_manifest,
    validate_manifest,
    validate_skypilot_task,
)

# Zip entries carry this timestamp so one plan always exports to the same bytes.
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def deliverables(plan: DeploymentPlan, spec: WorkloadSpec | None = None) -> list[PlanManifest]:
    workload = read_workload(plan, spec)  # one reading for both, so they agree
    manifests = plan_manifests(plan, spec, workload=workload)
    task = skypilot_task(plan, spec, workload=workload)
    return manifests + ([task] if task else [])


def finish_plan(plan: DeploymentPlan, spec: WorkloadSpec) -> DeploymentPlan:
    """The plan with `diagram_mermaid` and `manifests` filled (the chat service's finishing step)."""
    workload = read_workload(plan, spec)
    diagram = plan_diagram(plan, dataset_gb=spec.dataset_size_gb, servers=workload.servers)
    return plan.model_copy(update={"diagram_mermaid": diagram, "manifests": deliverables(plan, spec)})


@dataclass(frozen=True)
class Bundle:
    files: dict[str, str]  # path in the bundle → text
    problems: list[Problem]  # schema errors of the Kubernetes manifests (none expected)

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path, text in self.files.items():
                info = zipfile.ZipInfo(path, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, text)
        return buffer.getvalue()

    def write(self, directory: Path) -> list[Path]:
        written = []
        for path, text in self.files.items():
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written.append(target)
        return written


def _readme(plan: DeploymentPlan, files: dict[str, str], problems: list[Problem]) -> str:
    kube = [path for path in files if is_kubernetes_manifest(path)]
    versions = " and ".join(v.rsplit(".", 1)[0] for v in KUBERNETES_VERSIONS)
    lines = [plan_markdown(plan).rstrip(), "", "## This bundle", "",
             "| file | what |", "|---|---|",
             "| `plan.json` | the plan as JSON (the API's DeploymentPlan) |",
             "| `diagram.mmd` | the architecture diagram (Mermaid) |"]
    if "helmfile.yaml" in files:
        lines.append("| `helmfile.yaml` | the Kubernetes stack's charts at their catalog versions |")
    lines += [f"| `{path}` | {files[path].splitlines()[0].lstrip('# ')} |" for path in kube]
    if "skypilot.yaml" in files:
        lines.append("| `skypilot.yaml` | a SkyPilot task on the top compute option |")
    lines += ["", "## Apply it", ""]
    steps = []
    if "helmfile.yaml" in files:
        steps.append("`helmfile apply` — installs the charts (helm and the helm-diff plugin needed).")
    namespace = next((path for path in kube if path.endswith("-namespace.yaml")), None)
    if namespace and any("hf-token" in files[path] for path in kube):
        name = (yaml.safe_load(files[namespace]) or {}).get("metadata", {}).get("name", "<namespace>")
        steps.append(f"`kubectl apply -f {namespace}` then `kubectl -n {name} create secret generic hf-token "
                     "--from-literal=token=$HF_TOKEN` (the model may be gated on Hugging Face).")
    if namespace and any("llm-api-key" in files[path] for path in kube):
        name = (yaml.safe_load(files[namespace]) or {}).get("metadata", {}).get("name", "<namespace>")
        steps.append(f"`kubectl -n {name} create secret generic llm-api-key --from-literal=key=$(openssl rand -hex "
                     "24)` — the model server answers only requests carrying this key (`Authorization: Bearer`); "
                     "and the gateway's certificate: `kubectl -n " + name + " create secret tls <server>-tls --cert "
                     "… --key …` (or let cert-manager issue it).")
    if kube:
        steps.append("`kubectl apply -f manifests/` — the namespace first, then the workload.")
    if "skypilot.yaml" in files:
        steps.append("Or, without a cluster: `sky launch skypilot.yaml` (see the file's header).")
    lines += [f"{i}. {step}" for i, step in enumerate(steps, start=1)]
    lines.append("")
    wiring = [p for p in problems if p.message and p in wiring_problems(files)]
    kube_problems = [p for p in problems if p.path != "skypilot.yaml" and p not in wiring]
    if kube:
        verdict = ("all pass" if not kube_problems else f"{len(kube_problems)} problem(s): "
                   + "; ".join(map(str, kube_problems)))
        lines.append(f"The {len(kube)} Kubernetes manifests were checked offline against the Kubernetes {versions} "
                     f"schemas (strict: unknown fields are errors; ServiceMonitor and ScaledObject against their "
                     f"CRDs' schemas): {verdict}.")
    if kube:
        lines.append("Wiring: every Service URL, ConfigMap, volume claim, required Secret (but `hf-token`, yours to "
                     "create), autoscaling target and monitored Service the manifests name exists in the bundle or "
                     "among the helmfile releases' Services: "
                     + ("all resolve." if not wiring else "; ".join(map(str, wiring)) + "."))
    if "skypilot.yaml" in files:
        sky = [p for p in problems if p.path == "skypilot.yaml"]
        lines.append(f"`skypilot.yaml` was checked against SkyPilot {SKYPILOT_VERSION}'s own task schema (the clouds "
                     "it launches, its fields and their types): "
                     + ("it passes." if not sky else "; ".join(map(str, sky)) + "."))
    if kube:
        lines += ["", f"Policy scan: the project's tests scan manifests of every kind with checkov {CHECKOV_VERSION} and "
                  "accept no failed check but these, not met by design:", ""]
        lines += [f"- `{check}` — {reason}." for check, reason in POLICY_SKIPS.items()]
        lines.append("")
    top = next((row for row in plan.compute if row.fits), None)
    if top is not None and top.deployment:
        lines.append(f"Where it runs: {top.deployment}.")
    return "\n".join(lines).rstrip() + "\n"


def bundle_files(plan: DeploymentPlan) -> Bundle:
    """The export of a stored plan. A plan stored before manifests existed gets them rendered now."""
    if not plan.manifests or not plan.diagram_mermaid:
        plan = plan.model_copy(update={"manifests": plan.manifests or deliverables(plan),
                                       "diagram_mermaid": plan.diagram_mermaid or plan_diagram(plan)})
    files: dict[str, str] = {"plan.json": plan.model_dump_json(indent=2) + "\n", "diagram.mmd": plan.diagram_mermaid}
    for manifest in plan.manifests:
        files[manifest.path] = manifest.content
    problems = [problem for path, text in files.items() if is_kubernetes_manifest(path)
                for problem in validate_manifest(path, text)]
    if "skypilot.yaml" in files:
        problems += validate_skypilot_task("skypilot.yaml", files["skypilot.yaml"])
    problems += wiring_problems(files)
    readme = _readme(plan, files, problems)
    return Bundle({"README.md": readme, **files}, problems)
