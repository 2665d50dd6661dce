#!/usr/bin/env python3
"""Reads the vCards Liaison writes with an independent parser, Debian's python3-vobject.

    vcard_vobject_test.py path/to/vcard_sample

`vcard_sample vcf` prints the vCards of a few fixed entries (src/domain/formats/vcard.cpp does
the writing); `vcard_sample json` prints the same entries' raw fields. This test works out on its
own what a reader must find (the UID's URN, the tel: URIs, the key's data: URI) and compares it
with what vobject reads.
"""

import base64
import io
import json
import subprocess
import sys
import unittest

import vobject
import vobject.base

SAMPLE = None


def run_sample(mode):
    return subprocess.run([SAMPLE, mode], check=True, capture_output=True, timeout=30).stdout


class VcardThroughVobject(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.octets = run_sample("vcf")
        # Strict decoding: a UTF-8 sequence split by folding would fail here already.
        cls.text = cls.octets.decode("utf-8")
        cls.entries = json.loads(run_sample("json"))
        cls.cards = list(vobject.readComponents(cls.text))

    def test_lines_end_in_crlf_and_stay_within_75_octets(self):
        self.assertTrue(self.octets.endswith(b"\r\n"))
        lines = self.octets[:-2].split(b"\r\n")
        for line in lines:
            self.assertNotIn(b"\n", line)
            self.assertNotIn(b"\r", line)
            self.assertLessEqual(len(line), 75, line.decode("utf-8", "replace"))
            # Every physical line is valid UTF-8 on its own: no character was split at a fold.
            line.decode("utf-8")
        self.assertTrue(any(line.startswith(b" ") for line in lines), "nothing was folded")

    def test_one_card_per_entry(self):
        self.assertEqual(len(self.cards), len(self.entries))
        for card in self.cards:
            self.assertEqual(card.name, "VCARD")
            self.assertEqual(card.version.value, "4.0")

    def test_values_read_back_exactly(self):
        for card, entry in zip(self.cards, self.entries):
            with self.subTest(entry=entry["id"]):
                self.assertEqual(card.fn.value, entry["name"])
                self.assertEqual(card.uid.value, "urn:uuid:" + entry["id"])
                emails = [line.value for line in card.contents.get("email", [])]
                expected = [e for e in (entry["functional_email"], entry["personal_email"]) if e]
                self.assertEqual(emails, expected)
                # The functional address is the preferred one.
                self.assertEqual(card.contents["email"][0].params.get("PREF"), ["1"])
                tels = [line.value for line in card.contents.get("tel", [])]
                self.assertEqual(tels, ["tel:" + number for number in entry["phones"]])

    def test_keys_read_back_exactly(self):
        # vobject reads vCard 3.0, where every unknown property is TEXT, so it cuts KEY's data:
        # URI at its comma (RFC 6350 writes that comma bare: a URI is not TEXT). The key is
        # compared on vobject's own unfolded, parsed content lines instead.
        keys = []
        for line, _ in vobject.base.getLogicalLines(io.StringIO(self.text)):
            name, params, value, group = vobject.base.parseLine(line)
            if name.upper() == "BEGIN":
                keys.append(None)
            elif name.upper() == "KEY":
                keys[-1] = value
        self.assertEqual(len(keys), len(self.entries))
        for key, entry in zip(keys, self.entries):
            with self.subTest(entry=entry["id"]):
                if not entry["openpgp_key"]:
                    self.assertIsNone(key)
                    continue
                self.assertEqual(
                    key,
                    "data:application/pgp-keys;base64,"
                    + base64.b64encode(entry["openpgp_key"].encode("utf-8")).decode("ascii"),
                )
                encoded = key.split(",", 1)[1]
                self.assertEqual(base64.b64decode(encoded).decode("utf-8"), entry["openpgp_key"])

    def test_the_24_7_number_is_marked_and_preferred(self):
        for card in self.cards:
            for tel in card.contents.get("tel", []):
                types = ",".join(tel.params.get("TYPE", [])).split(",")
                self.assertIn("voice", types)
                if "x-24-7" in types:
                    self.assertEqual(tel.params.get("PREF"), ["1"])
        marked = [
            tel
            for card in self.cards
            for tel in card.contents.get("tel", [])
            if "x-24-7" in ",".join(tel.params.get("TYPE", []))
        ]
        self.assertEqual(len(marked), 3)

    def test_kinds_and_country(self):
        kinds = [card.contents["kind"][0].value for card in self.cards]
        self.assertEqual(kinds, ["individual", "org", "individual"])
        countries = [card.adr.value.country for card in self.cards]
        self.assertEqual(countries, ["الأردن", "مصر", "中国"])
        self.assertEqual(self.cards[2].categories.value, ["OSCE, UN"])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: vcard_vobject_test.py path/to/vcard_sample")
    SAMPLE = sys.argv.pop(1)
    unittest.main()
