#!/usr/bin/env python3
"""Client conformance: drives a running Switchyard router with the official `anthropic` SDK, as
Claude Code and Anthropic's own clients reach a fleet: the key in `x-api-key`, messages plain
and streamed, token counting, the model list in Anthropic's shape, and errors as the SDK's own
exception classes.

Environment: SWITCHYARD_URL (router base URL), SWITCHYARD_KEY (an API key), CHAT_MODEL,
EMBEDDING_MODEL. Prints one line per check and exits non-zero on the first failure.
"""

import os

import anthropic
from checks import check

URL = os.environ["SWITCHYARD_URL"].rstrip("/")
KEY = os.environ["SWITCHYARD_KEY"]
CHAT = os.environ["CHAT_MODEL"]
EMBEDDING = os.environ["EMBEDDING_MODEL"]
client = anthropic.Anthropic(base_url=URL, api_key=KEY, max_retries=0, timeout=120)
HELLO = [{"role": "user", "content": "Say hi"}]


def expect_error(name, error_class, error_type, call):
    try:
        call()
    except error_class as error:
        body = error.body if isinstance(error.body, dict) else {}
        found = (body.get("error") or {}).get("type")
        check(name, body.get("type") == "error" and found == error_type, f"body {body!r}, expected type {error_type!r}")
        return
    except anthropic.APIError as error:
        check(name, False, f"raised {type(error).__name__} instead of {error_class.__name__}")
    check(name, False, "no error raised")


def conformance():
    ids = [model.id for model in client.models.list()]
    check("models.list in Anthropic's shape", CHAT in ids and EMBEDDING in ids, str(ids))
    check("models.retrieve", client.models.retrieve(CHAT).id == CHAT)

    message = client.messages.create(model=CHAT, max_tokens=16, messages=HELLO)
    text = "".join(block.text for block in message.content if block.type == "text")
    check("messages.create (non-streaming)", message.role == "assistant" and bool(text), repr(message))
    check("messages.create reports usage", message.usage.input_tokens > 0 and message.usage.output_tokens > 0, repr(message.usage))

    with client.messages.stream(model=CHAT, max_tokens=16, messages=HELLO) as stream:
        streamed = "".join(stream.text_stream)
        final = stream.get_final_message()
    check("messages.stream", bool(streamed) and final.stop_reason in ("max_tokens", "end_turn"), repr(final))

    counted = client.messages.count_tokens(model=CHAT, messages=[{"role": "user", "content": "Tell me about trains."}])
    check("messages.count_tokens", counted.input_tokens > 0, repr(counted))

    expect_error("unknown model is NotFoundError", anthropic.NotFoundError, "not_found_error",
                 lambda: client.messages.create(model="no-such-model", max_tokens=4, messages=HELLO))
    expect_error("an embedding model is BadRequestError", anthropic.BadRequestError, "invalid_request_error",
                 lambda: client.messages.create(model=EMBEDDING, max_tokens=4, messages=HELLO))
    bad = anthropic.Anthropic(base_url=URL, api_key="not-a-key", max_retries=0)
    expect_error("wrong key is AuthenticationError", anthropic.AuthenticationError, "authentication_error",
                 lambda: bad.messages.create(model=CHAT, max_tokens=4, messages=HELLO))


if __name__ == "__main__":
    conformance()
    print("conformance checks passed")
