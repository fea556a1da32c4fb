"""A medical-imaging training Job that runs as rendered: the plan's MONAI bundle trained with MONAI's own bundle runner.

- `{name}-monai` (ConfigMap): `run.sh` — downloads the bundle (`monai.bundle download`: weights, configs, scripts),
  picks its training config (`configs/train.json` or `.yaml`, plus `multi_gpu_train` when the Job has several GPUs),
  and runs `monai.bundle run` with `--dataset_dir` on the fetched data (under torchrun on several GPUs), tracking to
  MLflow when the stack has it. A bundle without a training config stops with a message instead of running inference.
- the Job: an init container copies the dataset from the plan's object storage (`finetune.fetch_dataset_container`),
  then the script runs in the MONAI image (PyTorch, MONAI and the bundles' optional packages).

The bundle defines the data layout it reads (its README's "Data" section: a datalist JSON, Decathlon or LUNA16
folders); the Job points the bundle at /scratch/data and leaves the layout to the bundle.
"""

from __future__ import annotations

from dataclasses import dataclass

from stack8s_architect.rendering.finetune import fetch_dataset_container
from stack8s_architect.rendering.workload import Workload

MONAI_IMAGE = "projectmonai/monai:1.5.1"
MONAI_PREFIX = "monai/"  # the model catalog's ids of MONAI model-zoo bundles

BUNDLE_SCRIPT = r"""#!/bin/sh
# Runs a MONAI model-zoo bundle with its own config: MODE=train (configs/train.*) or MODE=inference
# (configs/inference.*), on the data under $DATA_DIR (written by stack8s-architect).
set -eu
MODE="${MODE:-train}"
BUNDLE_DIR="${BUNDLE_DIR:-/scratch/bundles}"
python -m monai.bundle download --name "$BUNDLE" --bundle_dir "$BUNDLE_DIR"
ROOT="$BUNDLE_DIR/$BUNDLE"
cd "$ROOT"
if [ -f "configs/$MODE.json" ]; then ext=json
elif [ -f "configs/$MODE.yaml" ]; then ext=yaml
else
  echo "bundle $BUNDLE has no configs/$MODE.json or configs/$MODE.yaml: monai.bundle run cannot $MODE it" >&2
  exit 2
fi
configs="'configs/$MODE.$ext'"
if [ "$MODE" = train ] && [ "$GPUS_TOTAL" -gt 1 ] && [ -f "configs/multi_gpu_train.$ext" ]; then
  configs="$configs,'configs/multi_gpu_train.$ext'"
fi
set -- -m monai.bundle run --config_file "[$configs]" --bundle_root "$ROOT" --dataset_dir "$DATA_DIR"
if [ -f configs/metadata.json ]; then set -- "$@" --meta_file configs/metadata.json; fi
if [ -n "${OUTPUT_DIR:-}" ]; then set -- "$@" --output_dir "$OUTPUT_DIR"; fi
if [ -n "${MLFLOW_TRACKING_URI:-}" ]; then
  set -- "$@" --tracking mlflow --tracking_uri "$MLFLOW_TRACKING_URI" --experiment_name "${MLFLOW_EXPERIMENT_NAME:-monai}"
fi
if [ "$GPUS_TOTAL" -gt 1 ]; then
  # shellcheck disable=SC2086  # TORCHRUN_ARGS is a list of options
  exec torchrun $TORCHRUN_ARGS "$@"
fi
exec python "$@"
"""


def is_monai_bundle(model_id: str | None) -> bool:
    return bool(model_id and model_id.lower().startswith(MONAI_PREFIX))


@dataclass(frozen=True)
class MonaiTraining:
    config_map: dict
    fetch: dict  # the init container copying the dataset
    trainer: dict
    volume: dict  # the script's ConfigMap volume
    note: str


def monai_training(w: Workload, *, bucket: str, torchrun_args: list[str], gpus: int, env: list[dict], metadata,
                   resources: dict, minio_secret: tuple[str, str, str] | None) -> MonaiTraining:
    """The parts a training Job needs to train the plan's MONAI bundle (`torchrun_args`: the Job's torchrun options,
    `gpus`: all the Job's GPUs (pods × GPUs per pod), `env`: tracking, NCCL); manifests.py puts them in the Job it builds for every training run."""
    name = w.name
    bundle = (w.model_id or "")[len(MONAI_PREFIX):]
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata(f"{name}-monai", "training"),
                  "data": {"run.sh": BUNDLE_SCRIPT}}
    trainer = {
        "name": "trainer", "image": MONAI_IMAGE, "command": ["sh", "/config/run.sh"],
        "env": [{"name": "MODE", "value": "train"}, {"name": "BUNDLE", "value": bundle}, {"name": "GPUS_TOTAL", "value": str(gpus)},
                {"name": "TORCHRUN_ARGS", "value": " ".join(torchrun_args)},
                {"name": "DATA_DIR", "value": "/scratch/data"}, {"name": "BUNDLE_DIR", "value": "/scratch/bundles"},
                *env],
        "resources": resources,
        "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}, {"name": "dshm", "mountPath": "/dev/shm"},
                         {"name": "config", "mountPath": "/config", "readOnly": True}],
    }
    note = (f"Training the MONAI bundle {bundle} with monai.bundle run ({gpus} GPU(s)"
            + (", torchrun" if gpus > 1 else "")
            + f"): the dataset is copied from {bucket}/dataset/ to /scratch/data first, in the layout the bundle's "
            "README describes; checkpoints go to the bundle's models/ folder on the scratch volume.")
    return MonaiTraining(config_map, fetch_dataset_container(w, bucket, minio_secret), trainer,
                         {"name": "config", "configMap": {"name": f"{name}-monai"}}, note)


def monai_batch(w: Workload, *, metadata, resources: dict) -> tuple[dict, dict, dict]:
    """The ConfigMap, the container and its bundle volume of a batch-inference pod running the bundle's own
    inference config over its shard: /data/input-<index>/ in, /data/output-<index>/ out (manifests.py's indexed
    Job mounts the data volume at /data)."""
    bundle = (w.model_id or "")[len(MONAI_PREFIX):]
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata(f"{w.name}-monai", "batch"),
                  "data": {"run.sh": BUNDLE_SCRIPT}}
    shard = "$(JOB_COMPLETION_INDEX)"
    container = {
        "name": "batch", "image": MONAI_IMAGE, "command": ["sh", "/config/run.sh"],
        "env": [{"name": "MODE", "value": "inference"}, {"name": "BUNDLE", "value": bundle},
                {"name": "GPUS_TOTAL", "value": "1"}, {"name": "TORCHRUN_ARGS", "value": ""},
                {"name": "DATA_DIR", "value": f"/data/input-{shard}"},
                {"name": "OUTPUT_DIR", "value": f"/data/output-{shard}"}, {"name": "BUNDLE_DIR", "value": "/bundles"}],
        "resources": resources,
        "volumeMounts": [{"name": "bundles", "mountPath": "/bundles"},
                         {"name": "config", "mountPath": "/config", "readOnly": True}],
    }
    volumes = [{"name": "bundles", "emptyDir": {"sizeLimit": "20Gi"}},
               {"name": "config", "configMap": {"name": f"{w.name}-monai"}}]
    return config_map, container, {"volumes": volumes}
