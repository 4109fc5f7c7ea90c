"""deploy/milvus/docker-compose.yml parses and gives the ports and volumes the README names
(no docker daemon here: the file is checked, not started)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "deploy" / "milvus" / "docker-compose.yml"


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def milvus_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## The Milvus store")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def test_compose_parses_with_the_three_services():
    services = compose()["services"]
    assert set(services) == {"etcd", "minio", "standalone"}
    assert services["standalone"]["command"] == ["milvus", "run", "standalone"]
    assert set(services["standalone"]["depends_on"]) == {"etcd", "minio"}
    assert services["standalone"]["environment"] == {"ETCD_ENDPOINTS": "etcd:2379", "MINIO_ADDRESS": "minio:9000"}


def test_readme_names_the_ports_and_volumes_of_the_compose_file():
    services, readme = compose()["services"], milvus_section()
    ports = {p.split(":")[0] for p in services["standalone"]["ports"]}
    assert ports == {"19530", "9091"}
    for port in ports:
        assert port in readme
    volumes = {v.rsplit(":", 1)[0].replace("${MILVUS_VOLUMES:-./volumes}", "deploy/milvus/volumes")
               for s in services.values() for v in s.get("volumes", [])}
    assert volumes == {"deploy/milvus/volumes/etcd", "deploy/milvus/volumes/minio", "deploy/milvus/volumes/milvus"}
    for volume in volumes:
        assert volume in readme
    assert "docker compose -f deploy/milvus/docker-compose.yml up -d" in readme
    assert re.search(r"--store milvus://127\.0\.0\.1:19530", readme)
