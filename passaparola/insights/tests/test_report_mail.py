"""The leadership report by email, through a real SMTP server: who gets it, when, in which
language, with which figures, and never twice for one period."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.test import override_settings
from django.utils import translation

from passaparola.insights.report_mail import report_due
from passaparola.insights.tasks import send_leadership_reports
from passaparola.insights.tests.test_privacy import privacy_on
from passaparola.insights.tests.test_report import pdf_text, report_scene, set_cadence
from passaparola.people.models import Person, Role
from passaparola.people.services import person_create
from passaparola.programme.models import ReportCadence, ReportDelivery
from passaparola.testing.clock import at_instant, frozen
from passaparola.testing.mail import MailTestCase, html_of, path_in, text_of

ROME = ZoneInfo("Europe/Rome")
# The first morning after November closed: the monthly report is due.
DECEMBER_FIRST = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def attachment_of(message: object) -> tuple[str, bytes]:
    parts = [part for part in message.iter_attachments()]  # type: ignore[attr-defined]
    assert len(parts) == 1, parts
    return parts[0].get_filename(), parts[0].get_content()


class ReportMailTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        report_scene(self)

    @frozen(DECEMBER_FIRST)
    def test_leadership_viewers_and_managers_get_last_months_report(self) -> None:
        send_leadership_reports.call_local()

        self.assertEqual(
            sorted(message["To"] for message in self.inbox.messages),
            [self.adam.email, self.vera.email],
        )
        message = self.inbox.to(self.vera.email)[0]
        self.assertEqual(message["Subject"], "Leadership report for November 2026 · Passaparola")
        html, text = html_of(message), text_of(message)
        self.assertIn('data-figure="human-clicks">6<', html)
        self.assertIn('data-figure="value">35.40 USD<', html)
        self.assertIn("▲ 28.40 USD more (406%)", html)
        self.assertIn("Human clicks: 6 (5 more; before: 1)", text)
        self.assertIn("Earned media value (estimate): 35.40 USD", text)
        name, pdf = attachment_of(message)
        self.assertEqual(name, "leadership-report-2026-11.pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertIn("Leadership report: November 2026", pdf_text(pdf))
        self.assertIn("Factory opens", pdf_text(pdf))

    @frozen(DECEMBER_FIRST)
    def test_the_link_opens_the_same_report(self) -> None:
        send_leadership_reports.call_local()

        path = path_in(text_of(self.inbox.to(self.vera.email)[0]), "/dashboard/report/")
        self.login(self.vera)
        response = self.client.get(path)

        self.assertContains(response, 'data-period="2026-11"')
        self.assertIn(path, html_of(self.inbox.to(self.vera.email)[0]))

    @frozen(DECEMBER_FIRST)
    def test_it_goes_once_however_often_the_task_runs(self) -> None:
        send_leadership_reports.call_local()
        send_leadership_reports.call_local()

        self.assertEqual(len(self.inbox.messages), 2)
        sent = ReportDelivery.objects.filter(period="2026-11")
        self.assertEqual(
            sorted(sent.values_list("person_id", flat=True)), sorted([self.adam.pk, self.vera.pk])
        )
        self.assertTrue(all(delivery.sent_at for delivery in sent))

    @frozen(DECEMBER_FIRST)
    def test_members_editors_leads_and_people_who_left_get_none(self) -> None:
        gone = person_create(email="old@example.org", name="Old Viewer", role=Role.VIEWER)
        Person.objects.filter(pk=gone.pk).update(is_active=False)

        send_leadership_reports.call_local()

        for person in (self.alice, self.bob, self.charlie, self.erin, self.lena, gone):
            with self.subTest(person=person.name):
                self.assertEqual(self.inbox.to(person.email), [])

    @frozen(DECEMBER_FIRST)
    def test_each_reads_it_in_their_own_language(self) -> None:
        Person.objects.filter(pk=self.vera.pk).update(language="it")
        Person.objects.filter(pk=self.adam.pk).update(language="nl")

        send_leadership_reports.call_local()

        italian = self.inbox.to(self.vera.email)[0]
        dutch = self.inbox.to(self.adam.email)[0]
        self.assertEqual((italian["Content-Language"], dutch["Content-Language"]), ("it", "nl"))
        with translation.override("it"):
            self.assertIn("Novembre 2026", html_of(italian))
            self.assertIn("35,40 USD", html_of(italian))
        self.assertIn("november 2026", html_of(dutch))
        self.assertIn("35,40 USD", pdf_text(attachment_of(dutch)[1]))

    @frozen(DECEMBER_FIRST)
    def test_privacy_mode_keeps_individuals_out_of_a_viewers_report(self) -> None:
        privacy_on(50)

        send_leadership_reports.call_local()

        viewer = pdf_text(attachment_of(self.inbox.to(self.vera.email)[0])[1])
        manager = pdf_text(attachment_of(self.inbox.to(self.adam.email)[0])[1])
        self.assertNotIn("Alice Example", viewer)
        self.assertIn("Privacy mode", viewer)
        self.assertIn("Alice Example", manager)

    @frozen(DECEMBER_FIRST)
    def test_a_refused_address_is_tried_again_on_the_next_run(self) -> None:
        self.inbox.refuse.add(self.vera.email)

        send_leadership_reports.call_local()

        self.assertEqual([m["To"] for m in self.inbox.messages], [self.adam.email])
        self.assertFalse(ReportDelivery.objects.filter(person=self.vera).exists())
        self.inbox.refuse.clear()
        send_leadership_reports.call_local()
        self.assertEqual(len(self.inbox.to(self.vera.email)), 1)
        self.assertEqual(len(self.inbox.to(self.adam.email)), 1)

    def test_it_is_sent_on_the_first_morning_of_a_month_or_quarter(self) -> None:
        cases = [
            (datetime(2026, 12, 1, 6, 59, tzinfo=UTC), ReportCadence.MONTHLY, None),
            (datetime(2026, 12, 1, 7, 0, tzinfo=UTC), ReportCadence.MONTHLY, "2026-11"),
            (datetime(2026, 12, 3, 23, 59, tzinfo=UTC), ReportCadence.MONTHLY, "2026-11"),
            (datetime(2026, 12, 4, 7, 0, tzinfo=UTC), ReportCadence.MONTHLY, None),
            (datetime(2026, 12, 15, 9, 0, tzinfo=UTC), ReportCadence.MONTHLY, None),
            (datetime(2026, 3, 1, 7, 0, tzinfo=UTC), ReportCadence.MONTHLY, "2026-02"),
            (datetime(2027, 1, 1, 7, 0, tzinfo=UTC), ReportCadence.MONTHLY, "2026-12"),
            (datetime(2027, 1, 1, 7, 0, tzinfo=UTC), ReportCadence.QUARTERLY, "2026-Q4"),
            (datetime(2026, 10, 1, 9, 0, tzinfo=UTC), ReportCadence.QUARTERLY, "2026-Q3"),
            (datetime(2026, 4, 1, 7, 30, tzinfo=UTC), ReportCadence.QUARTERLY, "2026-Q1"),
            (datetime(2026, 11, 1, 7, 0, tzinfo=UTC), ReportCadence.QUARTERLY, None),
            (datetime(2026, 12, 1, 7, 0, tzinfo=UTC), ReportCadence.QUARTERLY, None),
            (datetime(2027, 1, 1, 7, 0, tzinfo=UTC), ReportCadence.OFF, None),
        ]
        for instant, cadence, expected in cases:
            with at_instant(self, instant):
                set_cadence(cadence)
                due = report_due()
                self.assertEqual(due.key if due else None, expected)

    @override_settings(TIME_ZONE="Europe/Rome")
    def test_the_morning_is_the_programmes_own(self) -> None:
        # 23:30 UTC on New Year's Eve is 00:30 in Rome: a new month, but not morning yet.
        with at_instant(self, datetime(2026, 12, 31, 23, 30, tzinfo=UTC)):
            self.assertIsNone(report_due())
        with at_instant(self, datetime(2027, 1, 1, 7, 0, tzinfo=ROME)):
            self.assertEqual(report_due().key, "2026-12")  # type: ignore[union-attr]

    def test_month_quarter_and_year_ends_through_the_mail_server(self) -> None:
        cases = [
            (datetime(2027, 1, 1, 7, 0, tzinfo=UTC), ReportCadence.MONTHLY, "December 2026"),
            (datetime(2027, 1, 1, 7, 0, tzinfo=UTC), ReportCadence.QUARTERLY, "Q4 2026"),
            (datetime(2026, 10, 1, 7, 0, tzinfo=UTC), ReportCadence.QUARTERLY, "Q3 2026"),
            (datetime(2026, 11, 1, 7, 0, tzinfo=UTC), ReportCadence.QUARTERLY, None),
            (datetime(2026, 11, 1, 7, 0, tzinfo=UTC), ReportCadence.OFF, None),
        ]
        for instant, cadence, period in cases:
            self.inbox.messages.clear()
            with at_instant(self, instant):
                set_cadence(cadence)
                send_leadership_reports.call_local()
                subjects = {message["Subject"] for message in self.inbox.messages}
                if period is None:
                    self.assertEqual(subjects, set())
                else:
                    self.assertEqual(subjects, {f"Leadership report for {period} · Passaparola"})
                    self.assertEqual(len(self.inbox.messages), 2)
