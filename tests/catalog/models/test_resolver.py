"""The model resolver on a small hand-built catalog: each row is a phrasing a person might write.

The catalog mimics the real one's traps: a base and an instruct release, re-uploads and fine-tunes of the same
name, quantised copies, versions that differ by a dot (3 / 3.1 / 3.3), sizes that differ (8B / 70B), MoE names
with active sizes, names without a size, and popular but unofficial uploads.
"""

from __future__ import annotations

import pytest

from stack8s_architect.catalog.models.mentions import find_mentions
from stack8s_architect.catalog.models.names import name_tokens
from stack8s_architect.catalog.models.resolver import CatalogModel, ModelResolver

B = 1e9
_ROWS = [
    # id, params (billions), downloads
    ("meta-llama/Llama-3.1-8B", 8.03, 800_000),
    ("meta-llama/Llama-3.1-8B-Instruct", 8.03, 9_000_000),
    ("meta-llama/Llama-3.1-70B", 70.6, 130_000),
    ("meta-llama/Llama-3.1-70B-Instruct", 70.6, 700_000),
    ("meta-llama/Llama-3.3-70B-Instruct", 70.6, 900_000),
    ("meta-llama/Meta-Llama-3-8B-Instruct", 8.03, 2_000_000),
    ("meta-llama/Llama-4-Maverick-17B-128E-Instruct", 401.6, 44_000),
    ("NousResearch/Meta-Llama-3.1-8B-Instruct", 8.03, 50_000),  # a mirror
    ("someone/Llama-3.1-8B-Instruct-abliterated", 8.03, 90_000),  # a fine-tune
    ("unsloth/Llama-3.1-8B-Instruct", 8.03, 600_000),  # a quantiser's copy
    ("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", None, 280_000),
    ("hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4", 60.1, 220_000),
    ("zai-org/GLM-4.5", 358.3, 116_000),
    ("zai-org/GLM-4.5-Air", 110.5, 400_000),
    ("zai-org/GLM-4.5V", 107.7, 96_000),
    ("MiniMaxAI/MiniMax-M2", 228.7, 91_000),
    ("MiniMaxAI/MiniMax-M2.5", 228.7, 930_000),
    ("Qwen/Qwen3-235B-A22B", 235.1, 540_000),
    ("Qwen/Qwen3-235B-A22B-Instruct-2507", 235.1, 120_000),
    ("Qwen/Qwen3-32B", 32.8, None),
    ("Qwen/Qwen3-32B-Base", 32.8, 20_000),
    ("Qwen/Qwen2.5-14B", 14.8, 145_000),
    ("Qwen/Qwen2.5-14B-Instruct", 14.8, 0),
    ("Qwen/Qwen2.5-Coder-14B-Instruct", 14.8, 60_000),
    ("Qwen/Qwen2.5-7B-Instruct", 7.6, 3_000_000),
    ("mistralai/Mistral-7B-Instruct-v0.3", 7.25, 3_800_000),
    ("mistralai/Mistral-7B-Instruct-v0.2", 7.24, 2_900_000),
    ("mistralai/Mistral-7B-v0.1", 7.24, 1_000_000),
    ("princeton-nlp/Mistral-7B-Instruct-CPO", 7.24, 300),
    ("princeton-nlp/Mistral-7B-Instruct-DPO", 7.24, 200),
    ("princeton-nlp/Mistral-7B-Instruct-KTO", 7.24, 100),
    ("mistralai/Mixtral-8x7B-Instruct-v0.1", 46.7, 500_000),
    ("microsoft/Phi-3.5-mini-instruct", 3.82, 760_000),
    ("google/gemma-3-12b-it", 12.2, 900_000),
    ("google/gemma-3-12b-pt", 12.2, 100_000),
    ("google/gemma-3n-E4B-it", 7.8, 300_000),
    ("google/gemma-2-9b-it", 9.24, 400_000),
    ("tiiuae/falcon-180B", 180.0, None),
    ("tiiuae/falcon-180B-chat", 179.5, 90),
    ("openai/whisper-medium.en", 0.8, None),
    ("openai/whisper-large-v3", 2.0, None),
    ("openai/whisper-large-v3-turbo", 0.8, None),
    ("seastar105/whisper-medium-ko-zeroth", None, 183),
    ("stabilityai/stable-diffusion-3-medium", None, None),
    ("leo009/stable-diffusion-3-medium", None, None),
    ("roboflow/yolo11n", 0.0026, None),
    ("roboflow/yolov8n", 0.0032, None),
    ("timm/resnet50.a1_in1k", 0.0256, None),
    ("timm/resnet50.a2_in1k", 0.0256, None),
    ("nateraw/resnet50", None, 22),
    ("deepseek-ai/DeepSeek-V3", 684.5, 1_200_000),
    ("deepseek-ai/DeepSeek-V3-0324", 684.5, 600_000),
    ("deepseek-ai/DeepSeek-V3.2", 685.4, 11_900_000),
    ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", 7.6, 1_000_000),
    ("openai/gpt-oss-120b", 120.4, 4_300_000),
    ("openai/gpt-oss-20b", 21.5, 7_200_000),
    ("moonshotai/Kimi-K2-Instruct", 1026.5, 770_000),
    ("moonshotai/Kimi-K2-Instruct-0905", 1026.5, 790_000),
    ("sentence-transformers/all-MiniLM-L6-v2", 0.0227, 90_000_000),
    ("BAAI/bge-m3", 0.568, 5_000_000),
]
CATALOG = [CatalogModel(key=i.lower(), id=i, params_total=p * B if p else None, downloads=d) for i, p, d in _ROWS]


@pytest.fixture(scope="module")
def resolver() -> ModelResolver:
    return ModelResolver(CATALOG)


@pytest.mark.parametrize(("said", "expected"), [
    ("GLM-4.5", "zai-org/GLM-4.5"),  # not -Air, not 4.5V
    ("glm 4.5", "zai-org/GLM-4.5"),
    ("GLM 4.5 Air", "zai-org/GLM-4.5-Air"),
    ("glm-4.5 355B", "zai-org/GLM-4.5"),  # a size the name lacks, checked against the catalog's count
    ("Llama 3.1 8B Instruct", "meta-llama/Llama-3.1-8B-Instruct"),
    ("llama 3.1 8b", "meta-llama/Llama-3.1-8B-Instruct"),  # serving: the instruct twin
    ("Llama-3.1-8B", "meta-llama/Llama-3.1-8B-Instruct"),
    ("meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B"),  # a Hub id is that repository
    ("Meta Llama 3.1 8B Instruct", "meta-llama/Llama-3.1-8B-Instruct"),
    ("llama3.1:8b", "meta-llama/Llama-3.1-8B-Instruct"),  # Ollama's tag
    ("llama3.1:8b-instruct-q4_K_M", "meta-llama/Llama-3.1-8B-Instruct"),
    ("Llama 3.1 70B", "meta-llama/Llama-3.1-70B-Instruct"),
    ("llama 3.3 70b", "meta-llama/Llama-3.3-70B-Instruct"),  # 3.3 ≠ 3.1
    ("Llama 3 8B Instruct", "meta-llama/Meta-Llama-3-8B-Instruct"),  # 3 ≠ 3.1
    ("lama 3.1 8b", "meta-llama/Llama-3.1-8B-Instruct"),  # a misspelt long word
    ("Llama 4 Maverick", "meta-llama/Llama-4-Maverick-17B-128E-Instruct"),
    ("llama-4 maverick 17b", "meta-llama/Llama-4-Maverick-17B-128E-Instruct"),
    ("MiniMax M2", "MiniMaxAI/MiniMax-M2"),  # M2 ≠ M2.5
    ("minimax-m2.5", "MiniMaxAI/MiniMax-M2.5"),
    ("Qwen3-235B-A22B", "Qwen/Qwen3-235B-A22B"),  # the name as written; 2507 is a later release
    ("qwen3 235b a22b instruct 2507", "Qwen/Qwen3-235B-A22B-Instruct-2507"),
    ("Qwen3-32B", "Qwen/Qwen3-32B"),  # not the -Base
    ("qwen3 32b base", "Qwen/Qwen3-32B-Base"),  # base kept as said
    ("qwen2.5:14b", "Qwen/Qwen2.5-14B-Instruct"),  # instruct twin although fewer downloads
    ("Qwen2.5 14B", "Qwen/Qwen2.5-14B-Instruct"),
    ("Qwen2.5 Coder 14B", "Qwen/Qwen2.5-Coder-14B-Instruct"),
    ("Qwen/Qwen2.5-7B-Instruct-AWQ", "Qwen/Qwen2.5-7B-Instruct"),  # a quantised name → its base
    ("Mistral 7B Instruct", "mistralai/Mistral-7B-Instruct-v0.3"),  # the publisher, not princeton-nlp
    ("mistral 7b instruct v0.2", "mistralai/Mistral-7B-Instruct-v0.2"),
    ("mistrall 7b", "mistralai/Mistral-7B-Instruct-v0.3"),
    ("Mixtral 8x7B", "mistralai/Mixtral-8x7B-Instruct-v0.1"),
    ("Phi-3.5 mini", "microsoft/Phi-3.5-mini-instruct"),
    ("phi 3.5 mini instruct", "microsoft/Phi-3.5-mini-instruct"),
    ("gemma 3 12b", "google/gemma-3-12b-it"),  # not the pt base
    ("Gemma 3 12B IT", "google/gemma-3-12b-it"),
    ("gemma 3n e4b", "google/gemma-3n-E4B-it"),  # 3n is not 3
    ("Gemma 2 9B", "google/gemma-2-9b-it"),
    ("Falcon 180B", "tiiuae/falcon-180B-chat"),  # serving: the chat release
    ("falcon 180b chat", "tiiuae/falcon-180B-chat"),
    ("whisper medium", "openai/whisper-medium.en"),
    ("Whisper large v3", "openai/whisper-large-v3"),
    ("whisper-large-v3-turbo", "openai/whisper-large-v3-turbo"),
    ("Stable Diffusion 3 Medium", "stabilityai/stable-diffusion-3-medium"),  # the publisher's
    ("SD3 medium", "stabilityai/stable-diffusion-3-medium"),
    ("YOLO11n", "roboflow/yolo11n"),
    ("yolo 11n", "roboflow/yolo11n"),
    ("YOLOv8n", "roboflow/yolov8n"),
    ("ResNet-50", "timm/resnet50.a1_in1k"),  # timm publishes resnets; nateraw's copy does not win
    ("resnet50", "timm/resnet50.a1_in1k"),
    ("DeepSeek V3", "deepseek-ai/DeepSeek-V3"),  # not V3.2, not the 0324 re-release
    ("deepseek-v3.2", "deepseek-ai/DeepSeek-V3.2"),
    ("DeepSeek V3 0324", "deepseek-ai/DeepSeek-V3-0324"),
    ("DeepSeek-R1-Distill-Qwen-7B", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"),
    ("gpt-oss-120b", "openai/gpt-oss-120b"),
    ("GPT OSS 20B", "openai/gpt-oss-20b"),
    ("Kimi K2", "moonshotai/Kimi-K2-Instruct"),
    ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"),
    ("bge m3", "BAAI/bge-m3"),
    ("hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4", "meta-llama/Llama-3.1-70B-Instruct"),
    ("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "meta-llama/Llama-3.1-8B-Instruct"),
])
def test_phrasings_resolve_to_the_catalog_id(resolver: ModelResolver, said: str, expected: str) -> None:
    resolution = resolver.resolve(said)
    assert resolution.model is not None and resolution.model.id == expected, resolution


@pytest.mark.parametrize("said", ["Llama 3.1 13B", "llama 5", "GLM-9", "foo bar 7b", "MiniMax M3", "Qwen3-33B"])
def test_unknown_names_are_not_guessed(resolver: ModelResolver, said: str) -> None:
    resolution = resolver.resolve(said)
    assert resolution.model is None and not resolution.ambiguous


def test_unknown_names_suggest_close_catalog_names(resolver: ModelResolver) -> None:
    assert "meta-llama/Llama-3.1-8B-Instruct" in resolver.resolve("Llama 3.1 13B Instruct").runners_up


@pytest.mark.parametrize(("said", "precision"), [
    ("Qwen/Qwen2.5-7B-Instruct-AWQ", "awq"), ("llama3.1:8b-instruct-q4_K_M", "q4_k_m"),
    ("hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4", "awq"), ("Llama 3.1 8B Instruct FP8", "fp8"),
    ("Llama 3.1 8B Instruct", None),
    ("Qwen/Qwen2.5-7B-Instruct-FP8-Dynamic", "fp8"),  # "dynamic" belongs to the packaging, not the name
    ("Qwen3-32B-UD-Q4_K_XL", "q4_k_m"),  # unsloth's dynamic quant, sized as the K-quant it builds on
    ("bartowski/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "q4_k_m"),  # a file name: .gguf is not part of Q4_K_M
    ("Qwen3-32B-q9_z", None),  # no such precision: not passed on to sizing
])
def test_a_quantised_name_carries_its_precision(resolver: ModelResolver, said: str, precision: str | None) -> None:
    assert resolver.resolve(said).precision == precision


def test_ambiguous_names_say_the_pick_and_the_runners_up(resolver: ModelResolver) -> None:
    mistral = resolver.resolve("Mistral 7B Instruct")  # v0.3 and v0.2 are equally good names
    assert mistral.ambiguous and mistral.runners_up[0] == "mistralai/Mistral-7B-Instruct-v0.2"
    assert any("matches several catalog models" in note for note in mistral.notes)
    llama = resolver.resolve("Llama 70B")  # 3.1 or 3.3
    assert llama.ambiguous and {llama.model.id, *llama.runners_up} >= {  # type: ignore[union-attr]
        "meta-llama/Llama-3.1-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct"}
    assert not resolver.resolve("GLM-4.5").ambiguous


def test_a_size_said_elsewhere_in_the_message_picks_the_mention(resolver: ModelResolver) -> None:
    message = "Serve Llama 3.1 for 50 users, the 70B size please"
    (mention,) = find_mentions(resolver, message, params_billions=70)
    assert mention.text == "Llama 3.1" and mention.resolution.model.id == "meta-llama/Llama-3.1-70B-Instruct"  # type: ignore[union-attr]
    # a size another model has: the name alone still resolves (and grounding says the size does not match)
    (other,) = find_mentions(resolver, "Serve GLM-4.5, about 70B", params_billions=70)
    assert other.resolution.model.id == "zai-org/GLM-4.5"  # type: ignore[union-attr]


def test_a_mention_is_its_words_without_the_punctuation(resolver: ModelResolver) -> None:
    (mention,) = find_mentions(resolver, "we like qwen 2.5 (14B), served fast")
    assert mention.text == "qwen 2.5 14B" and mention.resolution.model.id == "Qwen/Qwen2.5-14B-Instruct"  # type: ignore[union-attr]


def test_a_size_said_elsewhere_constrains_a_name_without_one(resolver: ModelResolver) -> None:
    assert resolver.resolve("llama 3.1", params_billions=70).model.id == "meta-llama/Llama-3.1-70B-Instruct"  # type: ignore[union-attr]
    assert resolver.resolve("llama 3.1", params_billions=8).model.id == "meta-llama/Llama-3.1-8B-Instruct"  # type: ignore[union-attr]


def test_training_keeps_the_name_as_written(resolver: ModelResolver) -> None:
    assert resolver.resolve("Llama 3.1 8B", serving=False).model.id == "meta-llama/Llama-3.1-8B"  # type: ignore[union-attr]


@pytest.mark.parametrize(("message", "mention", "expected"), [
    ("Serve GLM-4.5 for 10 users on the cheapest GPUs that fit.", "GLM-4.5", "zai-org/GLM-4.5"),
    ("We need Qwen3-32B for about 150 simultaneous users, budget 15k per month, AWS.", "Qwen3-32B", "Qwen/Qwen3-32B"),
    ("Serve Llama 4 Maverick for 10 users, cheapest that fits.", "Llama 4 Maverick",
     "meta-llama/Llama-4-Maverick-17B-128E-Instruct"),
    ("Train a ResNet-50 on 200 GB of images on AWS.", "ResNet-50", "timm/resnet50.a1_in1k"),
    ("can you host whisper medium for our call center?", "whisper medium", "openai/whisper-medium.en"),
    ("serve llama 3.1 8b instruct to 20 users", "llama 3.1 8b instruct", "meta-llama/Llama-3.1-8B-Instruct"),
    ("Serve MiniMax M2 for 10 users on any cloud.", "MiniMax M2", "MiniMaxAI/MiniMax-M2"),
])
def test_mentions_are_found_in_messages(resolver: ModelResolver, message: str, mention: str, expected: str) -> None:
    found = find_mentions(resolver, message)
    assert [(m.text, m.resolution.model.id) for m in found] == [(mention, expected)]  # type: ignore[union-attr]
    assert message[found[0].start:found[0].end] == mention


@pytest.mark.parametrize("message", [
    "I need 4 GPUs with 48 GB each on 2 A100s", "Serve a 70B model for 100 users under $10k/month",
    "train a model on 2 TB of MRI images", "The budget is 12k a month on AWS us-east-1",
])
def test_messages_without_a_model_name_have_no_mention(resolver: ModelResolver, message: str) -> None:
    assert find_mentions(resolver, message) == []


def test_config_donors_share_the_name_across_publishers_and_releases() -> None:
    rows = [CatalogModel("meta-llama/llama-3.1-8b-instruct", "meta-llama/Llama-3.1-8B-Instruct"),
            CatalogModel("meta-llama/llama-3.1-8b", "meta-llama/Llama-3.1-8B", has_config=True),
            CatalogModel("unsloth/llama-3.1-8b-instruct", "unsloth/Llama-3.1-8B-Instruct", has_config=True),
            CatalogModel("meta-llama/llama-3.1-70b", "meta-llama/Llama-3.1-70B", has_config=True)]
    donors = ModelResolver(rows).config_donors("meta-llama/llama-3.1-8b-instruct")
    assert [d.id for d in donors] == ["meta-llama/Llama-3.1-8B", "unsloth/Llama-3.1-8B-Instruct"]


@pytest.mark.parametrize(("name", "words", "numbers"), [
    ("meta-llama/Meta-Llama-3.1-8B-Instruct", ("llama", "instruct"), ("3.1", "8b")),
    ("nvidia/Llama-3_3-Nemotron-Super-49B-v1_5", ("llama", "nemotron", "super"), ("3.3", "49b", "1.5")),
    ("timm/resnet50.a1_in1k", ("resnet",), ("50", "a1", "in1k")),
    ("openai/whisper-medium.en", ("whisper", "medium", "en"), ()),
    ("yolov8n", ("yolo",), ("8n",)),
    ("Mixtral-8x7B", ("mixtral",), ("8x7b",)),
])
def test_names_split_into_words_and_numbers(name: str, words: tuple, numbers: tuple) -> None:
    tokens = name_tokens(name)
    assert (tokens.words, tokens.numbers) == (words, numbers)
