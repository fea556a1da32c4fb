"""Vision, medical, speech, embedding, GGUF and model-card adapters.

Unit tests build small files in tmp_path that reproduce each quirk of ../shared/data/models/README.md
(and of the files themselves); integration tests read the real mirror and check the README's counts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from stack8s_architect.catalog.models.adapters import cards, embeddings, gguf, medical, speech, vision
from stack8s_architect.catalog.models.records import ModelBatch

# tests/catalog/models/adapters/ → parents[4] is the project; the shared data sits beside it
_SHARED_DATA = Path(__file__).resolve().parents[4].parent / "shared" / "data"
MODELS_MIRROR = Path(os.environ.get("ARCHITECT_DATA_MIRROR") or _SHARED_DATA) / "models"


def write(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def facts_by_id(batch: ModelBatch) -> dict:
    return {fact.raw_id: fact for fact in batch.facts}


def signal(batch: ModelBatch, raw_id: str, metric: str, detail: str | None = None):
    found = [
        s for s in batch.signals if s.raw_id == raw_id and s.metric == metric and (detail is None or s.detail == detail)
    ]
    assert len(found) == 1, found
    return found[0]


# --- vision -------------------------------------------------------------------------------------


def test_timm_results_one_fact_per_model_signals_per_image_size(tmp_path: Path) -> None:
    path = write(tmp_path, "results-imagenet.csv", """
model,img_size,top1,top1_err,top5,top5_err,param_count,crop_pct,interpolation
eva_giant_patch14_560.m30m_ft_in22k_in1k,560,89.790,10.210,98.990,1.010,"1,014.45",1.000,bicubic
convnextv2_large.fcmae_ft_in22k_in1k,288,87.494,12.506,98.360,1.640,197.96,1.000,bicubic
convnextv2_large.fcmae_ft_in22k_in1k,224,87.266,12.734,98.240,1.760,197.96,0.875,bicubic
broken_model,224,n/a,,,,1.0,0.875,bicubic
nan_model,224,nan,,,,1.0,0.875,bicubic
,224,80.0,20.0,95.0,5.0,1.0,0.875,bicubic
""")
    batch = vision.read_timm_results(path)
    facts = facts_by_id(batch)
    assert batch.rows_read == 6 and batch.dropped == {"top1 is not a number": 2, "no model name": 1}
    convnext, giant_id = "timm/convnextv2_large.fcmae_ft_in22k_in1k", "timm/eva_giant_patch14_560.m30m_ft_in22k_in1k"
    assert sorted(facts) == [convnext, giant_id]
    giant = facts[giant_id]
    assert giant.fields == {"task_hint": "image-classification", "library": "timm", "params_total": 1_014_450_000.0}
    assert giant.id_kind == "hf" and giant.exactness == 2 and giant.observed_on == "2025-10-30"
    # the same model at two image sizes: two signals, told apart by detail
    assert signal(batch, convnext, "imagenet_top1", "ImageNet-1k val, 288px").value == 87.494
    assert signal(batch, convnext, "imagenet_top5", "ImageNet-1k val, 224px").value == 98.24


def test_timm_benchmark_signals_name_architectures(tmp_path: Path) -> None:
    path = write(tmp_path, "benchmark-infer-amp-nchw-pt291-cu130-5090.csv", """
model,infer_img_size,infer_samples_per_sec,infer_step_time,infer_batch_size,param_count,infer_gmacs,infer_macts
convnextv2_large,224,841.63,608.313,512,197.96,34.4,43.13
convnextv2_large,288,508.65,754.917,384,197.96,56.87,71.29
bad,224,,1,1,1,1,1
""")
    batch = vision.read_timm_benchmark(path)
    assert batch.rows_read == 3 and batch.dropped == {"infer_samples_per_sec is not a number": 1}
    fast = signal(batch, "convnextv2_large", "infer_samples_per_sec", "amp-nchw-pt291-cu130-5090, 224px, batch 512")
    assert fast.id_kind == "timm" and fast.value == 841.63 and fast.higher_is_better
    assert batch.facts == []  # architectures without a pretrained tag are not HF ids


def roboflow_result(model: str, licence: str, params: int, map50_95: float) -> str:
    return json.dumps({
        "metadata": {
            "model": model, "license": licence, "param_count": params, "run_date": "2025-06-26T14:10:18+00:00",
        },
        "map50_95": map50_95, "map50": 0.7, "map75": 0.55,
    })


def test_roboflow_folder_family_licence_and_map(tmp_path: Path) -> None:
    folder = tmp_path / "models" / "object_detection"
    write(folder, "yolov8/results_yolov8x.json", roboflow_result("yolov8x", "APGL-3.0", 68_200_608, 0.5289))
    write(folder, "rt-detr/results_RT-DETRv2-M.json", roboflow_result("RT-DETRv2-M*", "Apache-2.0", 33_212_676, 0.4991))
    write(folder, "yolov9/results_broken.json", "{not json")
    write(folder, "yolov9/results_nameless.json", json.dumps({"metadata": {"license": "GPL-3.0"}, "map50_95": 0.4}))
    batch = vision.read_roboflow_results(folder)
    assert batch.rows_read == 4 and batch.dropped == {"unreadable JSON": 1, "no model name": 1}
    yolo = facts_by_id(batch)["yolov8x"]
    # licence exactly as spelt upstream (the AGPL typo is normalised later)
    assert yolo.fields == {
        "task_hint": "object-detection", "family": "yolov8", "license_raw": "APGL-3.0", "params_total": 68_200_608.0,
    }
    assert yolo.id_kind == "roboflow" and yolo.observed_on == "2025-06-26"
    assert signal(batch, "RT-DETRv2-M*", "coco_map50_95").value == 0.4991
    assert signal(batch, "yolov8x", "coco_map50").value == 0.7


# --- medical ------------------------------------------------------------------------------------

APACHE = "                                 Apache License\n                           Version 2.0, January 2004\n"
SPLIT_LICENCE = (
    "Code License\n\nThis license applies to all files except the model weights in the directory.\n\n" + APACHE
    + "   limitations under the License.\n\n------\n\nModel Weights License\n\n"
    "This license applies to model weights in the directory.\n\nNVIDIA License\n\n1. Definitions\n"
)


def monai_metadata(task: str, modality: str = "CT") -> str:
    return json.dumps({
        "name": "Lung nodule CT detection", "task": task, "description": "A pre-trained model for 3D detection.",
        "authors": "MONAI team", "intended_use": "This is an example, not to be used for diagnostic purposes",
        "network_data_format": {"inputs": {"image": {"modality": modality}}},
    })


def test_monai_bundles_fact_card_licences_and_data_caveat(tmp_path: Path) -> None:
    models = tmp_path / "models"
    write(models, "lung_nodule_ct_detection/configs/metadata.json", monai_metadata("CT lung nodule detection"))
    write(models, "lung_nodule_ct_detection/LICENSE", APACHE)
    write(models, "lung_nodule_ct_detection/docs/data_license.txt", "The data is under a CC BY-NC-SA licence.\n")
    write(models, "lung_nodule_ct_detection/docs/README.md", "# Model Overview\nA RetinaNet detector.\n")
    write(models, "vista3d/configs/metadata.json", monai_metadata("Decathlon Spleen segmentation", "none"))
    write(models, "vista3d/LICENSE", SPLIT_LICENCE)
    write(models, "no_metadata/docs/README.md", "# nothing else\n")
    write(models, "broken/configs/metadata.json", "{")
    batch = medical.read_monai_bundles(models)
    assert batch.rows_read == 4
    assert batch.dropped == {
        "no configs/metadata.json": 1, "unreadable configs/metadata.json": 1, "no docs/README.md (fact kept)": 1,
    }
    lung, vista = facts_by_id(batch)["monai/lung_nodule_ct_detection"], facts_by_id(batch)["monai/vista3d"]
    assert lung.id_kind == "monai" and lung.exactness == 3 and lung.observed_on == "2024-10-11"
    assert (lung.fields["task_hint"], lung.fields["modalities"], lung.fields["library"]) == ("detection", ["CT"], "monai")
    assert lung.fields["license_raw"] == "Apache License, Version 2.0"
    assert lung.fields["tags"] == ["medical-imaging", "data-license:non-commercial"]
    assert lung.fields["description"].endswith("Intended use: This is an example, not to be used for diagnostic purposes")
    # MAISI / VISTA: the weights licence governs the model; the code licence is a tag
    assert vista.fields["license_raw"] == "NVIDIA License"
    assert "code-license:Apache License, Version 2.0" in vista.fields["tags"]
    assert "modalities" not in vista.fields  # "none" is not a modality
    assert [card.raw_id for card in batch.cards] == ["monai/lung_nodule_ct_detection"]


@pytest.mark.parametrize(
    ("task", "name", "expected"),
    [
        ("CT lung nodule detection", "", "detection"),  # lung_nodule_ct_detection
        ("Nuclear segmentation and classification", "", "segmentation"),  # segmentation wins over classification
        ("Pathology Nuclick annotation", "", "segmentation"),  # interactive annotation segments
        # "generated" is not a generative task
        ("Segmentation of randomly generated spheres in 3D images", "", "segmentation"),
        ("BraTS MRI image synthesis", "", "generation"),  # latent diffusion bundles
        ("Generate random hand images from the MedNIST dataset", "MedNIST GAN", "generation"),
        ("Breast Density Classification", "", "classification"),
        ("Spatial transformer for hand image registration", "", "registration"),  # mednist_reg
        ("Identify valve insertion points", "Valve landmarks regression", "keypoint-detection"),  # valve_landmarks
        ("cell image", "VISTA-Cell", None),  # nothing to go on
    ],
)
def test_monai_task_words(task: str, name: str, expected: str | None) -> None:
    assert medical.task_word(task, name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You are free to use the BraTS datasets in your own\nresearch, provided", "data-license:research"),
        ("Attribution-NonCommercial-ShareAlike 4.0 International", "data-license:non-commercial"),
        ("i. Medical Segmentation Decathlon\n   http://medicaldecathlon.com/", "data-license:third-party"),
        # a research URL is not a research-only clause
        ("made available by Dr. X (https://www.mayo.edu/research/labs) under CC BY-SA 4.0", "data-license:third-party"),
        (None, None),  # no data_license.txt
    ],
)
def test_monai_data_licence_tags(text: str | None, expected: str | None) -> None:
    assert medical.data_licence_tag(text) == expected


# --- speech -------------------------------------------------------------------------------------


def test_asr_shortform_open_api_only_and_malformed_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "en_shortform.csv", """
model,Avg. WER,RTFx,Model size (B),License,AMI WER
openai/whisper-large-v3,7.44,145.5096549,2,Open,15.95
zoom/scribe_v1,5.47,-1,-1,Proprietary,10.03
google/chirp,16.2,-1,2,Proprietary,20.1
facebook/wav2vec2-large-960h,13.5,516.58,-1,Open,30.1
broken/model,abc,100,1,Open,1
,5,5,5,Open,5""")
    batch = speech.read_asr_leaderboard(path)
    assert batch.rows_read == 6 and batch.dropped == {"average WER is not a number": 1, "no model name": 1}
    assert sorted(facts_by_id(batch)) == ["facebook/wav2vec2-large-960h", "openai/whisper-large-v3"]
    whisper = facts_by_id(batch)["openai/whisper-large-v3"]
    assert whisper.fields == {"task_hint": "asr", "params_total": 2e9, "tags": ["open-weights"]}
    assert "params_total" not in facts_by_id(batch)["facebook/wav2vec2-large-960h"].fields  # size -1
    wer = signal(batch, "openai/whisper-large-v3", "wer")
    assert (wer.value, wer.higher_is_better, wer.detail, wer.task) == (7.44, False, "en_shortform", "asr")
    # API systems: WER kept under a display name, no fact, no RTFx of -1
    zoom = signal(batch, "zoom/scribe_v1", "wer")
    assert zoom.id_kind == "display" and zoom.value == 5.47
    assert signal(batch, "google/chirp", "wer").id_kind == "display"  # size 2 but Proprietary and no RTFx
    assert not [s for s in batch.signals if s.metric == "rtfx" and s.raw_id == "zoom/scribe_v1"]


def test_asr_longform_and_multilingual_column_names(tmp_path: Path) -> None:
    longform = write(tmp_path, "en_longform.csv", """
model_id,Average,RTFx,Model size (B),earnings21
elevenlabs/scribe_v1,5.896666667,-1,,6.35
openai/whisper-large-v3,11.2275,68.56,2,9.71
""")
    multilingual = write(tmp_path, "multilingual.csv", """
model,Model size (B),RTFx,de_covost,Avg
nvidia/canary-1b-v2,1,749.0,4.2,5.1
""")
    long_batch, multi_batch = speech.read_asr_leaderboard(longform), speech.read_asr_leaderboard(multilingual)
    assert signal(long_batch, "elevenlabs/scribe_v1", "wer", "en_longform").id_kind == "display"
    assert signal(long_batch, "openai/whisper-large-v3", "rtfx", "en_longform").value == 68.56
    assert signal(multi_batch, "nvidia/canary-1b-v2", "wer", "multilingual").value == 5.1
    assert facts_by_id(multi_batch)["nvidia/canary-1b-v2"].fields["params_total"] == 1e9


# --- embeddings ---------------------------------------------------------------------------------


def test_trending_embeddings_columns_orient_frame(tmp_path: Path) -> None:
    frame = {
        "id": {"0": "nomic-ai/nomic-embed-text-v1.5", "1": "Xenova/all-MiniLM-L6-v2", "2": None},
        "author": {"0": "nomic-ai", "1": "Xenova", "2": "x"},
        "downloads": {"0": 15746851, "1": 3408301, "2": 1},
        "likes": {"0": 814, "1": 116, "2": 0},
        "lastModified": {"0": "2026-04-07T14:17:02.000Z", "1": "2025-07-22T10:00:00.000Z", "2": None},
        "pipeline_tag": {"0": "sentence-similarity", "1": "feature-extraction", "2": None},
        "numParameters": {"0": 136731648.0, "1": None, "2": None},
        "gated": {"0": False, "1": "manual", "2": False},
        "sizes": {
            "0": "547MBxet | 111MBxet | 137MBxet | 137MBxet",
            "1": "90.4MBxet | 702kBxet | 1.34GBxet | junk",
            "2": "",
        },
        "mined_date": {"0": "07-05-2026", "1": "07-05-2026", "2": "07-05-2026"},
    }
    batch = embeddings.read_trending_embeddings(write(tmp_path, "transformersjs.json", json.dumps(frame)))
    assert batch.rows_read == 3 and batch.dropped == {"no model id": 1}
    nomic, minilm = facts_by_id(batch)["nomic-ai/nomic-embed-text-v1.5"], facts_by_id(batch)["Xenova/all-MiniLM-L6-v2"]
    assert nomic.fields["params_total"] == 136_731_648.0 and nomic.fields["pipeline_tag"] == "sentence-similarity"
    assert (nomic.fields["downloads"], nomic.fields["modified_at"], nomic.fields["gated"]) == (15_746_851, "2026-04-07", False)
    assert nomic.observed_on == "2026-05-07"  # DD-MM-YYYY
    assert "params_total" not in minilm.fields and minilm.fields["gated"] is True
    sizes = {v.raw_id: v.size_bytes for v in batch.variants if v.base_raw_id == "nomic-ai/nomic-embed-text-v1.5"}
    # binary units (111MB = 116,391,936 bytes, the file's own min_size); the repeated 137MB once
    assert sizes == {
        "nomic-ai/nomic-embed-text-v1.5#onnx-547MB": 573_571_072,
        "nomic-ai/nomic-embed-text-v1.5#onnx-111MB": 116_391_936,
        "nomic-ai/nomic-embed-text-v1.5#onnx-137MB": 143_654_912,
    }
    minilm_sizes = {v.size_bytes for v in batch.variants if v.base_raw_id == "Xenova/all-MiniLM-L6-v2"}
    assert minilm_sizes == {94_791_270, 718_848, 1_438_814_044}  # "junk" skipped
    assert {v.format for v in batch.variants} == {"onnx"}


# --- GGUF catalogs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Qwen3.5-9B-Q4_K_M.gguf", "Q4_K_M"),
        ("gemma-4-26B-A4B-it-UD-IQ2_XXS.gguf", "IQ2_XXS"),  # unsloth dynamic: hf-hw says IQ2_XXS too
        ("Qwen3.6-35B-A3B-MXFP4_MOE.gguf", "MXFP4_MOE"),
        ("Qwen3-Coder-30B-A3B-Instruct-UD-TQ1_0.gguf", "TQ1_0"),
        ("II-Search-4B-GGUF.BF16.gguf", "BF16"),
        ("300m-qat-q4_0", "Q4_0"),  # Ollama tag, lower case
        ("0.8b-mlx-bf16", "BF16"),  # Ollama MLX tag
        ("Jan-v3.5-4B.gguf", None),  # no quantization in the name
        ("gemma-4-26B-A4B-APEX-I-Balanced.gguf", None),
    ],
)
def test_quantization_from_name(name: str, expected: str | None) -> None:
    assert gguf.quantization_from_name(name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2.2 GB", round(2.2 * 1024**3)), ("663.5 MB", round(663.5 * 1024**2)), ("12 B", 12), ("", None), ("big", None)],
)
def test_jan_sizes_are_binary_units(text: str, expected: int | None) -> None:
    assert gguf.parse_size_bytes(text) == expected


def jan_file(repo: str, path: str, size: str) -> dict[str, str]:
    return {"model_id": path, "path": f"https://huggingface.co/{repo}/resolve/main/{path}", "file_size": size}


QWEN_GGUF = "bartowski/Qwen3-32B-GGUF"
MLX_REPO = "mlx-community/Jan-v3-4B-base-instruct-4bit"
JAN_ROWS = [
    {
        "model_name": "Qwen3-32B-GGUF", "developer": "bartowski", "downloads": 1200,
        "createdAt": "2025-05-01T08:00:00.000Z", "library_name": "gguf", "tools": True, "description": "Qwen3 32B in GGUF.",
        "quants": [
            jan_file(QWEN_GGUF, "Qwen3-32B-Q4_K_M.gguf", "18.4 GB"),
            jan_file(QWEN_GGUF, "Q8_0/Qwen3-32B-Q8_0-00001-of-00002.gguf", "20.0 GB"),
            jan_file(QWEN_GGUF, "Q8_0/Qwen3-32B-Q8_0-00002-of-00002.gguf", "12.5 GB"),
            jan_file(QWEN_GGUF, " Qwen3-32B.F16.gguf", "61.0 GB"),  # Jan v1: a space after resolve/main/
            jan_file(QWEN_GGUF, "mmproj-Qwen3-32B-f16.gguf", "1.1 GB"),  # a projector listed as a quant
            jan_file("someone-else/Other-GGUF", "x-Q4_0.gguf", "1 GB"),  # a file of another repo
        ],
        "mmproj_models": [jan_file(QWEN_GGUF, "mmproj.gguf", "1.1 GB")],
    },
    {
        "model_name": "Jan-v3-4B-base-instruct-4bit", "developer": "mlx-community", "downloads": 482,
        "createdAt": "2026-01-27T07:35:32.000Z", "library_name": "mlx", "tools": False, "description": "4-bit MLX.",
        "safetensors_files": [jan_file(MLX_REPO, "model.safetensors", "2.1 GB")],
        "config": f"https://huggingface.co/{MLX_REPO}/resolve/main/config.json",
    },
    {"model_name": "nameless-dev"},
]


def test_jan_catalog_repos_files_splits_and_mlx(tmp_path: Path) -> None:
    batch = gguf.read_jan_catalog_v2(write(tmp_path, "model_catalog_v2.json", json.dumps(JAN_ROWS)))
    assert batch.rows_read == 3
    assert batch.dropped == {
        "no developer / model_name": 1, "mmproj / imatrix file (not a variant)": 1, "file without a path in its repo": 1,
    }
    repo = facts_by_id(batch)["bartowski/Qwen3-32B-GGUF"]
    assert repo.fields == {
        "library": "gguf", "organization": "bartowski", "downloads": 1200, "created_at": "2025-05-01",
        "description": "Qwen3 32B in GGUF.", "tags": ["tools"],
    }
    assert repo.observed_on == "2026-05-05" and repo.exactness == 1
    variants = {v.raw_id: v for v in batch.variants}
    assert variants["bartowski/Qwen3-32B-GGUF"].base_raw_id is None  # Jan gives no base model
    split = variants["bartowski/Qwen3-32B-GGUF/Q8_0/Qwen3-32B-Q8_0.gguf"]  # two parts, one variant
    assert split.size_bytes == round(20.0 * 1024**3) + round(12.5 * 1024**3) and split.quantization == "Q8_0"
    assert split.base_raw_id == "bartowski/Qwen3-32B-GGUF"
    assert variants["bartowski/Qwen3-32B-GGUF/Qwen3-32B.F16.gguf"].quantization == "F16"  # leading space in the URL
    mlx = variants["mlx-community/Jan-v3-4B-base-instruct-4bit/model.safetensors"]
    assert mlx.format == "mlx" and facts_by_id(batch)[MLX_REPO].fields["library"] == "mlx"


def test_hf_hw_links_repo_to_base_model(tmp_path: Path) -> None:
    rows = [
        {
            "id": "LiquidAI/LFM2.5-2.6B-GGUF", "base_model": "LiquidAI/LFM2.5-2.6B", "author": "LiquidAI",
            "createdAt": "2026-01-02T00:00:00.000Z", "lastModified": "2026-02-03T00:00:00.000Z",
            "downloads": 5000, "likes": 40, "pipeline_tag": "", "tags": ["gguf"], "max_ctx": 131072,
            "vocab_size": 128000, "params_b": 2.6, "params_active_b": None,
            "modalities": ["text"], "arch": {"n_layers": 30, "n_kv_heads": 8, "head_dim": 64},
            "quants": [{"filename": "LFM2.5-2.6B-UD-Q4_K_XL.gguf", "quant": "Q4_K_XL", "size_bytes": 1_600_000_000}],
        },
        {
            "id": "ornith-ai/Ornith-1.5-35B-A3B-GGUF", "base_model": None, "params_b": 35.0, "params_active_b": 3.0,
            "arch": {"n_layers": None, "n_kv_heads": None, "head_dim": None}, "quants": [],
        },
        {"base_model": "x/y"},
    ]
    batch = gguf.read_hf_hw_models(write(tmp_path, "models.json", json.dumps(rows)))
    assert batch.rows_read == 3 and batch.dropped == {"no repo id": 1}
    variants = {v.raw_id: v for v in batch.variants}
    assert variants["LiquidAI/LFM2.5-2.6B-GGUF"].base_raw_id == "LiquidAI/LFM2.5-2.6B"
    assert variants["ornith-ai/Ornith-1.5-35B-A3B-GGUF"].base_raw_id is None
    quant = variants["LiquidAI/LFM2.5-2.6B-GGUF/LFM2.5-2.6B-UD-Q4_K_XL.gguf"]
    assert (quant.quantization, quant.size_bytes, quant.format) == ("Q4_K_XL", 1_600_000_000, "gguf")
    lfm = facts_by_id(batch)["LiquidAI/LFM2.5-2.6B-GGUF"].fields
    assert lfm["params_total"] == 2.6e9 and lfm["context_length"] == 131072 and "pipeline_tag" not in lfm
    assert lfm["architecture_config"] == {
        "num_hidden_layers": 30, "num_key_value_heads": 8, "head_dim": 64, "vocab_size": 128000,
    }
    ornith = facts_by_id(batch)["ornith-ai/Ornith-1.5-35B-A3B-GGUF"].fields
    assert ornith["params_active"] == 3e9 and ornith["is_moe"] is True and "architecture_config" not in ornith


def ollama_tag(name: str, context: int, size: int, input_types: list[str] | None = None) -> dict:
    return {"name": name, "input_types": input_types or ["Text"], "context_window_num": context, "size_num": size}


def test_ollama_families_and_tags(tmp_path: Path) -> None:
    models = {
        "llama3.1": {"description": "Llama 3.1 is a new state-of-the-art model from Meta.", "capabilities": ["tools"],
                     "parameters": ["8b", "70b"], "pull": 117100000, "update_date": "2025-07-15"},
        "broken": "not an object",
    }
    padded = "qwen3.5:0.8b-mlx-bf16" + " " * 80 + "MLX"
    tags = {
        "llama3.1": {
            "a": ollama_tag("llama3.1:latest", 128000, 4_900_000_000),
            "b": ollama_tag("llama3.1:8b-instruct-q4_K_M", 128000, 4_900_000_000),
            "c": ollama_tag("llama3.1:405b-cloud", 128000, 0),
        },
        "qwen3.5": {"d": ollama_tag(padded, 256000, 1_800_000_000, ["Text", "Image"])},
    }
    models_path, tags_path = write(tmp_path, "models.json", json.dumps(models)), write(tmp_path, "tags.json", json.dumps(tags))
    batch = gguf.read_ollama_gallery(models_path, tags_path)
    assert batch.rows_read == 6
    assert batch.dropped == {"family without details": 1, "cloud-only tag (no local weights)": 1}
    llama = facts_by_id(batch)["llama3.1"]
    assert (llama.id_kind, llama.fields["downloads"], llama.fields["modalities"]) == ("ollama", 117_100_000, ["text"])
    assert llama.fields["tags"] == ["tools", "params:8b", "params:70b"] and llama.fields["modified_at"] == "2025-07-15"
    variants = {v.raw_id: v for v in batch.variants}
    tag = variants["llama3.1:8b-instruct-q4_K_M"]
    assert (tag.base_raw_id, tag.format, tag.quantization) == ("llama3.1", "ollama", "Q4_K_M")
    assert (tag.size_bytes, tag.context_length) == (4_900_000_000, 128000)
    assert variants["llama3.1:latest"].quantization is None
    mlx = variants["qwen3.5:0.8b-mlx-bf16"]  # padded " … MLX" suffix removed from the name
    # qwen3.5 has tags but no models.json entry
    assert (mlx.format, mlx.quantization, mlx.base_raw_id) == ("mlx", "BF16", "qwen3.5")


LOCALAI_INDEX = """
---
- &hy-mt2
  name: "hy-mt2-1.8b-q4"
  urls:
    - https://huggingface.co/tencent/Hy-MT2-1.8B
    - https://huggingface.co/tencent/Hy-MT2-1.8B-GGUF
  description: |
    # Hy-MT2-1.8B

    Hy-MT2-1.8B is Tencent's compact multilingual translation model. It follows translation
    instructions across 33 languages and supports tasks such as terminology control, style
    transfer, and structure-preserving translation. This default entry uses the Q4_K_M GGUF.
  license: "apache-2.0"
  tags: [llm, gguf, translation]
  files:
    - filename: llama-cpp/models/Hy-MT2-1.8B-Q4_K_M.gguf
      uri: huggingface://tencent/Hy-MT2-1.8B-GGUF/Hy-MT2-1.8B-Q4_K_M.gguf
- !!merge <<: *hy-mt2
  name: "hy-mt2-1.8b-q8"
  files:
    - filename: llama-cpp/models/Hy-MT2-1.8B-Q8_0.gguf
      uri: huggingface://tencent/Hy-MT2-1.8B-GGUF/Hy-MT2-1.8B-Q8_0.gguf
- name: "openbuddy-qwen3-32b"
  urls: [https://huggingface.co/datasets/some/data]
  description: Short one.
  license: other
  Base Model: Qwen/Qwen3-32B
  files:
    - uri: https://huggingface.co/bartowski/Qwen3-32B-GGUF/resolve/main/Q8_0/Qwen3-32B-Q8_0-00001-of-00002.gguf
    - uri: https://huggingface.co/bartowski/Qwen3-32B-GGUF/resolve/main/Q8_0/Qwen3-32B-Q8_0-00002-of-00002.gguf
    - uri: https://huggingface.co/bartowski/Qwen3-32B-GGUF/resolve/main/mmproj-Qwen3-32B-f16.gguf
    - uri: https://huggingface.co/bartowski/Qwen3-32B-GGUF/resolve/main/config.json
- name: "piper-voice"
  urls: [https://github.com/rhasspy/piper]
  files:
    - uri: https://github.com/rhasspy/piper/releases/download/voice.onnx
- just a string
"""


def test_localai_anchors_merges_and_hf_ids(tmp_path: Path) -> None:
    path = write(tmp_path, "index.yaml", LOCALAI_INDEX)
    entries = gguf.load_localai_index(path)
    assert entries[1]["license"] == "apache-2.0" and len(entries[1]["urls"]) == 2  # merged from the anchor
    batch = gguf.read_localai_gallery(path)
    assert batch.rows_read == 5
    assert batch.dropped == {
        "no Hugging Face repo in urls or files": 1, "entry without a name": 1,
        "mmproj / imatrix file (not a variant)": 1, "non-GGUF file (not a variant)": 1,
    }
    facts = facts_by_id(batch)
    assert sorted(facts) == ["bartowski/Qwen3-32B-GGUF", "tencent/Hy-MT2-1.8B", "tencent/Hy-MT2-1.8B-GGUF"]
    hy = facts["tencent/Hy-MT2-1.8B"]
    assert hy.fields["license_raw"] == "apache-2.0" and hy.fields["tags"] == ["llm", "gguf", "translation"]
    assert hy.fields["description"].startswith("Hy-MT2-1.8B is Tencent's compact") and hy.exactness == 2
    assert [card.raw_id for card in batch.cards] == ["tencent/Hy-MT2-1.8B"]  # once, though two entries share it
    variants = {v.raw_id: v for v in batch.variants}
    assert variants["tencent/Hy-MT2-1.8B-GGUF"].base_raw_id is None  # no explicit base model
    # the merged entry's own file
    assert variants["tencent/Hy-MT2-1.8B-GGUF/Hy-MT2-1.8B-Q8_0.gguf"].quantization == "Q8_0"
    assert variants["bartowski/Qwen3-32B-GGUF"].base_raw_id == "Qwen/Qwen3-32B"  # `Base Model` given
    assert variants["bartowski/Qwen3-32B-GGUF/Q8_0/Qwen3-32B-Q8_0.gguf"].base_raw_id == "bartowski/Qwen3-32B-GGUF"
    assert len([v for v in batch.variants if v.raw_id.startswith("tencent/Hy-MT2-1.8B-GGUF/")]) == 2


@pytest.mark.parametrize(
    ("read", "text"),
    [
        (gguf.read_hf_hw_models, '{"models": []}'),  # an object where the list of repos should be
        (gguf.read_jan_catalog_v1, "3"),
        (gguf.read_localai_gallery, "name: not-a-list"),
    ],
)
def test_a_file_of_the_wrong_shape_fails_loudly(tmp_path: Path, read, text: str) -> None:
    # a whole file that is not this source is an ingest failure, not 0 rows read
    with pytest.raises(ValueError, match="expected a"):
        read(write(tmp_path, "file", text))


# --- model cards ----------------------------------------------------------------------------------


def test_asgaardlab_cards(tmp_path: Path) -> None:
    folder = tmp_path / "verified_model_cards"
    card_text = "# Whisper\n\n" + "Whisper is a model for ASR. " * 10
    write(folder, "openai@whisper-large-v3/2_original_model_card.md", card_text)
    write(folder, "openai@whisper-large-v3/5_reorganized_model_card.md", "# rewritten\n")
    write(folder, "no-at-sign/2_original_model_card.md", "# x\n" * 50)
    (folder / "google@gemma-7b").mkdir()
    batch = cards.read_asgaardlab_cards(folder)
    assert batch.rows_read == 3
    assert batch.dropped == {"folder name is not <org>@<name>": 1, "no 2_original_model_card.md": 1}
    (card,) = batch.cards
    assert card.raw_id == "openai/whisper-large-v3" and card.id_kind == "hf" and card.text.startswith("# Whisper")


def test_hn5318_cards_and_facts(tmp_path: Path) -> None:
    data = {
        "1": {"modelId": "openai/whisper-small-finetuned", "downloads": 2.0, "likes": 0.0,
              "tags": ["license:apache-2.0", "base_model:openai/whisper-small", "automatic-speech-recognition"],
              "modelcard_text": "# Whisper small fine-tuned\n\n" + "It transcribes Hindi speech. " * 8},
        "2": {"modelId": "x/stub", "downloads": 1.0, "likes": 1.0, "tags": [], "modelcard_text": "---\nLisans: x"},
        "3": {"downloads": 5.0},
    }
    batch = cards.read_hn5318_cards(write(tmp_path, "samples_data.json", json.dumps(data)))
    assert batch.rows_read == 3 and batch.dropped == {"no modelId": 1, "card text too short (fact kept)": 1}
    whisper = facts_by_id(batch)["openai/whisper-small-finetuned"].fields
    assert whisper["downloads"] == 2 and whisper["likes"] == 0 and whisper["license_raw"] == "apache-2.0"
    assert whisper["base_model"] == "openai/whisper-small" and "automatic-speech-recognition" in whisper["tags"]
    assert [card.raw_id for card in batch.cards] == ["openai/whisper-small-finetuned"]
    assert sorted(facts_by_id(batch)) == ["openai/whisper-small-finetuned", "x/stub"]


# --- the real mirror ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mirror() -> Path:
    if not (MODELS_MIRROR / "README.md").is_file():
        pytest.skip(f"{MODELS_MIRROR} is absent (set ARCHITECT_DATA_MIRROR): no real model sources to test against")
    return MODELS_MIRROR


@pytest.mark.integration
@pytest.mark.parametrize("module", [vision, medical, speech, embeddings, gguf, cards])
def test_registered_files_exist_in_the_mirror(mirror: Path, module) -> None:
    for entry in module.FILES:
        assert set(entry) == {"repository", "commit", "upstream_path", "mirror_path"}
        assert len(entry["commit"]) == 40 and (mirror / entry["mirror_path"]).exists(), entry


@pytest.mark.integration
def test_real_timm_results(mirror: Path) -> None:
    results = mirror / "huggingface+pytorch-image-models" / "results"
    batch = vision.read_timm_results(results / "results-imagenet.csv")
    # README: 1,556 rows; 290 models appear at a second image size, so 1,266 distinct models
    assert batch.rows_read == 1556 and not batch.dropped and len(batch.facts) == 1266
    assert signal(batch, "timm/eva02_large_patch14_448.mim_m38m_ft_in22k_in1k", "imagenet_top1").value == 90.056
    assert facts_by_id(batch)["timm/eva_giant_patch14_560.m30m_ft_in22k_in1k"].fields["params_total"] == 1_014_450_000.0
    for name in vision.TIMM_BENCHMARK_FILES:
        bench = vision.read_timm_benchmark(results / name)
        assert bench.rows_read > 1400 and not bench.dropped and len(bench.signals) == bench.rows_read, name


@pytest.mark.integration
def test_real_roboflow_results(mirror: Path) -> None:
    batch = vision.read_roboflow_results(mirror / "roboflow+model-leaderboard" / "models" / "object_detection")
    assert batch.rows_read == 70 and not batch.dropped and len(batch.facts) == 70
    rf_detr = facts_by_id(batch)["RF-DETR-B"]
    assert (rf_detr.fields["license_raw"], rf_detr.fields["family"]) == ("Apache-2.0", "rf-detr")
    assert rf_detr.fields["params_total"] == 32_174_530
    assert round(signal(batch, "RF-DETR-B", "coco_map50_95").value, 4) == 0.5329


@pytest.mark.integration
def test_real_monai_bundles(mirror: Path) -> None:
    batch = medical.read_monai_bundles(mirror / "Project-MONAI+model-zoo" / "models")
    assert batch.rows_read == 31 and not batch.dropped and len(batch.facts) == 31 and len(batch.cards) == 31
    facts = facts_by_id(batch)
    assert facts["monai/lung_nodule_ct_detection"].fields["task_hint"] == "detection"
    assert facts["monai/lung_nodule_ct_detection"].fields["modalities"] == ["CT"]
    assert facts["monai/spleen_ct_segmentation"].fields["task_hint"] == "segmentation"
    assert facts["monai/brats_mri_generative_diffusion"].fields["task_hint"] == "generation"
    assert facts["monai/multi_organ_segmentation"].fields["license_raw"].startswith("Private Use, Non-Commercial")
    assert facts["monai/maisi_ct_generative"].fields["license_raw"] == "NVIDIA License"
    assert "data-license:non-commercial" in facts["monai/vista2d"].fields["tags"]
    tasks = {fact.fields.get("task_hint") for fact in batch.facts}
    assert tasks >= {"segmentation", "detection", "classification", "generation"}


@pytest.mark.integration
def test_real_asr_leaderboard(mirror: Path) -> None:
    data = mirror / "huggingface+open_asr_leaderboard" / "scripts" / "data"
    short = speech.read_asr_leaderboard(data / "en_shortform.csv")
    # README says 86: `wc -l` minus the header, but the last line has no newline, so 87 rows
    assert short.rows_read == 87 and not short.dropped
    assert len(short.facts) == 76 and len({s.raw_id for s in short.signals if s.id_kind == "display"}) == 11
    assert signal(short, "openai/whisper-large-v3", "wer").value == 7.44
    assert signal(short, "nvidia/parakeet-tdt-0.6b-v2", "wer").value == 6.05
    assert signal(short, "elevenlabs/scribe_v2", "wer").id_kind == "display"
    longform = speech.read_asr_leaderboard(data / "en_longform.csv")
    multilingual = speech.read_asr_leaderboard(data / "multilingual.csv")
    assert (longform.rows_read, multilingual.rows_read) == (32, 30)  # README: 31 and 29, the same off-by-one
    assert not longform.dropped and not multilingual.dropped
    assert signal(longform, "openai/whisper-large-v3", "wer").value == 11.2275


@pytest.mark.integration
def test_real_trending_embeddings(mirror: Path) -> None:
    batch = embeddings.read_trending_embeddings(mirror / embeddings.FILES[0]["mirror_path"])
    assert batch.rows_read == 99 and not batch.dropped and len(batch.facts) == 99
    assert facts_by_id(batch)["Xenova/all-MiniLM-L6-v2"].fields["pipeline_tag"] == "feature-extraction"
    assert len(batch.variants) > 400 and all(v.size_bytes for v in batch.variants)


@pytest.mark.integration
def test_real_gguf_catalogs(mirror: Path) -> None:
    jan_v2 = gguf.read_jan_catalog_v2(mirror / "janhq+model-catalog" / "model_catalog_v2.json")
    jan_v1 = gguf.read_jan_catalog_v1(mirror / "janhq+model-catalog" / "model_catalog.json")
    assert (len(jan_v2.facts), len(jan_v1.facts)) == (308, 1251)
    assert set(jan_v1.dropped) <= {"mmproj / imatrix file (not a variant)"}
    hw = gguf.read_hf_hw_models(mirror / "nycdubliner+hf-hw" / "data" / "models.json")
    assert len(hw.facts) == 95 and not set(hw.dropped) - {"mmproj / imatrix file (not a variant)"}
    linked = {v.raw_id: v.base_raw_id for v in hw.variants if v.raw_id.count("/") == 1}
    assert linked["unsloth/Qwen3.8-27B-GGUF"] == "Qwen/Qwen3.8-27B"
    # 895 quant files: 22 projectors dropped, one F16 split in two parts joined
    assert len(hw.variants) - 95 == 895 - 22 - 1


@pytest.mark.integration
def test_real_ollama_gallery(mirror: Path) -> None:
    data = mirror / "D3rhami+ollama_gallery" / "data"
    batch = gguf.read_ollama_gallery(data / "models.json", data / "tags.json")
    assert len(batch.facts) == 236 and batch.rows_read == 236 + 6321
    assert len(batch.variants) + batch.dropped["cloud-only tag (no local weights)"] == 6321
    assert facts_by_id(batch)["llama3.1"].id_kind == "ollama"
    assert all(" " not in v.raw_id for v in batch.variants)


@pytest.mark.integration
def test_real_localai_gallery(mirror: Path) -> None:
    batch = gguf.read_localai_gallery(mirror / "mudler+LocalAI" / "gallery" / "index.yaml")
    assert batch.rows_read == 1709
    # entries naming no Hugging Face repo (GitHub-hosted voices, rerankers…) are the only dropped entries
    assert batch.dropped["no Hugging Face repo in urls or files"] < 150 and "entry without a name" not in batch.dropped
    assert len(batch.facts) > 1500 and len(batch.cards) > 700
    assert facts_by_id(batch)["tencent/Hy-MT2-1.8B"].fields["license_raw"] == "apache-2.0"
    assert sum(v.format == "gguf" for v in batch.variants) > 1500


@pytest.mark.integration
def test_real_card_collections(mirror: Path) -> None:
    asgaard = cards.read_asgaardlab_cards(mirror / "asgaardlab+model-card-reorganization" / "verified_model_cards")
    assert asgaard.rows_read == 48 and len(asgaard.cards) == 48
    assert "openai/whisper-large-v3" in {card.raw_id for card in asgaard.cards}
    hn = cards.read_hn5318_cards(mirror / "hn5318+model_card_analysis/Dataset/Sample_modelcard/samples_data.json")
    assert hn.rows_read == 758 and len(hn.facts) == 758
    assert len(hn.cards) + hn.dropped["card text too short (fact kept)"] == 758
