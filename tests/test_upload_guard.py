"""`/gradio_api/upload` on the real app (issue #13, part 4): an anonymous client cannot store files
while administration is off, and with it on cannot store other types, too many files, or fill the disk."""
from pathlib import Path

import httpx
import pytest

import app
from ui.context import AppContext
from ui.upload_guard import BUDGET_FILES, MAX_FILES
from tests.serving import free_port

ROOT = Path(__file__).resolve().parents[1]


def served(ctx: AppContext):
    demo = app.create_app(ctx)
    _, url, _ = app.launch(demo, "127.0.0.1", free_port(), block=False, max_upload_mb=ctx.max_upload_mb)
    return demo, url.rstrip("/")


def upload(url: str, *files: tuple[str, bytes]) -> httpx.Response:
    return httpx.post(f"{url}/gradio_api/upload", files=[("files", f) for f in files], timeout=30)


def test_while_administration_is_off_only_one_manuscript_to_audit_is_taken(seed_engine):
    demo, url = served(AppContext(seed_engine, ROOT / "corpus", seed_engine.index_dir, max_upload_mb=1))
    try:
        recording = httpx.post(url + "/gradio_api/process_recording", files=[("files", ("a.txt", b"x"))], timeout=30)
        assert recording.status_code == 403 and not demo.upload_file_set
        ok = upload(url, ("讲稿.txt", "党支部要提好意见建议。".encode()))
        assert ok.status_code == 200 and Path(ok.json()[0]).is_file()
        two = upload(url, ("a.txt", b"x"), ("b.txt", b"y"))
        assert two.status_code == 413
        other = upload(url, ("page.html", b"<p>x</p>"))       # the administrator's types are not public
        assert other.status_code == 415 and "不支持的文件类型" in other.text
        huge = upload(url, ("big.txt", b"x" * (2 * 2**20)))
        assert huge.status_code == 413
        assert len(demo.upload_file_set) == 1
        assert httpx.post(f"{url}/gradio_api/call/ask", json={"data": ["什么是一岗双责？", 3]},
                          timeout=30).status_code == 200        # the rest of the API is untouched
    finally:
        demo.close()


@pytest.fixture(scope="module")
def admin_app(seed_engine):
    ctx = AppContext(seed_engine, ROOT / "corpus", seed_engine.index_dir, admin_password="secret", max_upload_mb=1)
    demo, url = served(ctx)
    yield demo, url
    demo.close()


def test_the_admin_panel_takes_its_types_and_nothing_else(admin_app):
    demo, url = admin_app
    ok = upload(url, ("新文献.txt", "党支部要提好意见建议。".encode()))
    assert ok.status_code == 200 and Path(ok.json()[0]).is_file()
    bad = upload(url, ("a.txt", b"fine"), ("tool.exe", b"MZ" + b"\0" * 100))
    assert bad.status_code == 415 and "不支持的文件类型" in bad.text
    assert len(demo.upload_file_set) == 1 and all(Path(p).is_file() for p in demo.upload_file_set)
    many = upload(url, *[(f"{i}.txt", b"x") for i in range(MAX_FILES + 1)])
    assert many.status_code == 413 and len(demo.upload_file_set) == 1
    huge = upload(url, ("big.txt", b"x" * (2 * 2**20)))
    assert huge.status_code == 413 and len(demo.upload_file_set) == 1
    chunked = httpx.post(f"{url}/gradio_api/upload", content=iter([b"--x\r\n"]),
                         headers={"content-type": "multipart/form-data; boundary=x"}, timeout=30)
    assert chunked.status_code == 411


def test_uploads_cannot_fill_the_disk(admin_app):
    demo, url = admin_app
    one = b"x" * (2**20 - 4096)
    responses = [upload(url, (f"{i}.txt", one)) for i in range(BUDGET_FILES + 1)]
    codes = [r.status_code for r in responses]
    assert codes[:BUDGET_FILES - 2] == [200] * (BUDGET_FILES - 2) and codes[-1] == 507
    assert "临时上传空间已满" in responses[-1].text
    assert sum(Path(p).stat().st_size for p in demo.upload_file_set) <= BUDGET_FILES * 2**20
