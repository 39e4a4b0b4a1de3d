"""The one rule for the language we write to someone in: theirs, the programme's, the site's."""

from django.test import override_settings
from django.utils import translation

from passaparola.programme.models import Programme
from passaparola.programme.selectors import in_language_of, language_of, programme_get
from passaparola.programme.services import programme_update
from passaparola.testing import BaseTestCase


class LanguageOfTests(BaseTestCase):
    def test_a_person_reads_their_own_language(self) -> None:
        self.alice.language = "nl"

        self.assertEqual(language_of(self.alice), "nl")

    def test_without_one_they_read_the_programmes_default_language(self) -> None:
        programme_update(programme=programme_get(), fields={"default_language": "it"})

        self.assertEqual(language_of(self.alice), "it")
        self.assertEqual(language_of(), "it")

    def test_an_address_without_an_account_reads_the_language_it_came_with(self) -> None:
        programme_update(programme=programme_get(), fields={"default_language": "it"})

        self.assertEqual(language_of(preferred="nl"), "nl")
        self.assertEqual(language_of(preferred=""), "it")

    @override_settings(LANGUAGE_CODE="nl")
    def test_a_language_the_site_does_not_speak_falls_back_to_the_next_one(self) -> None:
        self.alice.language = "xx"
        self.assertEqual(language_of(self.alice), "en")
        self.assertEqual(language_of(preferred="it-ch"), "it")

        Programme.objects.filter(pk=1).update(default_language="")  # never by the settings form

        self.assertEqual(language_of(self.alice), "nl")

    def test_in_language_of_writes_what_follows_in_that_language(self) -> None:
        self.bob.language = "it"
        before = translation.get_language()

        with in_language_of(self.bob) as language:
            self.assertEqual((language, translation.get_language()), ("it", "it"))
        self.assertEqual(translation.get_language(), before)
