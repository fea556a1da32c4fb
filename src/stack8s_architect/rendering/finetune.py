"""A language-model fine-tuning Job that runs as rendered: Axolotl (an image holding the trainer, PEFT, bitsandbytes and
flash-attention) with a config written from the plan, and the dataset fetched from the plan's object storage first.

- `{name}-axolotl` (ConfigMap): `axolotl.yaml` — the base model, LoRA / QLoRA (4-bit base) / full, the sequence length
  the sizing used, gradient checkpointing on, bf16, one epoch, checkpoints to the scratch volume, MLflow when the
  stack has it; the dataset a chat-format JSONL (`messages` lists) under `/scratch/data`. The set-up the sizing took
  is the set-up that runs: the optimizer said (8-bit AdamW → `adamw_bnb_8bit` …), flash attention unless ruled out,
  and over several GPUs (or with CPU offload) a `deepspeed.json` beside it with the ZeRO stage (3 unless said: the
  sizing shards model states over the GPUs) and the offload — without it every GPU would hold every state and run
  out of the memory the plan rented.
- the Job: an init container copies the dataset from the bucket with rclone — the cloud's own identity on AWS and GCP
  (IRSA / Workload Identity: `env_auth`), the storage account from the `object-storage` Secret on Azure, the MinIO
  release's own credentials elsewhere — then `axolotl train` on the node's GPUs.
"""

from __future__ import annotations

import json
from typing import Any

from stack8s_architect.rendering.workload import Workload
from stack8s_architect.rendering.yamltext import dump

AXOLOTL_IMAGE = "axolotlai/axolotl:0.18.0"
RCLONE_IMAGE = "rclone/rclone:1.68.2"
OBJECT_STORAGE_SECRET = "object-storage"  # Azure: the storage account name (key `account`), created by the user
# The Secret a MinIO release creates (its release name) and its keys, per chart (each chart's templates).
MINIO_SECRET_KEYS = {"bitnami/minio": ("root-user", "root-password"), "minio/minio": ("rootUser", "rootPassword")}


# the sizing's optimizers (sizing/training.py) by their Hugging Face Trainer names, which Axolotl takes
AXOLOTL_OPTIMIZERS = {"adamw": "adamw_torch_fused", "adamw_8bit": "adamw_bnb_8bit", "paged_adamw_8bit": "paged_adamw_8bit",
                      "adafactor": "adafactor", "sgd": "sgd"}
DEEPSPEED_CONFIG = "/config/deepspeed.json"


def deepspeed_config(w: Workload) -> dict[str, Any] | None:
    """DeepSpeed's ZeRO set-up for the run, None when one GPU holds it unsharded and nothing is offloaded."""
    if w.gpus_per_instance <= 1 and not w.cpu_offload:
        return None
    stage = w.zero_stage if w.zero_stage is not None else 3
    if w.cpu_offload:
        stage = max(stage, 2)  # ZeRO-Offload needs the optimizer partitioned
    if stage == 0:
        return None  # plain data parallelism: every GPU holds everything, as sized
    zero: dict[str, Any] = {"stage": stage, "overlap_comm": True, "contiguous_gradients": True}
    if w.cpu_offload:
        zero["offload_optimizer"] = {"device": "cpu", "pin_memory": True}
        if stage == 3:
            zero["offload_param"] = {"device": "cpu", "pin_memory": True}
    if stage == 3:
        zero["stage3_gather_16bit_weights_on_model_save"] = True
    return {"zero_optimization": zero, "bf16": {"enabled": "auto"}, "gradient_accumulation_steps": "auto",
            "gradient_clipping": "auto", "train_batch_size": "auto", "train_micro_batch_size_per_gpu": "auto"}


def axolotl_config(w: Workload, *, sequence_len: int, tracking_uri: str | None) -> dict[str, Any]:
    method = w.fine_tuning_method or "lora"
    config: dict[str, Any] = {
        "base_model": w.model_id,
        "datasets": [{"path": "/scratch/data", "ds_type": "json", "type": "chat_template",
                      "field_messages": "messages"}],
        "dataset_prepared_path": "/scratch/prepared",
        "output_dir": "/scratch/ckpt",
        "sequence_len": sequence_len,
        "sample_packing": True,
        "micro_batch_size": 1,
        "gradient_accumulation_steps": 8,
        "num_epochs": 1,
        "learning_rate": 2e-4 if method != "full" else 1e-5,
        "lr_scheduler": "cosine",
        "warmup_ratio": 0.03,
        "optimizer": AXOLOTL_OPTIMIZERS.get(w.optimizer or "", "paged_adamw_8bit" if method == "qlora"
                                            else "adamw_torch_fused"),
        "bf16": "auto",
        "gradient_checkpointing": True,
        "flash_attention": w.flash_attention,
        "saves_per_epoch": 1,
        "logging_steps": 10,
    }
    if method in {"lora", "qlora"}:
        config.update({"adapter": method, "lora_r": 16, "lora_alpha": 32, "lora_dropout": 0.05,
                       "lora_target_linear": True})
    if method == "qlora":
        config["load_in_4bit"] = True
    if tracking_uri:
        config.update({"use_mlflow": True, "mlflow_tracking_uri": tracking_uri, "mlflow_experiment_name": w.name})
    if deepspeed_config(w) is not None:
        config["deepspeed"] = DEEPSPEED_CONFIG
    if w.fused_loss:  # the loss the sizing took: Liger's fused linear cross-entropy never holds every logit
        config.update({"plugins": ["axolotl.integrations.liger.LigerPlugin"],
                       "liger_fused_linear_cross_entropy": True})
    return config


def _rclone_env(w: Workload, minio_secret: tuple[str, str, str] | None) -> list[dict]:
    provider = w.top.provider if w.top else ""
    prefix = "RCLONE_CONFIG_DATA_"
    if provider == "aws":
        return [{"name": prefix + "TYPE", "value": "s3"}, {"name": prefix + "PROVIDER", "value": "AWS"},
                {"name": prefix + "ENV_AUTH", "value": "true"}, {"name": prefix + "REGION", "value": w.top.region}]
    if provider == "gcp":
        return [{"name": prefix + "TYPE", "value": "google cloud storage"}, {"name": prefix + "ENV_AUTH", "value": "true"}]
    if provider == "azure":
        return [{"name": prefix + "TYPE", "value": "azureblob"}, {"name": prefix + "ENV_AUTH", "value": "true"},
                {"name": prefix + "ACCOUNT", "valueFrom": {"secretKeyRef": {"name": OBJECT_STORAGE_SECRET,
                                                                            "key": "account"}}}]
    env = [{"name": prefix + "TYPE", "value": "s3"}, {"name": prefix + "PROVIDER", "value": "Minio"},
           {"name": prefix + "ENDPOINT", "value": f"http://minio.{w.namespace}.svc.cluster.local:9000"}]
    if minio_secret:  # the MinIO release's own Secret (its chart's user / password keys)
        secret, user, password = minio_secret
        env += [{"name": prefix + "ACCESS_KEY_ID", "valueFrom": {"secretKeyRef": {"name": secret, "key": user}}},
                {"name": prefix + "SECRET_ACCESS_KEY", "valueFrom": {"secretKeyRef": {"name": secret,
                                                                                       "key": password}}}]
    return env


def fetch_dataset_container(w: Workload, bucket: str, minio_secret: tuple[str, str, str] | None) -> dict:
    """An init container copying `<bucket>/dataset/` to /scratch/data on the pod's scratch volume (rclone)."""
    source = "data:" + bucket.split("://", 1)[1] + "/dataset/"
    return {"name": "fetch-dataset", "image": RCLONE_IMAGE, "args": ["copy", source, "/scratch/data"],
            "env": _rclone_env(w, minio_secret), "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}]}


def fine_tuning_objects(w: Workload, *, bucket: str, sequence_len: int, tracking_uri: str | None, labels, metadata,
                        placement: dict, resources: dict, hf_token_env: dict, volumes: list[dict],
                        minio_secret: tuple[str, str, str] | None) -> list[tuple[str, dict, str]]:
    """(label, object, note) of the ConfigMap and the Job; the helpers come from manifests.py."""
    name = w.name
    config = axolotl_config(w, sequence_len=sequence_len, tracking_uri=tracking_uri)
    data = {"axolotl.yaml": dump(config)}
    if (zero := deepspeed_config(w)) is not None:
        data["deepspeed.json"] = json.dumps(zero, indent=2)
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata(f"{name}-axolotl", "training"),
                  "data": data}
    fetch = fetch_dataset_container(w, bucket, minio_secret)
    trainer = {"name": "trainer", "image": AXOLOTL_IMAGE, "command": ["axolotl", "train", "/config/axolotl.yaml"],
               "env": [hf_token_env, {"name": "HF_HOME", "value": "/scratch/hf"}, {"name": "NCCL_DEBUG", "value": "WARN"}],
               "resources": resources,
               "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}, {"name": "dshm", "mountPath": "/dev/shm"},
                                {"name": "config", "mountPath": "/config", "readOnly": True}]}
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": metadata(name, "training"),
           "spec": {"backoffLimit": 2, "ttlSecondsAfterFinished": 7 * 86400,
                    "template": {"metadata": {"labels": labels("training")},
                                 "spec": {**placement, "restartPolicy": "Never", "initContainers": [fetch],
                                          "containers": [trainer],
                                          "volumes": [*volumes, {"name": "config",
                                                                 "configMap": {"name": f"{name}-axolotl"}}]}}}}
    method = {"lora": "LoRA", "qlora": "QLoRA (4-bit base)", "full": "full"}.get(w.fine_tuning_method or "lora")
    note = (f"Fine-tuning {w.model_id} ({method}) with Axolotl: the dataset (chat JSONL, `messages` lists) is copied "
            f"from {bucket}/dataset/ first, checkpoints go to /scratch/ckpt on the scratch volume.")
    return [("configmap-axolotl", config_map, "Axolotl's config, from the plan: " + ", ".join(
                f"{k}={v}" for k, v in config.items()
                if k in {"adapter", "sequence_len", "load_in_4bit", "optimizer", "deepspeed"})),
            ("job", job, note)]
