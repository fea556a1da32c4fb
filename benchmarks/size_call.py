"""Time one full `size` call: Llama-3.1-8B-shaped model, inference, fit on six GPU types.

    .venv/bin/python benchmarks/size_call.py [--runs 2000]

The architecture is built inline (no data files, no database), so the timing is the sizing
arithmetic only: memory, the GPU-count search with rejections, throughput and replicas per GPU. Each call is
computed from nothing (`size` keeps its last answers and per-model figures: both are cleared before every call), and
the cached answer's cost is reported beside it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from stack8s_architect.sizing import GpuSpec, SizingRequest, architecture_from_hf_config, size
from stack8s_architect.sizing.estimate import _size
from stack8s_architect.sizing.inference import forget_kept

LLAMA_3_1_8B = {  # meta-llama/Llama-3.1-8B config.json
    "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
    "num_hidden_layers": 32, "num_key_value_heads": 8, "vocab_size": 128256, "max_position_embeddings": 131072,
    "tie_word_embeddings": False, "torch_dtype": "bfloat16",
}
GPUS = (  # datasheet figures; usable memory as reported by the CUDA runtime
    GpuSpec("l4", 24, 23034 / 1024, 300, 121, 242),
    GpuSpec("a10g", 24, 22731 / 1024, 600, 125),
    GpuSpec("l40s", 48, 46068 / 1024, 864, 362, 733),
    GpuSpec("a6000", 48, 49140 / 1024, 768, 154.8),
    GpuSpec("a100-80gb", 80, 81920 / 1024, 2039, 312),
    GpuSpec("h100-sxm", 80, 81559 / 1024, 3350, 989, 1979, "nvlink", 900),
)


def main(runs: int = 2000) -> None:
    request = SizingRequest(
        architecture=architecture_from_hf_config(LLAMA_3_1_8B, model_id="meta-llama/Llama-3.1-8B"),
        context_length_tokens=32768, concurrency=8, gpu=GPUS[0], gpus=GPUS, requests_per_second=5.0,
    )
    for _ in range(50):  # warm-up
        size(request)
    computed, cached = [], []
    for _ in range(runs):
        _size.cache_clear()
        forget_kept()  # and the per-model figures sizing keeps (weights, KV per sequence, profile peak)
        start = time.perf_counter_ns()
        size(request)
        computed.append((time.perf_counter_ns() - start) / 1000)
        start = time.perf_counter_ns()
        size(request)
        cached.append((time.perf_counter_ns() - start) / 1000)
    print(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}")
    for name, samples_us in (("computed", computed), ("answered from the cache", cached)):
        samples_us.sort()
        p95 = samples_us[round(0.95 * (len(samples_us) - 1))]
        print(f"size() × {runs} (6 GPU types), {name}: median {statistics.median(samples_us):.1f} µs, p95 {p95:.1f} µs")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    main(parser.parse_args().runs)
