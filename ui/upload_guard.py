"""What an anonymous client may upload: Gradio stores any file POSTed to `/gradio_api/upload` in its
temporary folder, with no password, for an hour. Two parts of the app take files: the administrator's
添加文献 panel, and the public 整篇文稿审核 (a manuscript to audit, read and then deleted). This ASGI
middleware, put in front of the app by `app.launch`:

- always refuses `process_recording` (403: no part of this app records video);
- refuses a request without a length (411), or longer than its files allow (413): one manuscript of
  the size limit while administration is off, MAX_FILES files with it on;
- refuses any upload while the files uploaded and not yet cleaned up hold BUDGET_FILES times the size
  limit (507, so the disk cannot fill);
- deletes at once what a request stored if a file is of a type the app does not take there (the
  manuscript types while administration is off), or there are too many files (415 / 413).

Stored uploads are deleted an hour after upload (Gradio's `delete_cache`), by `ui.uploads` as soon as
the administrator's files have been added, and by the audit once it has read the manuscript. Messages
are Chinese (the panels show them).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_FILES = 10             # files in one upload request (the panel takes several at once)
PUBLIC_FILES = 1           # ... and while administration is off (one manuscript to audit)
BUDGET_FILES = 10          # uploads not yet cleaned up may hold this many times the size limit
MULTIPART_SLACK = 64 * 1024   # bytes of multipart headers allowed beyond the files themselves


@dataclass(frozen=True)
class UploadPolicy:
    enabled: bool              # administration is on (the only part of the app that takes files)
    max_bytes: int             # one file
    allowed: tuple[str, ...]   # extensions, lower case with the dot
    stored: Callable[[], set]  # paths of uploads Gradio keeps (its `upload_file_set`)
    public: tuple[str, ...] = ()   # extensions anyone may upload (the manuscript audit's)

    @property
    def files(self) -> int:
        return MAX_FILES if self.enabled else PUBLIC_FILES

    @property
    def types(self) -> tuple[str, ...]:
        return self.allowed if self.enabled else self.public

    @property
    def budget(self) -> int:
        return BUDGET_FILES * self.max_bytes


def is_upload(path: str) -> bool:
    return path.rstrip("/").rsplit("/", 1)[-1] in ("upload", "process_recording")


def stored_bytes(paths) -> int:
    total = 0
    for p in list(paths):
        try:
            total += Path(p).stat().st_size
        except OSError:
            pass
    return total


def remove(paths) -> None:
    for p in paths:
        Path(p).unlink(missing_ok=True)


class UploadGuard:
    def __init__(self, app, policy: UploadPolicy):
        self.app, self.policy = app, policy

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST" or not is_upload(scope.get("path", "")):
            return await self.app(scope, receive, send)
        refusal = self.refusal(scope)
        if refusal:
            return await respond(send, *refusal)
        status, headers, body = await captured(self.app, scope, receive)
        if status == 200:
            refusal = self.check_stored(body)
            if refusal:
                return await respond(send, *refusal)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def refusal(self, scope) -> tuple[int, str] | None:
        """Why the request is refused before anything is stored (None: let Gradio store it)."""
        policy = self.policy
        if scope["path"].rstrip("/").endswith("process_recording") or not policy.types or not policy.max_bytes:
            return 403, "本应用不接受这种上传。"
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is None or not length.isdigit():
            return 411, "上传请求缺少长度（Content-Length）。"
        if int(length) > policy.files * policy.max_bytes + MULTIPART_SLACK:
            return 413, f"上传内容过大：一次最多 {policy.files} 个文件，每个不超过 {policy.max_bytes / 2**20:.0f} MB。"
        if stored_bytes(policy.stored()) + int(length) > policy.budget:
            return 507, "临时上传空间已满，请稍后再试（未使用的上传文件一小时后自动清除）。"
        return None

    def check_stored(self, body: bytes) -> tuple[int, str] | None:
        """After Gradio stored the request's files: refuse (and delete them) if any is of a type the
        app does not take there, or if there are too many."""
        try:
            paths = [str(p) for p in json.loads(body)]
        except (ValueError, TypeError):
            return None
        bad = [p for p in paths if PurePosixPath(p).suffix.lower() not in self.policy.types]
        if bad or len(paths) > self.policy.files:
            remove(paths)
            self.policy.stored().difference_update(paths)
            if bad:
                return 415, f"不支持的文件类型，只接受 {' '.join(self.policy.types)}。"
            return 413, f"一次最多上传 {self.policy.files} 个文件。"
        return None


async def captured(app, scope, receive) -> tuple[int, list, bytes]:
    """Run `app` and collect its whole response (an upload's answer is a short JSON list)."""
    start, chunks = {}, []

    async def send(message):
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return start.get("status", 500), list(start.get("headers", [])), b"".join(chunks)


async def respond(send, status: int, message: str) -> None:
    body = message.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
