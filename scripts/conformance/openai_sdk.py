#!/usr/bin/env python3
"""Client conformance: drives a running Switchyard router with the official `openai` SDK:
models, chat, completions, embeddings, the Responses API (plain, streamed, input token count)
and errors as the SDK's own exception classes.

Environment: SWITCHYARD_URL (router base URL), SWITCHYARD_KEY (an API key), CHAT_MODEL,
EMBEDDING_MODEL. With BUSY_STREAM=1 the router is expected to have every node for CHAT_MODEL
busy and its queue full, and the script checks that a request surfaces as RateLimitError.
Prints one line per check and exits non-zero on the first failure.
"""

import os

import openai
from checks import check

URL = os.environ["SWITCHYARD_URL"].rstrip("/") + "/v1"
KEY = os.environ["SWITCHYARD_KEY"]
CHAT = os.environ["CHAT_MODEL"]
EMBEDDING = os.environ["EMBEDDING_MODEL"]
client = openai.OpenAI(base_url=URL, api_key=KEY, max_retries=0, timeout=120)


def expect_error(name, error_class, code, call):
    try:
        call()
    except error_class as error:
        body = error.body if isinstance(error.body, dict) else {}
        check(name, body.get("code") == code, f"code {body.get('code')!r}, expected {code!r}")
        return
    except openai.APIError as error:
        check(name, False, f"raised {type(error).__name__} instead of {error_class.__name__}")
    check(name, False, "no error raised")


def conformance():
    ids = [model.id for model in client.models.list()]
    check("models.list lists the chat and embedding models", CHAT in ids and EMBEDDING in ids, str(ids))
    check("models.retrieve", client.models.retrieve(CHAT).id == CHAT)

    reply = client.chat.completions.create(model=CHAT, max_tokens=8, messages=[{"role": "user", "content": "Say hi"}])
    check("chat.completions (non-streaming)", bool(reply.choices[0].message.content), repr(reply))

    chunks = list(client.chat.completions.create(model=CHAT, max_tokens=8, stream=True, messages=[{"role": "user", "content": "Hi"}]))
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
    check("chat.completions (streaming)", len(chunks) >= 3 and bool(text), f"{len(chunks)} chunks, text {text!r}")

    completion = client.completions.create(model=CHAT, prompt="Once upon a time", max_tokens=8)
    check("completions", bool(completion.choices[0].text), repr(completion))

    vectors = client.embeddings.create(model=EMBEDDING, input=["hello world", "trains"])
    check("embeddings", len(vectors.data) == 2 and len(vectors.data[0].embedding) == 384)

    response = client.responses.create(model=CHAT, input="Say hi", max_output_tokens=16)
    check("responses.create (non-streaming)", response.status == "completed" and bool(response.output_text), repr(response))

    events = list(client.responses.create(model=CHAT, input="Say hi", max_output_tokens=16, stream=True))
    kinds = [event.type for event in events]
    deltas = "".join(event.delta for event in events if event.type == "response.output_text.delta")
    check("responses.create (streaming)", "response.completed" in kinds and bool(deltas), str(kinds))

    counted = client.responses.input_tokens.count(model=CHAT, input="Tell me about trains.")
    check("responses.input_tokens.count", counted.input_tokens > 0, repr(counted))

    expect_error("responses for an unknown model is NotFoundError", openai.NotFoundError, "model_not_found",
                 lambda: client.responses.create(model="no-such-model", input="x"))
    expect_error("responses for an embedding model is BadRequestError", openai.BadRequestError, "model_not_supported",
                 lambda: client.responses.create(model=EMBEDDING, input="x"))

    expect_error("unknown model is NotFoundError", openai.NotFoundError, "model_not_found",
                 lambda: client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}]))
    expect_error("empty model is BadRequestError", openai.BadRequestError, None,
                 lambda: client.chat.completions.create(model="", messages=[{"role": "user", "content": "x"}]))
    bad = openai.OpenAI(base_url=URL, api_key="not-a-key", max_retries=0)
    expect_error("wrong key is AuthenticationError", openai.AuthenticationError, "invalid_api_key", lambda: bad.models.list())


def busy():
    expect_error("full queue is RateLimitError", openai.RateLimitError, "queue_full",
                 lambda: client.chat.completions.create(model=CHAT, max_tokens=4, messages=[{"role": "user", "content": "x"}]))


if __name__ == "__main__":
    busy() if os.environ.get("BUSY_STREAM") == "1" else conformance()
    print("conformance checks passed")
