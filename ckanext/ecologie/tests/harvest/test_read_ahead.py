"""DCAT pages read one ahead in child processes (read_ahead.py) give the
pages, records, order and errors of pages read one after the other in the
gather consumer's process, and a child never uses the parent's database
connection."""

from __future__ import annotations

import errno
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import ckan.model as model
import pytest
import sqlalchemy as sa
from ckan.tests import factories
from ckanext.harvest.model import HarvestJob

from ckanext.ecologie.harvest import dcat, read_ahead
from ckanext.ecologie.harvest.base import _source_info, hash_context
from ckanext.ecologie.harvest.dcat import EcologieDcatHarvester
from ckanext.ecologie.harvest.gather import SourceError
from ckanext.ecologie.harvest.pages import KnownPage, ReadPage
from ckanext.ecologie.harvest.records import Record, content_hash
from ckanext.ecologie.tests.harvest.servers import Answer
from ckanext.ecologie.tests.harvest.support import harvest, make_source
from ckanext.ecologie.tests.helpers import call

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")

PAGES = 5
PER_PAGE = 4
TURTLE = "text/turtle"


def _page(number: int, base: str) -> str:
    """A Turtle page of the paged catalogue: datasets with a distribution
    and a blank-node contact point, and Hydra's link to the next page."""
    datasets = []
    for index in range(PER_PAGE):
        key = f"{number}-{index}"
        datasets.append(
            f"""<{base}/dataset/{key}> a dcat:Dataset ;
    dct:identifier "jeu-{key}" ;
    dct:title "Jeu de données {key}"@fr ;
    dct:description "Relevés {key} des stations de mesure." ;
    dcat:keyword "eau", "mesure {number}" ;
    dcat:contactPoint [ a vcard:Kind ; vcard:fn "Service {number}" ; vcard:hasEmail <mailto:s{number}@example.org> ] ;
    dcat:distribution <{base}/dataset/{key}/csv> .
<{base}/dataset/{key}/csv> a dcat:Distribution ;
    dct:title "Fichier {key}" ;
    dcat:accessURL <{base}/files/{key}.csv> ;
    dct:format "CSV" .
<{base}/catalog> dcat:dataset <{base}/dataset/{key}> ."""
        )
    following = f"hydra:next <{base}/catalog.ttl?page={number + 1}> ;" if number < PAGES else ""
    return f"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<{base}/catalog> a dcat:Catalog .
<{base}/catalog.ttl?page={number}> a hydra:PagedCollection ; {following}
    hydra:totalItems {PAGES * PER_PAGE} .
{chr(10).join(datasets)}
"""


def _serve(server: Any, broken: int | None = None, failing: int | None = None) -> dict[str, Any]:
    """`broken`: that page is not Turtle; `failing`: that page answers 500."""
    base = server.url
    for number in range(1, PAGES + 1):
        body = "this is @not turtle <" if number == broken else _page(number, base)
        status = 500 if number == failing else 200
        server.add(f"/catalog.ttl?page={number}", Answer(status=status, content_type=TURTLE, body=body.encode("utf-8")))
    return make_source("ecologie_dcat", base + "/catalog.ttl?page=1", retries=0)


def _pages_read(source: dict[str, Any], ahead: bool) -> tuple[list[Any], str | None]:
    """What the harvester's pages give, in order (records by identifier and
    content hash), and the error that ended them."""
    job = HarvestJob.get(call("harvest_job_create", source_id=source["id"])["id"])
    info = _source_info(job)
    harvester = EcologieDcatHarvester()
    context = hash_context(job, info)
    read: list[Any] = []
    error = None
    children: list[int] = []

    class CountedChild(read_ahead.InChild):
        def __init__(self, read: Callable[[], read_ahead.Read]) -> None:
            super().__init__(read)
            children.append(self._process.pid)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read_ahead, "enabled", lambda: ahead)
        patch.setattr(read_ahead, "InChild", CountedChild)
        try:
            for page in harvester.pages(job, info, harvester.load_config(job.source.config)):
                assert isinstance(page, ReadPage), page
                records = [
                    (item.identifier, content_hash(item.dataset, context)) if isinstance(item, Record) else item
                    for item in page.items
                ]
                read.append((page.url, page.digest, page.next_url, records))
        except Exception as raised:
            error = f"{type(raised).__name__}: {raised}"
    model.Session.rollback()
    call("harvest_job_abort", source_id=source["id"])
    # with read-ahead, each page given was read in a child of its own (and
    # pages after a failing one may have been read ahead); none without
    assert len(set(children)) >= max(len(read), 1) if ahead else children == []
    return read, error


def test_pages_read_ahead_are_those_read_in_order(catalogue_server) -> None:
    source = _serve(catalogue_server)
    in_order, error = _pages_read(source, ahead=False)
    assert error is None
    assert [len(records) for *_, records in in_order] == [PER_PAGE] * PAGES
    assert in_order[-1][2] is None
    assert all(isinstance(record, tuple) for *_, records in in_order for record in records)

    ahead, error = _pages_read(source, ahead=True)
    assert error is None
    assert ahead == in_order


@pytest.fixture(autouse=True)
def no_reader_left() -> Iterator[None]:
    yield
    assert multiprocessing.active_children() == []


def _gathered_then_error(source: dict[str, Any]) -> tuple[list[str], str | None]:
    in_order, error_in_order = _pages_read(source, ahead=False)
    ahead, error_ahead = _pages_read(source, ahead=True)
    assert (ahead, error_ahead) == (in_order, error_in_order)
    return [url.rsplit("=", 1)[-1] for url, *_ in in_order], error_in_order


def test_a_page_that_cannot_be_parsed_ends_the_pages_at_the_same_place(catalogue_server) -> None:
    pages, error = _gathered_then_error(_serve(catalogue_server, broken=3))
    assert pages == ["1", "2"]
    assert error == f"SourceError: {catalogue_server.url}/catalog.ttl?page=3: Malformed RDF (turtle): BadSyntax"


def test_a_page_that_cannot_be_fetched_ends_the_pages_at_the_same_place(catalogue_server) -> None:
    pages, error = _gathered_then_error(_serve(catalogue_server, failing=4))
    assert pages == ["1", "2", "3"]
    assert error == f"SourceError: {catalogue_server.url}/catalog.ttl?page=4 answered with HTTP 500"


@pytest.mark.ckan_config("ckanext.ecologie.harvest.max_pages", 3)
def test_the_page_limit_ends_the_pages_at_the_same_place(catalogue_server) -> None:
    pages, error = _gathered_then_error(_serve(catalogue_server))
    assert pages == ["1", "2", "3"]
    assert error == "SourceError: More than 3 pages: stopped"


def test_profiles_that_fail_end_the_pages_at_that_page(catalogue_server, monkeypatch) -> None:
    """The profiles of page 2 fail while pages 3 and 4 are read ahead: those
    are dropped, as in order they would never have been read."""
    read_records = dcat.dataset_records

    def failing_on_page_2(parser: Any, source: Any, remembered: Any = None) -> Any:
        if (parser.next_page() or "").endswith("page=3"):
            raise KeyError("dct:title")
        return read_records(parser, source, remembered)

    monkeypatch.setattr(dcat, "dataset_records", failing_on_page_2)
    pages, error = _gathered_then_error(_serve(catalogue_server))
    assert pages == ["1"]
    assert error == "KeyError: 'dct:title'"


def test_pages_left_unread_leave_no_reader(catalogue_server, monkeypatch) -> None:
    """The gather stops taking pages (its consumer closes them) while the
    readers of the pages ahead are still at their profiles: they are stopped."""
    read_records = dcat.dataset_records

    def slow_after_page_1(parser: Any, source: Any, remembered: Any = None) -> Any:
        if not (parser.next_page() or "").endswith("page=2"):
            time.sleep(60)
        return read_records(parser, source, remembered)

    monkeypatch.setattr(dcat, "dataset_records", slow_after_page_1)
    monkeypatch.setattr(read_ahead, "enabled", lambda: True)
    source = _serve(catalogue_server)
    job = HarvestJob.get(call("harvest_job_create", source_id=source["id"])["id"])
    harvester = EcologieDcatHarvester()
    pages = harvester.pages(job, _source_info(job), harvester.load_config(job.source.config))
    first = next(pages)
    assert isinstance(first, ReadPage) and len(first.items) == PER_PAGE
    assert len(multiprocessing.active_children()) == read_ahead.PAGES_AHEAD  # pages 2 and 3, at their profiles
    started = time.monotonic()
    pages.close()
    assert multiprocessing.active_children() == []
    assert time.monotonic() - started < 30
    model.Session.rollback()


def test_pages_known_from_last_time_keep_their_place(catalogue_server, harvest_consumers) -> None:
    source = _serve(catalogue_server)
    assert harvest(source, harvest_consumers)["stats"]["added"] == PAGES * PER_PAGE
    job = HarvestJob.get(call("harvest_job_create", source_id=source["id"])["id"])
    info = _source_info(job)
    harvester = EcologieDcatHarvester()
    # page 2 changes: the others are known, page 2 is read in a child between them
    corrected = _page(2, catalogue_server.url).replace("Relevés 2-1", "Relevés corrigés 2-1")
    catalogue_server.add("/catalog.ttl?page=2", Answer(content_type=TURTLE, body=corrected.encode("utf-8")))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read_ahead, "enabled", lambda: True)
        kinds = [
            (type(page).__name__, page.url.rsplit("=", 1)[-1])
            for page in harvester.pages(job, info, harvester.load_config(job.source.config))
        ]
    assert kinds == [
        (KnownPage.__name__, "1"),
        (ReadPage.__name__, "2"),
        (KnownPage.__name__, "3"),
        (KnownPage.__name__, "4"),
        (KnownPage.__name__, "5"),
    ]
    model.Session.rollback()
    call("harvest_job_abort", source_id=source["id"])


def _in_child(read: Callable[[], read_ahead.Read]) -> read_ahead.InChild:
    return read_ahead.InChild(read)


def test_a_child_uses_its_own_database_connection() -> None:
    """The parent's uncommitted change is not seen by the child, which
    queries on a connection of its own, and the parent's transaction goes on."""
    backend = sa.text("SELECT pg_backend_pid()")
    organization = factories.Organization()
    model.Session.execute(
        sa.text("UPDATE \"group\" SET title = 'pas encore validé' WHERE id = :id"), {"id": organization["id"]}
    )
    parent_backend = model.Session.execute(backend).scalar()

    def read() -> read_ahead.Read:
        title = model.Session.execute(
            sa.text('SELECT title FROM "group" WHERE id = :id'), {"id": organization["id"]}
        ).scalar()
        child_backend = model.Session.execute(backend).scalar()
        return "next", lambda: [title, child_backend, os.getpid()]

    page = _in_child(read)
    assert page.next_url == "next"
    title, child_backend, child_pid = page.records()
    assert title == organization["title"]
    assert child_backend != parent_backend
    assert child_pid != os.getpid()

    seen_here = model.Session.execute(
        sa.text('SELECT title FROM "group" WHERE id = :id'), {"id": organization["id"]}
    ).scalar()
    assert seen_here == "pas encore validé"
    model.Session.commit()
    assert call("organization_show", id=organization["id"])["title"] == "pas encore validé"


def test_a_child_takes_no_connection_of_the_parent_pool(monkeypatch) -> None:
    """The tests' engine pools nothing: here a pooling one, as the gather
    consumer's, holds a connection in use and an idle one. The child opens
    its own, and both of the parent's answer after the child is gone."""
    engine = sa.create_engine(model.meta.engine.url, poolclass=sa.pool.QueuePool)
    monkeypatch.setattr(model.meta, "engine", engine)
    backend = sa.text("SELECT pg_backend_pid()")

    def read() -> read_ahead.Read:
        with model.meta.engine.connect() as own:
            child_backend = own.execute(backend).scalar()
        return None, lambda: [child_backend]

    try:
        with engine.connect() as busy:
            busy_backend = busy.execute(backend).scalar()
            with engine.connect() as other:
                idle_backend = other.execute(backend).scalar()
            [child_backend] = _in_child(read).records()
            assert child_backend not in (busy_backend, idle_backend)
            assert busy.execute(backend).scalar() == busy_backend
        with engine.connect() as again:
            assert again.execute(backend).scalar() in (busy_backend, idle_backend)
    finally:
        engine.dispose()


def test_a_child_that_fails_or_dies_fails_its_page() -> None:
    def unreadable() -> read_ahead.Read:
        raise SourceError("page illisible")

    with pytest.raises(SourceError) as raised:
        _in_child(unreadable)
    # the message is the child's, its traceback a note (pytest's `match` reads both)
    assert str(raised.value) == "page illisible"

    def records_fail() -> read_ahead.Read:
        def records() -> list[Any]:
            raise KeyError("dct:title")

        return None, records

    page = _in_child(records_fail)
    assert page.next_url is None
    with pytest.raises(KeyError) as raised_later:
        page.records()
    assert raised_later.value.args == ("dct:title",)
    assert "In the page reader" in "".join(raised_later.value.__notes__)

    def dies() -> read_ahead.Read:
        os._exit(3)

    with pytest.raises(RuntimeError, match=r"^the page reader exited with code 3$"):
        _in_child(dies)


class TwoPartError(Exception):
    """An exception pickle can write but not read back (its arguments are not its `args`)."""

    def __init__(self, part: str, other: str) -> None:
        super().__init__(f"{part}/{other}")


def test_an_error_that_cannot_travel_comes_back_by_name_with_the_child_traceback() -> None:
    def fails() -> read_ahead.Read:
        raise TwoPartError("a", "b")

    with pytest.raises(RuntimeError) as raised:
        _in_child(fails)
    assert str(raised.value) == "TwoPartError: a/b"
    notes = "".join(raised.value.__notes__)
    assert "In the page reader" in notes and "raise TwoPartError" in notes


def test_a_silent_reader_is_stopped(monkeypatch) -> None:
    monkeypatch.setattr(read_ahead, "ANSWER_WAIT_S", 0.5)

    def hangs() -> read_ahead.Read:
        time.sleep(60)
        return None, list

    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^the page reader gave no answer within 0.5 s$"):
        _in_child(hangs)
    assert time.monotonic() - started < 30


def test_a_page_is_read_in_process_when_no_reader_can_start(monkeypatch) -> None:
    def cannot_fork(process: Any) -> None:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(read_ahead, "_start", cannot_fork)
    page = read_ahead.reading(lambda: ("next", lambda: [os.getpid()]), in_child=True)
    assert isinstance(page, read_ahead.InProcess)
    assert (page.next_url, page.records()) == ("next", [os.getpid()])


class DownloadHook:
    """Another plugin's `IDCATRDFHarvester.before_download`."""

    def before_download(self, url: str, job: Any) -> tuple[str, list[str]]:
        return url, []


def test_read_ahead_is_off_while_another_plugin_hooks_the_pages(monkeypatch) -> None:
    # ours implements the interface with its default hooks
    assert not EcologieDcatHarvester._others_hook_the_pages()
    # ckan.plugins' own name, given back before the plugins are unloaded
    with monkeypatch.context() as patch:
        patch.setattr(dcat.p, "PluginImplementations", lambda interface: [DownloadHook()])
        assert EcologieDcatHarvester._others_hook_the_pages()
