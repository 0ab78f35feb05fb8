"""The portal's own pages: the feedback form and the About page."""

from __future__ import annotations

import socket
import time

import ckan.plugins.toolkit as tk
import pytest
from ckan.lib import jobs

from ckanext.ecologie.pages import feedback

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


class TestFeedback:
    def _form(self, app) -> dict:
        body = app.get("/contact").get_data(as_text=True)
        token = body.split('name="token" value="')[1].split('"')[0]
        return {
            "token": token,
            "name": "Camille",
            "email": "camille@example.org",
            "subject": "Données manquantes",
            "message": "Il manque les bornes de 2025.",
        }

    def test_a_message_reaches_the_portal_team(self, app, smtp_server, monkeypatch) -> None:
        form = self._form(app)
        monkeypatch.setattr(feedback, "MIN_SECONDS", 0)
        app.post("/contact", data=form)
        assert [to for to, _ in smtp_server.messages] == [["equipe@example.org"]]
        assert "Il manque les bornes de 2025." in smtp_server.messages[0][1]

    def test_robots_are_turned_away(self, app, smtp_server, monkeypatch) -> None:
        form = self._form(app)
        page = app.post("/contact", data=form).get_data(as_text=True)  # sent at once: a robot
        assert "pas pu être envoyé" in page
        monkeypatch.setattr(feedback, "MIN_SECONDS", 0)
        app.post("/contact", data={**form, "website": "http://spam.example.org"})
        assert smtp_server.messages == []

    @pytest.mark.ckan_config("ckanext.ecologie.feedback.rate_limit", "2")
    def test_the_rate_limit_and_bad_input(self, app, smtp_server, monkeypatch, clean_redis) -> None:
        monkeypatch.setattr(feedback, "MIN_SECONDS", 0)
        form = self._form(app)
        bad = app.post("/contact", data={**form, "email": "a@b.fr\nBcc: x@example.org"}).get_data(as_text=True)
        assert "adresse e-mail valide" in bad
        empty = app.post("/contact", data={**form, "message": ""}).get_data(as_text=True)
        assert "Valeur manquante" in empty
        for _ in range(2):
            app.post("/contact", data=form)
        limited = app.post("/contact", data=form).get_data(as_text=True)
        assert "Trop de messages" in limited
        assert len(smtp_server.messages) == 2

    def test_a_long_subject_is_refused_beside_its_field(self, app, smtp_server, monkeypatch) -> None:
        monkeypatch.setattr(feedback, "MIN_SECONDS", 0)
        page = app.post("/contact", data={**self._form(app), "subject": "x" * 201}).get_data(as_text=True)
        assert '<p class="fr-error-text error-block" id="subject-error">Au plus 200 caractères</p>' in page
        assert smtp_server.messages == []

    def test_the_form_is_open_without_an_account_and_labelled(self, app) -> None:
        body = app.get("/contact", params={"bouquet": "mobilites", "item": "x"}).get_data(as_text=True)
        assert 'for="field-message"' in body and "mobilites" in body

    def test_a_dead_mail_server_holds_no_request(self, app, monkeypatch, clean_redis, job_worker) -> None:
        """A mail server that takes the connection and never answers, then none
        at all: the form answers at once, and the failure is the mail job's."""
        monkeypatch.setattr(feedback, "MIN_SECONDS", 0)
        form = self._form(app)
        host, port = tk.config["smtp.server"].rsplit(":", 1)
        with socket.create_server((host, int(port))):  # listens, never accepts: a client waits for its greeting
            started = time.monotonic()
            page = app.post("/contact", data=form).get_data(as_text=True)
            assert time.monotonic() - started < 2
        assert "Merci : votre message a été envoyé à l&#39;équipe du portail." in page
        job_worker()  # the server is gone now: the connection is refused
        failed = jobs.get_queue().failed_job_registry
        job = jobs.job_from_id(failed.get_job_ids()[0])
        assert (failed.count, job.func_name, job.args[1]) == (1, "ckanext.ecologie.mail.deliver", "equipe@example.org")
        assert "SMTP server could not be connected to" in job.latest_result().exc_string


def test_the_about_page_in_french_by_default_and_in_english(app, tmp_path, ckan_config, monkeypatch) -> None:
    assert "Le catalogue de la transition écologique" in app.get("/about").get_data(as_text=True)
    assert "The catalogue of the ecological transition" in app.get("/en/about").get_data(as_text=True)
    custom = tmp_path / "about.md"
    custom.write_text("## Notre portail\n\n<script>x</script>Texte **libre**.", encoding="utf-8")
    monkeypatch.setitem(ckan_config, "ckanext.ecologie.about_file", str(custom))
    page = app.get("/about").get_data(as_text=True)
    assert "Notre portail" in page and "<strong>libre</strong>" in page and "<script>x</script>" not in page


def test_form_tokens_cannot_be_forged() -> None:
    assert feedback._too_fast("forged")
    assert feedback._too_fast(feedback.form_token())  # a fresh token is too fast by design
