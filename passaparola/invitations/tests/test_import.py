"""Importing people to invite from a CSV file: every row checked, nothing half imported."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from passaparola.audit.models import AuditEntry
from passaparola.invitations import tasks
from passaparola.invitations.models import ImportJob, Invitation, Wave
from passaparola.invitations.tests.support import add_translation
from passaparola.people.models import Person, Team
from passaparola.testing import BaseTestCase

HEADER = "name,email,teams,role,location,seniority,wave,language"


def big_file(rows: int = 10_000, bad: dict[int, str] | None = None) -> str:
    """A file with `rows` people; `bad` replaces whole lines by their spreadsheet row number."""
    lines = [HEADER]
    for number in range(2, rows + 2):
        team = "Sales|Marketing" if number % 2 else "Support"
        wave = "Pilot" if number < 100 else "Wave 2"
        line = f"Person {number},person{number}@acme.example,{team},member,Milan,Senior,{wave},it"
        lines.append((bad or {}).get(number, line))
    return "\r\n".join(lines) + "\r\n"


BAD_ROWS = {
    17: "Person 17,not-an-address,Sales,member,,,,",
    500: ",person500@acme.example,Sales,member,,,,",
    5000: "Person 5000,person5000@acme.example,Sales,captain,,,,",
    9000: "Person 9000,person3@acme.example,Sales,member,,,,",
    9999: "Person 9999,person9999@acme.example,Sales,admin,,,,xx",
}


class ImportTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        was_immediate = HUEY.immediate
        HUEY.immediate = True
        self.addCleanup(setattr, HUEY, "immediate", was_immediate)

    def upload(self, content: str | bytes, name: str = "people.csv") -> ImportJob:
        data = content.encode() if isinstance(content, str) else content
        response = self.client.post(
            reverse("invitations:import_upload"), {"file": SimpleUploadedFile(name, data)}
        )
        job = ImportJob.objects.order_by("-pk").first()
        assert job is not None, response.content.decode()[:2000]
        self.assertRedirects(response, reverse("invitations:import", args=[job.pk]))
        job.refresh_from_db()
        return job

    def start(self, job: ImportJob, **extra: str) -> None:
        response = self.client.post(reverse("invitations:import_start", args=[job.pk]), extra)
        self.assertEqual(response.status_code, 302)

    def progress(self, job: ImportJob) -> int:
        response = self.client.get(
            reverse("invitations:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true"
        )
        self.assertEqual(response.status_code, 200)
        found = re.search(r'data-percent="(\d+)"', response.content.decode())
        assert found is not None
        return int(found.group(1))


class TenThousandRowsTests(ImportTestCase):
    def test_a_large_file_with_bad_rows_shows_the_errors_and_imports_nothing_until_fixed(
        self,
    ) -> None:
        self.login(self.adam)

        job = self.upload(big_file(bad=BAD_ROWS))

        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertEqual(job.total_rows, 10_000)
        self.assertEqual(job.error_rows, 5)
        self.assertEqual(Invitation.objects.count(), 0)
        page = self.client.get(reverse("invitations:import", args=[job.pk])).content.decode()
        self.assertIn("Nothing was imported", page)
        for row in BAD_ROWS:
            self.assertIn(f'data-row="{row}"', page)
        self.assertIn("“not-an-address” is not a valid email address.", page)
        self.assertIn("The address person3@acme.example already appears in row 3.", page)
        self.assertIn("“captain” is not a role.", page)
        self.assertIn("Programme managers cannot be named by import", page)

        # Asking to import the file anyway, without choosing the valid rows, changes nothing.
        self.start(job, send_now="")
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertEqual(Invitation.objects.count(), 0)

        fixed = self.upload(big_file())
        self.assertEqual(fixed.status, ImportJob.Status.READY)
        self.assertEqual(fixed.valid_rows, 10_000)
        self.assertEqual(self.progress(fixed), 100)
        self.start(fixed, send_now="")

        fixed.refresh_from_db()
        self.assertEqual(fixed.status, ImportJob.Status.DONE)
        self.assertEqual(fixed.imported_rows, 10_000)
        self.assertEqual(self.progress(fixed), 100)
        self.assertEqual(Invitation.objects.count(), 10_000)
        self.assertEqual(fixed.content, "")  # the file with its addresses is not kept
        someone = Invitation.objects.get(email="person3@acme.example")
        self.assertEqual(someone.name, "Person 3")
        self.assertEqual(someone.language, "it")
        self.assertEqual(someone.wave, Wave.objects.get(name="Pilot"))
        self.assertEqual(
            sorted(someone.teams.values_list("name", "kind")),
            [
                ("Marketing", Team.Kind.DEPARTMENT),
                ("Milan", Team.Kind.LOCATION),
                ("Sales", Team.Kind.DEPARTMENT),
                ("Senior", Team.Kind.SENIORITY),
            ],
        )
        self.assertEqual(Invitation.objects.filter(wave__name="Wave 2").count(), 10_000 - 98)
        self.assertTrue(
            AuditEntry.objects.filter(action="import.finished", target_id=str(fixed.pk)).exists()
        )


class ImportTests(ImportTestCase):
    def test_the_progress_bar_polls_while_the_worker_imports_and_stops_at_100(self) -> None:
        self.login(self.adam)
        job = self.upload(big_file(rows=1200))
        HUEY.immediate = False  # the worker has not picked the import up yet

        self.start(job, send_now="")

        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.IMPORTING)
        waiting = self.client.get(
            reverse("invitations:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true"
        )
        self.assertContains(waiting, 'data-percent="0"')
        self.assertContains(waiting, "hx-get=")
        self.assertNotIn("HX-Refresh", waiting)

        tasks.run_import.call_local(job.pk)

        done = self.client.get(
            reverse("invitations:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true"
        )
        self.assertContains(done, 'data-percent="100"')
        self.assertContains(done, "1200 of 1200 rows imported")
        self.assertNotContains(done, "hx-get=")
        self.assertEqual(done["HX-Refresh"], "true")
        self.assertEqual(Invitation.objects.count(), 1200)

    def test_the_valid_rows_only_are_imported_when_the_manager_chooses_so_explicitly(
        self,
    ) -> None:
        self.login(self.adam)
        content = "\r\n".join(
            [
                HEADER,
                "Ann,ann@acme.example,,,,,,",
                "Bad,bad@@acme,,,,,,",
                "Cy,cy@acme.example,,,,,,",
            ]
        )
        job = self.upload(content)
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        page = self.client.get(reverse("invitations:import", args=[job.pk]))
        self.assertContains(page, "Import the 2 valid rows only")

        self.start(job, valid_only="True", send_now="")

        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE)
        self.assertEqual(
            sorted(Invitation.objects.values_list("email", flat=True)),
            ["ann@acme.example", "cy@acme.example"],
        )
        entry = AuditEntry.objects.get(action="import.started")
        self.assertEqual(entry.changes["rows_with_errors_left_out"], 1)

    def test_addresses_already_in_or_invited_are_left_alone_and_not_errors(self) -> None:
        self.login(self.adam)
        Invitation.objects.create(email="ann@acme.example")
        content = "\n".join(
            [
                HEADER,
                "Ann,ANN@acme.example,,,,,,",
                "Alice,alice@example.org,,,,,,",
                "Cy,cy@acme.example,,,,,,",
            ]
        )

        job = self.upload(content)

        self.assertEqual(job.status, ImportJob.Status.READY)
        self.assertEqual((job.valid_rows, job.existing_rows, job.error_rows), (1, 2, 0))
        self.start(job, send_now="")
        self.assertEqual(Invitation.objects.count(), 2)
        self.assertEqual(Person.objects.filter(email="alice@example.org").count(), 1)

    def test_missing_and_unknown_columns_are_reported_on_the_first_row(self) -> None:
        self.login(self.adam)

        job = self.upload("full name,emial,team\nAnn,ann@acme.example,Sales\n")

        self.assertEqual(job.status, ImportJob.Status.INVALID)
        page = self.client.get(reverse("invitations:import", args=[job.pk]))
        self.assertContains(page, "The column “emial” is not one we know.")
        self.assertContains(page, "The column “email” is missing from the first row.")
        self.assertNotContains(page, "Import the")

    def test_a_name_with_a_text_direction_override_is_an_error_on_its_row(self) -> None:
        self.login(self.adam)

        job = self.upload("name,email\nBob\u202egnp.exe,bob2@acme.example\n")

        self.assertEqual(job.status, ImportJob.Status.INVALID)
        page = self.client.get(reverse("invitations:import", args=[job.pk]))
        self.assertContains(page, "A name cannot contain invisible or text-direction characters.")

    def test_a_semicolon_file_saved_by_excel_in_windows_1252_is_read(self) -> None:
        self.login(self.adam)
        content = (
            "Name;Email;Teams;Role\r\n"
            "Nicolò Müller;nicolo@acme.example;Vendite|Estero;Team lead\r\n"
        )

        job = self.upload(content.encode("cp1252"))

        self.assertEqual(job.status, ImportJob.Status.READY, job.errors)
        self.start(job, send_now="")
        invitation = Invitation.objects.get()
        self.assertEqual(invitation.name, "Nicolò Müller")
        self.assertEqual(invitation.role, "lead")
        self.assertEqual(
            sorted(invitation.teams.values_list("name", flat=True)), ["Estero", "Vendite"]
        )

    def test_a_file_that_is_not_text_is_refused_with_a_message(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("invitations:import_upload"),
            {"file": SimpleUploadedFile("people.csv", b"\x00\x01\x02\xff\xfe\x00")},
        )

        self.assertContains(response, "Save it as CSV in UTF-8", status_code=400)
        self.assertFalse(ImportJob.objects.exists())

    def test_errors_are_shown_in_the_language_of_the_manager_reading_them(self) -> None:
        add_translation(
            self,
            "it",
            "“%(value)s” is not a valid email address.",
            "“%(value)s” non è un indirizzo email valido.",
        )
        self.login(self.adam)
        job = self.upload(f"{HEADER}\nAnn,not-an-address,,,,,,\n")
        english = self.client.get(reverse("invitations:import", args=[job.pk]))
        self.client.post(reverse("accounts:language"), {"language": "it"})

        italian = self.client.get(reverse("invitations:import", args=[job.pk]))

        self.assertContains(english, "“not-an-address” is not a valid email address.")
        self.assertContains(italian, '<html lang="it">')
        self.assertContains(italian, "“not-an-address” non è un indirizzo email valido.")

    def test_only_programme_managers_can_import(self) -> None:
        job = ImportJob.objects.create(created_by=self.adam, content=f"{HEADER}\n")
        urls = [
            reverse("invitations:import_upload"),
            reverse("invitations:import_template"),
            reverse("invitations:import", args=[job.pk]),
            reverse("invitations:import_progress", args=[job.pk]),
        ]
        for person in (self.alice, self.lena, self.erin, self.vera):
            self.login(person)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 404, (person, url))
            response = self.client.post(
                reverse("invitations:import_upload"),
                {"file": SimpleUploadedFile("p.csv", f"{HEADER}\nA,a@acme.example\n".encode())},
            )
            self.assertEqual(response.status_code, 404)
            start = self.client.post(reverse("invitations:import_start", args=[job.pk]))
            self.assertEqual(start.status_code, 404)
        self.assertEqual(ImportJob.objects.count(), 1)
        self.client.logout()
        self.assertEqual(self.client.get(urls[0]).status_code, 302)

    def test_the_template_file_can_be_imported_as_it_is(self) -> None:
        self.login(self.adam)
        template = self.client.get(reverse("invitations:import_template"))

        job = self.upload(template.content)

        page = self.client.get(reverse("invitations:import_upload"))
        self.assertContains(page, reverse("invitations:import", args=[job.pk]))

        self.assertEqual(job.status, ImportJob.Status.READY)
        self.assertEqual(job.new_teams, ["Marketing", "Milan", "Senior"])
        self.assertEqual(job.new_waves, ["Pilot"])
