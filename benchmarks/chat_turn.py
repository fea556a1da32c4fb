"""Offline full plan: chat turns (extraction → plan → stored) through the chat service, no LLM.

Uses the catalogs in ARCHITECT_HOME (run `make run` or `architect data sync` first). Each round starts
one conversation per message below (store the user message, extract, plan, render, store the answer
and the plan version), then sends it one follow-up ("make it cheaper", "only AWS", "use spot", "more
throughput"), and reports p50/p95 of each kind per round; the first call of all (catalog caches, BM25
builds) is reported apart. Conversations made here are left in the database.

Each round asks for other counts, sizes and budgets ("50 concurrent users" becomes 53, 56, …; "$15k" 18k): the
service keeps its last sizing and offer-search answers, and a first message must not be timed as the answer to a
question asked the round before. A follow-up re-plans its own conversation, which those caches serve as they would
in use.

    .venv/bin/python benchmarks/chat_turn.py [--rounds 5] [--set shapes]

`--set shapes` plans the workload shapes instead (issue 23's five requests, a generative batch, a RAG corpus with
its ingestion, a weekly embedding batch with a named model).
"""

from __future__ import annotations

import argparse
import re
import time

from _common import chat_service, machine, median, percentile

from stack8s_architect.agents.chat import ChatMessageRequest


MESSAGES = [
    "Serve Llama 3.1 70B for 50 concurrent users on AWS under $15k/month",
    "Serve Mistral 7B Instruct for a chatbot with about 20 concurrent users, budget $1500 per month",
    "Run Llama 3.1 405B inference for $200 per month",
    "Fine-tune Llama 3 8B with QLoRA on 20k support tickets, cheapest single GPU that works",
    "RAG chatbot over our wiki with Qdrant and Llama 3.1 8B for 100 users",
    "Train a YOLO object detection model on 500GB of drone images with 4 GPUs",
    "Transcribe call recordings with Whisper large-v3 for 20 concurrent streams on GCP",
    "Serve SDXL for image generation for 10 users, budget $2000/month",
    "Nightly batch inference with Llama 3.1 8B over 2 million documents, spot instances are fine",
    "Serve Qwen2.5 7B Instruct for 30 concurrent users in Europe",
    "Full fine-tune Llama 3.1 8B on 2 GB of text",
    "Serve Gemma 2 9B for 20 concurrent users, no spot instances",
]


SHAPES = [
    "Fine-tune Gemma 2 9B with LoRA on 20k examples, cheapest GPU.",
    "Embed 10 million product descriptions every night with an embedding model.",
    "Train a 13B model from scratch on 500B tokens using 32 A100 80GB GPUs.",
    "Transcribe 20 live audio streams with Whisper on AWS.",
    "RAG chatbot over 20 GB of internal docs with Qdrant and Llama 3.1 8B for 30 concurrent users",
    "We need to summarize 1 million support tickets overnight with Llama 3.1 8B, cheapest way",
    "Embed 5 million documents every week with E5 large",
    "Pretrain a 7B model on 200B tokens with 64 H100s on AWS",
]


# whole numbers, bare or as 20k / 500GB / $1500, but not versions (3.1, "Llama 3 8B"), model sizes (70B) or names
# (A100, v3, "A100 80GB")
_COUNTS = re.compile(r"(?<![\w.\-])(?<!A100 )(\d+)(?=k\b|GB\b|\b)(?!\.\d| \d+B\b)")


def varied(message: str, round_number: int) -> str:
    """`message` with its counts, sizes and budget moved by the round (round 0: as written)."""
    return _COUNTS.sub(lambda match: str(int(match.group(0)) + 3 * round_number), message)


FOLLOW_UPS = ["make it cheaper", "only AWS please", "use spot instances", "we need more throughput"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--set", choices=["requests", "shapes"], default="requests")
    args = parser.parse_args()
    messages = SHAPES if args.set == "shapes" else MESSAGES
    with chat_service() as chat:
        start = time.perf_counter()
        chat.start(messages[0])
        first = (time.perf_counter() - start) * 1000
        rounds: dict[str, list[tuple[float, float]]] = {"first message": [], "follow-up": []}
        kinds: dict[str, int] = {}
        for round_number in range(1, args.rounds + 1):
            timings: dict[str, list[float]] = {"first message": [], "follow-up": []}
            for index, message in enumerate(messages):
                start = time.perf_counter()
                reply = chat.start(varied(message, round_number))
                timings["first message"].append((time.perf_counter() - start) * 1000)
                kinds[reply.kind] = kinds.get(reply.kind, 0) + 1
                follow_up = FOLLOW_UPS[index % len(FOLLOW_UPS)]
                start = time.perf_counter()
                chat.message(ChatMessageRequest(conversation_id=reply.conversation_id, message=follow_up))
                timings["follow-up"].append((time.perf_counter() - start) * 1000)
            for name, values in timings.items():
                rounds[name].append((percentile(values, 50), percentile(values, 95)))
    print(machine())
    print(f"{len(messages)} first messages ({args.set}), each with one follow-up ({', '.join(FOLLOW_UPS)}), × {args.rounds} "
          f"rounds; first replies: {kinds}")
    print(f"first turn after start (caches cold): {first:.0f} ms")
    for name, values in rounds.items():
        p50s, p95s = [v[0] for v in values], [v[1] for v in values]
        print(f"{name} p50: median {median(p50s):.1f} ms  (rounds: {', '.join(f'{v:.1f}' for v in p50s)})")
        print(f"{name} p95: median {median(p95s):.1f} ms  (rounds: {', '.join(f'{v:.1f}' for v in p95s)})")


if __name__ == "__main__":
    main()
