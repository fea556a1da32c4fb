"""The Kubernetes policies (checkov's IDs) the rendered manifests do not meet on purpose, each with its reason.

The tests scan the manifests of every kind of plan with checkov 3.3.30 (offline) and fail on any other failed
check; the export's README lists these, so a deployer sees exactly what was decided and why.
"""

from __future__ import annotations

CHECKOV_VERSION = "3.3.30"

POLICY_SKIPS: dict[str, str] = {
    "CKV_K8S_11": "CPU limits: a CPU limit throttles the model server's tokenizer and scheduler threads under load; "
                  "CPU is requested (85 % of the pod's share of the node), memory is limited",
    "CKV_K8S_15": "imagePullPolicy Always: every image is pinned to a version tag in one place "
                  "(rendering/workload.py), so IfNotPresent (the default for tags) pulls exactly that version",
    "CKV_K8S_22": "read-only root filesystem: vLLM, Triton, PyTorch and text-embeddings-inference write compiled "
                  "kernels and caches under their image's home",
    "CKV_K8S_23": "non-root: the vLLM, Triton, PyTorch and text-embeddings-inference images run as root (their "
                  "caches live under /root); they run unprivileged — no escalation, every capability dropped, "
                  "RuntimeDefault seccomp — and the images built for a user (speaches, the ingestion Python, "
                  "busybox) run as it",
    "CKV_K8S_35": "secrets as files: the Hugging Face libraries in the images read the token from HF_TOKEN",
    "CKV_K8S_40": "a UID above 10,000: the non-root images run as the user their image defines (1000, 65534); "
                  "the root images as above",
    "CKV_K8S_43": "image digests: the pinned tags are what the releases publish; a digest per platform is not in "
                  "any catalog here",
}
