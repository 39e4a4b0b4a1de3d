"""Tokens at rest: Fernet keys from the settings, rotation, and a key derived from SECRET_KEY."""

from django.test import SimpleTestCase, override_settings

from passaparola.lib.crypto import DecryptionError, decrypt, encrypt, new_key

OLD, NEW = new_key(), new_key()


class CryptoTests(SimpleTestCase):
    def test_a_value_round_trips_and_is_not_stored_in_clear(self) -> None:
        token = encrypt("secret-token")

        self.assertNotIn("secret-token", token)
        self.assertEqual(decrypt(token), "secret-token")

    def test_empty_stays_empty(self) -> None:
        self.assertEqual((encrypt(""), decrypt("")), ("", ""))

    @override_settings(TOKEN_ENCRYPTION_KEY="")
    def test_without_a_key_one_is_derived_from_the_secret_key(self) -> None:
        token = encrypt("secret-token")

        with self.settings(SECRET_KEY="another-secret"), self.assertRaises(DecryptionError):
            decrypt(token)
        self.assertEqual(decrypt(token), "secret-token")

    def test_a_new_key_first_still_reads_tokens_of_the_old_key(self) -> None:
        with self.settings(TOKEN_ENCRYPTION_KEY=OLD):
            token = encrypt("secret-token")
        with self.settings(TOKEN_ENCRYPTION_KEY=f"{NEW},{OLD}"):
            self.assertEqual(decrypt(token), "secret-token")
            rotated = encrypt("secret-token")
        with self.settings(TOKEN_ENCRYPTION_KEY=NEW):
            self.assertEqual(decrypt(rotated), "secret-token")
            with self.assertRaises(DecryptionError):
                decrypt(token)
