"""The look-up API on a real uvicorn server on loopback; schemathesis explores its OpenAPI description."""

from __future__ import annotations

import json

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings

from services.processes import Assistant, Ports

from .conftest import free_port, needs_corpus

PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("web")
    bot = Assistant(Ports(rasa=free_port(), actions=free_port(), web=PORT), log_dir=tmp / "logs")
    bot.start_web()
    yield bot
    bot.stop()


def get(path: str, **params: object) -> requests.Response:
    return requests.get(BASE + path, params=params, timeout=30)


def test_health(web):
    r = get("/api/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["passages"] >= 129 and body["model"].startswith("multilingual-e5-small@")
    assert body["index"].startswith(f"{body['occupations']:,} occupations, {body['passages']:,} passages")
    # the full corpus has every KZiS occupation; data/ alone says what is missing and how to get it
    assert ("only the built-in descriptions" in body["index"]) == (body["occupations"] < 2912)


def test_search_has_the_cli_fields(web):
    r = get("/api/search", q="Czy trzeba znać SEO?", occupation="243108", k=3)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"q", "occupation", "hits"} and body["occupation"]["code"] == "243108"
    hit = body["hits"][0]
    assert set(hit) == {"rank", "score", "similarity", "match", "passage_id", "occupation_code", "occupation_name",
                        "section", "task_id", "competence_id", "text", "source"}
    assert hit["task_id"] == "Z2" and "SEO" in hit["text"] and hit["match"] == "strong"


def test_search_says_when_nothing_matches(web):
    """A client can tell the nearest passage from an answer: flying a plane is not in 243108's description."""
    hits = get("/api/search", q="czy trzeba umieć latać samolotem?", occupation="243108", k=3).json()["hits"]
    assert hits and all(h["match"] == "weak" for h in hits)


def test_whole_description_by_section(web):
    r = get("/api/occupations/243108")
    assert r.status_code == 200
    d = r.json()
    sections = {s["section"]: s for s in d["sections"]}
    assert d["name"] == "Specjalista do spraw mediów interaktywnych"
    assert len(sections["knowledge"]["passages"]) == 54 and len(sections["key_competence"]["passages"]) == 9
    assert sections["knowledge"]["passages"][0]["passage_id"] == "243108/knowledge/Z1/1"
    assert sections["knowledge"]["passages"][0]["source"] == "INFOdoradca+, MRPiPS / psz.praca.gov.pl"
    assert [c["id"] for c in d["competences"]] == ["Kz1", "Kz2"]


@needs_corpus
def test_sources_are_named_in_the_language_asked(web):
    """The descriptions stay Polish; their sources are named in the language the look-up page asks for (``lang``,
    Polish when it does not ask)."""
    kzis = {"pl": "Opisy zawodów KZiS, MRiPS / psz.praca.gov.pl (2024-07-10)",
            "uk": "Описи професій KZiS, MRiPS / psz.praca.gov.pl (2024-07-10)",
            "en": "KZiS occupation descriptions, MRiPS / psz.praca.gov.pl (2024-07-10)"}
    esco = {"pl": "ESCO (PL): umiejętności zawodu ESCO „piekarz”, © Unia Europejska",
            "uk": "ESCO (PL): навички професії ESCO „piekarz”, © Європейський Союз",
            "en": "ESCO (PL): skills of the ESCO occupation „piekarz”, © European Union"}
    assert get("/api/occupations/751204").json()["sources"] == [esco["pl"], kzis["pl"]]
    for lang in ("pl", "uk", "en"):
        d = get("/api/occupations/751204", lang=lang).json()
        assert sorted(d["sources"]) == sorted([esco[lang], kzis[lang]])
        assert {p["source"] for s in d["sections"] for p in s["passages"]} == {esco[lang], kzis[lang]}
        hits = get("/api/search", q="Co robi piekarz?", occupation="751204", section="task", k=3, lang=lang).json()
        assert {h["source"] for h in hits["hits"]} == {kzis[lang]}
        both = get("/api/compare", a="751204", b="512001", lang=lang).json()
        assert kzis[lang] in {p["source"] for side in ("a", "b") for p in both[side]["tasks"]}
    assert get("/api/occupations/751204", lang="de").status_code == 422


def test_autocomplete_while_typing(web):
    r = get("/api/occupations", q="specjalista do spraw med")
    assert r.status_code == 200
    assert r.json()["candidates"][0]["code"] == "243108"
    # a prefix names no occupation yet: no candidate may look certain
    assert all(c["score"] < 1.0 for c in get("/api/occupations", q="spec").json()["candidates"])


@needs_corpus
def test_autocomplete_on_the_full_corpus(web):
    names = [c["name"] for c in get("/api/occupations", q="kuch").json()["candidates"]]
    assert names[0] == "Kucharz"
    assert get("/api/occupations", q="sprzedawczyni").json()["candidates"][0]["code"] == "522301"


@pytest.mark.parametrize("path, params, status", [
    ("/api/search", {}, 422),
    ("/api/search", {"q": ""}, 422),
    ("/api/search", {"q": "a" * 2001}, 422),
    ("/api/search", {"q": "?!"}, 422),
    ("/api/search", {"q": "kto?", "k": 0}, 422),
    ("/api/search", {"q": "kto?", "k": 101}, 422),
    ("/api/search", {"q": "kto?", "k": "dużo"}, 422),
    ("/api/search", {"q": "kto?", "section": "hobby"}, 422),
    ("/api/search", {"q": "kto?", "occupation": "12"}, 422),
    ("/api/search", {"q": "kto?", "occupation": "999999"}, 422),
    ("/api/occupations", {"q": "kuch", "k": 21}, 422),
    ("/api/occupations/12345x", {}, 422),
    ("/api/occupations/999999", {}, 404),
])
def test_bad_parameters_get_a_clear_client_error(web, path: str, params: dict, status: int):
    r = get(path, **params)
    assert r.status_code == status, r.text
    assert r.json()["detail"]


def test_openapi_operations_never_fail_on_the_server(web):
    """Schemathesis generates requests from /openapi.json (valid and invalid values): no 5xx, ever."""
    schema = schemathesis.openapi.from_url(f"{BASE}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {"/api/health", "/api/occupations", "/api/occupations/{code}",
                                              "/api/search",
                                              "/api/classify", "/api/occupations/{code}/related", "/api/compare",
                                              "/api/batch", "/api/batch/{job_id}", "/api/batch/{job_id}/result",
                                              "/health/live", "/health/ready"}
    for op in operations:
        if op.path == "/health/ready":  # 503 is its documented answer while the servers it checks are down
            continue

        @given(case=op.as_strategy())
        @hsettings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case) -> None:
            response = case.call(timeout=30)
            assert response.status_code < 500, (case.path, case.query, response.text[:300])

        no_server_error()


def test_readiness_of_the_web_process_alone_is_starting(web):
    """Only the web process runs here: the Rasa server and the action server have never answered."""
    r = get("/health/ready")
    assert (r.status_code, r.json()) == (503, {"status": "starting",
                                               "parts": {"web": "up", "rasa": "down", "actions": "down"}})


@pytest.mark.parametrize("body", [{}, {"title": "  "}, {"title": "", "description": None}, {"title": 5},
                                  {"title": "Spawacz", "k": 0}, {"title": "Spawacz", "description": "x" * 20_001},
                                  {"title": "!!! ???"}])
def test_classify_refuses_bad_offers_with_422(web, body: dict):
    r = requests.post(BASE + "/api/classify", json=body, timeout=30)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]


def test_classify_answers_with_the_cli_fields(web):
    r = requests.post(BASE + "/api/classify", json={"title": "Specjalista ds. mediów interaktywnych", "k": 1},
                      timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"title", "candidates", "ambiguous"}
    assert [c["code"] for c in body["candidates"]] == ["243108"]
    assert {e["kind"] for e in body["candidates"][0]["evidence"]} <= {"example", "name", "passage"}


@needs_corpus
def test_classify_a_whole_ad_on_the_full_corpus(web):
    offer = {"title": "Magazynier", "description": "Przyjmowanie i wydawanie towaru, kompletacja zamówień, "
             "obsługa wózka widłowego, inwentaryzacja. " * 3, "k": 3}
    body = requests.post(BASE + "/api/classify", json=offer, timeout=30).json()
    assert body["candidates"][0]["code"] == "432103"
    assert "passage" in {e["kind"] for e in body["candidates"][0]["evidence"]}


def test_pages_are_served(web):
    for path, marker in (("/chat", "socket.io.min.js"), ("/lookup", "lookup.js"), ("/static/embed.js", "iframe")):
        r = requests.get(BASE + path, timeout=10)
        assert r.status_code == 200 and marker in r.text
    assert requests.get(BASE + "/vendor/socket.io-client/dist/socket.io.min.js", timeout=10).status_code == 200




@needs_corpus
def test_related_occupations_and_a_comparison(web):
    related = get("/api/occupations/751204/related", k=6).json()
    assert len(related) == 6 and related[0]["code"] == "751201" and related[0]["same_group"]  # Cukiernik
    for r in related:  # the fields kept, and what the two share and what a move there leaves to learn
        assert set(r) == {"code", "name", "same_group", "similarity", "shared", "to_learn"}
        assert len(r["shared"]) <= 5 and len(r["to_learn"]) <= 5
        assert all(isinstance(t, str) and t for t in r["shared"] + r["to_learn"])
    assert related[0]["shared"] and not set(related[0]["shared"]) & set(related[0]["to_learn"])
    assert len(get("/api/occupations/751204/related", k=30).json()) == 20  # kept per occupation at build
    assert get("/api/occupations/751204", ).json()["related"][0]["code"] == "751201"
    schema = requests.get(BASE + "/openapi.json", timeout=30).json()["components"]["schemas"]["RelatedOut"]
    assert {"shared",
            "to_learn"} <= set(schema["required"]) and "learn" in schema["properties"]["to_learn"]["description"]
    c = get("/api/compare", a="751204", b="512001").json()
    assert c["a"]["name"] == "Piekarz" and c["b"]["name"] == "Kucharz" and not c["same_group"]
    assert "kontrolować wydatki" in c["shared_skills"] and c["a"]["tasks"] and c["b"]["skills"]
    assert get("/api/compare", a="751204", b="751204").status_code == 422
    assert get("/api/compare", a="751204", b="999999").status_code == 404
    assert get("/api/occupations/999999/related").status_code == 404


def test_security_headers_and_only_the_vendor_file_the_pages_need(web):
    r = requests.get(f"{BASE}/chat", timeout=30)
    assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Referrer-Policy"] == "no-referrer"
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self' http://127.0.0.1:" in csp and " ws://127.0.0.1:" in csp
    assert get("/api/health").headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(f"{BASE}/vendor/socket.io-client/dist/socket.io.min.js", timeout=30).status_code == 200
    for path in ("/vendor/socket.io-client/package.json", "/vendor/axe-core/axe.min.js", "/vendor/"):
        assert requests.get(f"{BASE}{path}", timeout=30).status_code == 404, path


def test_bodies_over_the_limit_are_refused_before_they_are_read(web):
    """64 KiB (DORADCA_MAX_BODY_BYTES): declared too long, or sent in chunks with no length at all."""
    big = json.dumps({"title": "Spawacz", "description": "x" * 70_000})
    r = requests.post(BASE + "/api/classify", data=big, headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413 and "over 65536 bytes" in r.json()["detail"]
    chunks = (big[i:i + 8192].encode() for i in range(0, len(big), 8192))  # requests sends a generator chunked
    r = requests.post(BASE + "/api/classify", data=chunks, headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 413
    ok = requests.post(BASE + "/api/classify", json={"title": "Spawacz", "description": "x" * 1000}, timeout=30)
    assert ok.status_code == 200
