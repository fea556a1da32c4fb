"""A fake OpenAI-compatible chat-completions server on loopback, for the LLM engines' tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    """What the server answers: `reply` (a JSON-able object), or a failure `mode`."""

    reply: Any = None
    mode: str = "ok"  # ok | error | garbage | slow | refusal
    delay_s: float = 0.0
    echo_key: bool = False  # an error that repeats the caller's API key, as some providers' errors do
    requests: list[dict[str, Any]] = field(default_factory=list)
    seen_keys: list[str] = field(default_factory=list)


def _completion(message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "fake-model",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}}


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return None

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
            script.requests.append(body)
            key = (self.headers.get("authorization") or "").removeprefix("Bearer ")
            script.seen_keys.append(key)
            if script.mode == "slow":
                time.sleep(script.delay_s)
            if script.mode == "error":
                detail = f"Incorrect API key provided: {key}" if script.echo_key else "boom"
                self._send(500, {"error": {"message": detail, "type": "server_error"}})
                return
            if script.mode == "refusal":  # OpenAI's structured refusal: no content, a `refusal` text
                self._send(200, _completion({"role": "assistant", "content": None,
                                             "refusal": "I can't help with that request."}, "stop"))
                return
            text = "this is not JSON" if script.mode == "garbage" else json.dumps(script.reply)
            tools = body.get("tools") or []
            if tools and script.mode != "garbage":
                name = tools[0]["function"]["name"]
                message = {"role": "assistant", "content": None, "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}]}
                self._send(200, _completion(message, "tool_calls"))
            else:
                self._send(200, _completion({"role": "assistant", "content": text}, "stop"))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def fake_openai(script: Script) -> Iterator[str]:
    """Serve `script` on 127.0.0.1; yields the base URL (…/v1)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
