#!/usr/bin/env python3
"""Generates Liaison's reference data: data/states.json, data/organisations.json, data/cbms.json.

Usage: python3 scripts/generate-reference-data.py [--iso-codes-json FILE] [--locale-dir DIR]
                                                  [--seeds-dir DIR]

Standard library only. Inputs:

* Debian's iso-codes: /usr/share/iso-codes/json/iso_3166-1.json for codes and English names, and
  /usr/share/locale/{ar,zh_CN,fr,ru,es}/LC_MESSAGES/iso_3166-1.mo for the translations. Names are
  never typed by hand; a missing translation falls back to English with a warning on stderr.
* The membership lists below (alpha-3 codes), which are our own domain knowledge.
* The project's source documents (seeds) for the two CBM catalogues: OSCE PC.DEC/1202 and the
  OEWG working paper that reproduces Annex B of the OEWG 2023 Annual Progress Report. If the seeds
  directory is absent, data/cbms.json is left as it is.

Output is deterministic: states sorted by alpha-3, member lists sorted, one JSON object per line.
"""

import argparse
import gettext
import json
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
DATA = REPO / "data"

DEFAULT_ISO_JSON = pathlib.Path("/usr/share/iso-codes/json/iso_3166-1.json")
DEFAULT_LOCALE_DIR = pathlib.Path("/usr/share/locale")
DEFAULT_SEEDS_DIR = pathlib.Path("/work/shared/seeds")
OSCE_SEED = "003_11a074e013c8daeb.txt"
UN_SEED = "004_e19bccea0b18a60a.txt"

# Output language code -> gettext locale directory. English is the iso-codes `name` itself.
LANGUAGES = {"ar": "ar", "es": "es", "fr": "fr", "ru": "ru", "zh": "zh_CN"}
# A sanity check on the translations: a letter of the language's own script (ar, ru, zh).
SCRIPTS = {"ar": "[\u0600-\u06ff]", "ru": "[\u0400-\u04ff]", "zh": "[\u4e00-\u9fff]"}

# ---------------------------------------------------------------------------------------------
# Membership lists (alpha-3). Each list carries its source and the date it was last checked.
# ---------------------------------------------------------------------------------------------

# United Nations: 193 Member States (South Sudan, 14 July 2011, is the latest admission).
# Source: https://www.un.org/en/about-us/member-states — checked 2024; unchanged since 2011.
UN_MEMBERS = """
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA BRA
BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK COD DNK
DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB
GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO
LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE MAR MOZ MMR NAM NRU
NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT KOR MDA ROU RUS RWA
KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF SSD ESP LKA SDN SUR SWE CHE
SYR TJK THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE GBR TZA USA URY UZB VUT VEN VNM YEM ZMB
ZWE
""".split()

# OSCE: 57 participating States (Mongolia, 21 November 2012, is the latest), including the Holy
# See, Mongolia, the five Central Asian states, Canada and the United States.
# Source: https://www.osce.org/participating-states — checked 2024; unchanged since 2012.
OSCE_MEMBERS = """
ALB AND ARM AUT AZE BLR BEL BIH BGR CAN HRV CYP CZE DNK EST FIN FRA GEO DEU GRC VAT HUN ISL IRL
ITA KAZ KGZ LVA LIE LTU LUX MLT MDA MCO MNG MNE NLD MKD NOR POL PRT ROU RUS SMR SRB SVK SVN ESP
SWE CHE TJK TUR TKM UKR GBR USA UZB
""".split()

# OAS: 35 Member States, including Cuba (its 1962 exclusion was lifted by resolution
# AG/RES. 2438 (XXXIX-O/09), 2009). Source: https://www.oas.org/en/member_states/ — count fixed
# at 35 by the product owner; Nicaragua's withdrawal (effective 19 November 2023) is NOT applied.
OAS_MEMBERS = """
ATG ARG BHS BRB BLZ BOL BRA CAN CHL COL CRI CUB DMA DOM ECU SLV GRD GTM GUY HTI HND JAM MEX NIC
PAN PRY PER KNA LCA VCT SUR TTO USA URY VEN
""".split()

# ASEAN: 10 Member States (Cambodia, 30 April 1999, the latest of the ten).
# Source: https://asean.org/member-states/ — count fixed at 10 by the product owner; Timor-Leste's
# admission as the 11th member (47th ASEAN Summit, 26 October 2025) is NOT applied.
ASEAN_MEMBERS = "BRN KHM IDN LAO MYS MMR PHL SGP THA VNM".split()

# ASEAN Regional Forum: 27 participants = the 10 ASEAN states + 16 other states + the European
# Union (Sri Lanka, 2007, the latest). The EU is not an ISO 3166-1 entry and is listed separately.
# Source: https://aseanregionalforum.asean.org/about-arf/ — checked 2024.
ARF_MEMBERS = ASEAN_MEMBERS + """
AUS BGD CAN CHN PRK IND JPN KOR MNG NZL PAK PNG RUS LKA TLS USA
""".split()
ARF_OTHER_PARTICIPANTS = [{"code": "EU", "name": "European Union"}]

# African Union: 55 Member States = the 54 African UN members (including Morocco, readmitted
# 30 January 2017) + the Sahrawi Arab Democratic Republic, represented here by ISO's Western Sahara
# entry (ESH). Suspensions of participation are not membership changes and are not modelled.
# Source: https://au.int/en/member_states/countryprofiles2 — checked 2024; unchanged since 2017.
AU_MEMBERS = """
DZA AGO BEN BWA BFA BDI CPV CMR CAF TCD COM COG COD CIV DJI EGY GNQ ERI SWZ ETH GAB GMB GHA GIN
GNB KEN LSO LBR LBY MDG MWI MLI MRT MUS MAR MOZ NAM NER NGA RWA STP SEN SYC SLE SOM ZAF SSD SDN
TZA TGO TUN UGA ZMB ZWE ESH
""".split()

# The states.json population: the 193 UN members plus these two non-UN entries.
EXTRA_STATES = ["VAT", "ESH"]  # Holy See (OSCE); Western Sahara = SADR (AU)

ORGANISATIONS = [
    # (code, name, member_term, members, other_participants, expected participant count)
    ("UN", "United Nations", "Member State", UN_MEMBERS, [], 193),
    ("OSCE", "Organization for Security and Co-operation in Europe", "participating State",
     OSCE_MEMBERS, [], 57),
    ("OAS", "Organization of American States", "Member State", OAS_MEMBERS, [], 35),
    ("ASEAN", "Association of Southeast Asian Nations", "Member State", ASEAN_MEMBERS, [], 10),
    ("ARF", "ASEAN Regional Forum", "participant", ARF_MEMBERS, ARF_OTHER_PARTICIPANTS, 27),
    ("AU", "African Union", "Member State", AU_MEMBERS, [], 55),
]

# ---------------------------------------------------------------------------------------------
# CBM catalogues: short titles are ours; the texts are extracted from the seeds.
# ---------------------------------------------------------------------------------------------

OSCE_TITLES = {
    "1": "National views on threats to and in the use of ICTs",
    "2": "Co-operation among competent national bodies and information exchange",
    "3": "Consultations to reduce the risks of misperception and conflict",
    "4": "Measures to ensure an open, interoperable, secure and reliable Internet",
    "5": "The OSCE as a platform for dialogue, best practices and capacity-building",
    "6": "National legislation for co-operation against terrorist or criminal use of ICTs",
    "7": "National organisation, strategies, policies and programmes",
    "8": "National contact points and rapid communication at policy level",
    "9": "National terminology and a consensus glossary",
    "10": "Use of OSCE platforms, including the OSCE Communications Network",
    "11": "Meetings of designated national experts at least three times a year",
    "12": "Workshops, seminars and roundtables on co-operative measures",
    "13": "Authorized and protected communication channels",
    "14": "Public-private partnerships and exchange of best practices",
    "15": "Collaboration on protecting ICT-enabled critical infrastructure",
    "16": "Responsible reporting of ICT vulnerabilities",
}

UN_TITLES = {
    "1": "National Points of Contact and the global POC directory",
    "1(a)": "Establish a global, intergovernmental points of contact directory",
    "1(b)": "Nominate a national Point of Contact (technical, policy, diplomatic)",
    "1(c)": "Operationalize and utilize the global POC directory",
    "1(c)(i)": "Communication checks in the form of \u201cPing\u201d tests",
    "1(c)(ii)": "Voluntary information-sharing, incl. on urgent or significant ICT incidents",
    "1(c)(iii)": "Tabletop exercises on participating in a POC directory",
    "1(c)(iv)": "Regular meetings of POCs",
    "1(c)(v)": "Communication between POCs through the directory",
    "2": "Dialogue and consultations between States at all levels",
    "2(a)": "The OEWG dialogue as a CBM in itself",
    "2(b)": "Cross-regional exchanges of lessons and good practices on CBMs",
    "2(c)": "Consider CBMs bilaterally, regionally and multilaterally",
    "2(d)": "The OEWG itself served as a CBM",
    "3": "Voluntary sharing of national strategies, policies and legislation",
    "3(a)": "Inform the Secretary-General of views, lessons and good practice",
    "3(b)": "Transparency measures, incl. through the UNIDIR Cyber Policy Portal",
    "3(c)": "Share concept papers, strategies and information on ICT institutions",
    "4": "Cooperative development and exercise of CBMs",
    "4(a)": "Identify and consider CBMs appropriate to national contexts",
    "4(b)": "Cooperative exercise of CBMs at all levels",
    "4(c)": "Exchange views at the OEWG on developing additional CBMs",
}


def warn(message):
    print(f"warning: {message}", file=sys.stderr)


class _MissRecorder(gettext.NullTranslations):
    """A gettext fallback that records every message the real catalogue did not translate."""

    def __init__(self):
        super().__init__()
        self.missing = set()

    def gettext(self, message):
        self.missing.add(message)
        return message


def load_translations(locale_dir):
    result = {}
    for lang, locale in LANGUAGES.items():
        mo = locale_dir / locale / "LC_MESSAGES" / "iso_3166-1.mo"
        with open(mo, "rb") as f:
            catalogue = gettext.GNUTranslations(f)
        recorder = _MissRecorder()
        catalogue.add_fallback(recorder)
        result[lang] = (catalogue, recorder)
    return result


def build_states(iso_json, locale_dir):
    with open(iso_json, encoding="utf-8") as f:
        entries = {e["alpha_3"]: e for e in json.load(f)["3166-1"]}
    translations = load_translations(locale_dir)
    wanted = sorted(set(UN_MEMBERS) | set(EXTRA_STATES))
    states = []
    for alpha3 in wanted:
        if alpha3 not in entries:
            sys.exit(f"error: {alpha3} is not in {iso_json}")
        e = entries[alpha3]
        english = e["name"]
        names = {"en": english}
        for lang, (catalogue, recorder) in translations.items():
            translated = catalogue.gettext(english)
            if english in recorder.missing or not translated.strip():
                warn(f"no {lang} translation for {alpha3} '{english}'; using English")
                translated = english
            elif SCRIPTS.get(lang) and not re.search(SCRIPTS[lang], translated):
                warn(f"{lang} name for {alpha3} '{translated}' is not in the expected script")
            names[lang] = translated
        states.append({"alpha2": e["alpha_2"], "alpha3": alpha3, "numeric": e["numeric"],
                       "names": names})
    return states


def build_organisations(states):
    known = {s["alpha3"] for s in states}
    organisations = []
    for code, name, term, members, others, expected in ORGANISATIONS:
        if len(set(members)) != len(members):
            sys.exit(f"error: {code} lists a member twice")
        unknown = sorted(set(members) - known)
        if unknown:
            sys.exit(f"error: {code} members not in states.json: {unknown}")
        count = len(members) + len(others)
        if count != expected:
            sys.exit(f"error: {code} has {count} participants, expected {expected}")
        organisations.append({"code": code, "name": name, "member_term": term,
                              "members": sorted(members), "other_participants": others})
    return organisations


# --- CBM extraction -----------------------------------------------------------------------------

def clean(text):
    """Drops Markdown emphasis and collapses every run of whitespace to one space."""
    text = text.replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


def join_paragraphs(paragraphs):
    """Joins paragraphs with newlines; a paragraph that continues a sentence cut by a page break
    (the previous one ends without punctuation) is joined with a space instead."""
    out = []
    for p in paragraphs:
        p = clean(p)
        if not p:
            continue
        if out and not p.startswith("- ") and not re.search(r"[.:;!?\u201d\"]$", out[-1]):
            out[-1] += " " + p
        else:
            out.append(p)
    return "\n".join(out)


def extract_osce(seed):
    text = seed.read_text(encoding="utf-8")
    start = text.index("The following CBMs were first adopted through Permanent Council Decision "
                       "No. 1106")
    end = text.index("Practical Considerations")
    body = text[start:end]
    # Drop the two introductory sentences ("The following CBMs were first adopted ...:").
    body = re.sub(r"^The following CBMs were first adopted[^\n]*:\s*$", "", body, flags=re.M)
    parts = re.split(r"^(\d{1,2})\. ", body, flags=re.M)
    cbms = []
    for number, chunk in zip(parts[1::2], parts[2::2]):
        paragraphs = re.split(r"\n\s*\n|\n(?=- )", chunk)
        cbms.append({"catalogue": "OSCE", "number": number, "title": OSCE_TITLES[number],
                     "text": join_paragraphs(paragraphs)})
    numbers = [c["number"] for c in cbms]
    if numbers != [str(n) for n in range(1, 17)]:
        sys.exit(f"error: OSCE CBMs found {numbers}, expected 1..16")
    return cbms


ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


def extract_un(seed):
    text = seed.read_text(encoding="utf-8")
    marker = "Initial List of Voluntary Global CBMs"
    annex = text[text.index(marker) + len(marker):]
    annex = re.sub(r"<[^>]+>", "\n", annex)  # the seed's table markup carries no wording
    lines = [clean(line) for line in annex.splitlines()]
    annex = "\n".join(line for line in lines if line)
    # Headings "CBM n. ..." and lettered items "a) ..." each start a line after the tag removal,
    # and so does the "i)" of a roman-numbered list: a letter starts an item only if it is the
    # next one in sequence (a, b, c, ...), otherwise it stays with the current item.
    pieces = re.split(r"^(CBM \d+\.|[a-z]\))\s+", annex, flags=re.M)
    blocks = []  # [label, chunk]
    next_letter = None
    for label, chunk in zip(pieces[1::2], pieces[2::2]):
        if label.startswith("CBM"):
            next_letter = "a"
        elif label[0] == next_letter:
            next_letter = chr(ord(next_letter) + 1)
        else:
            blocks[-1][1] += "\n" + label + " " + chunk
            continue
        blocks.append([label, chunk])
    cbms = []
    top = None
    for label, chunk in blocks:
        chunk = clean(chunk)
        if label.startswith("CBM"):
            top = re.match(r"CBM (\d+)\.", label).group(1)
            cbms.append({"catalogue": "UN", "number": top, "text": chunk})
            continue
        letter = label[0]
        number = f"{top}({letter})"
        # An item with a list "i) ...; ii) ..." becomes one entry with the list on separate
        # lines, plus one entry per list item.
        items = re.split(r"(?:^|\s)((?:%s)\)) " % "|".join(reversed(ROMAN)), chunk)
        if len(items) > 1:
            chapeau = items[0].strip()
            subs = [(lab[:-1], body.strip()) for lab, body in zip(items[1::2], items[2::2])]
            expected = ROMAN[:len(subs)]
            if [lab for lab, _ in subs] != expected:
                sys.exit(f"error: UN CBM {number} list labels {[l for l, _ in subs]}")
            whole = "\n".join([chapeau] + [f"{lab}) {body}" for lab, body in subs])
            cbms.append({"catalogue": "UN", "number": number, "text": whole})
            for lab, body in subs:
                # Standalone, an item loses the list connector that tied it to the next one.
                body = re.sub(r";( and)?$", "", body)
                cbms.append({"catalogue": "UN", "number": f"{number}({lab})", "text": body})
        else:
            cbms.append({"catalogue": "UN", "number": number, "text": chunk})
    for cbm in cbms:
        if cbm["number"] not in UN_TITLES:
            sys.exit(f"error: UN CBM {cbm['number']} has no title in UN_TITLES")
        cbm["title"] = UN_TITLES[cbm["number"]]
    if sorted(c["number"] for c in cbms) != sorted(UN_TITLES):
        sys.exit(f"error: UN CBMs found {[c['number'] for c in cbms]}, expected {list(UN_TITLES)}")
    return [{k: c[k] for k in ("catalogue", "number", "title", "text")} for c in cbms]


# --- output ---------------------------------------------------------------------------------------

def write_lines(path, objects):
    """A JSON array with one object per line, so that a review diff shows one changed entry."""
    lines = [json.dumps(o, ensure_ascii=False, sort_keys=True) for o in objects]
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)} ({len(objects)} entries)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iso-codes-json", type=pathlib.Path, default=DEFAULT_ISO_JSON)
    parser.add_argument("--locale-dir", type=pathlib.Path, default=DEFAULT_LOCALE_DIR)
    parser.add_argument("--seeds-dir", type=pathlib.Path, default=DEFAULT_SEEDS_DIR)
    args = parser.parse_args()

    for title in list(OSCE_TITLES.values()) + list(UN_TITLES.values()):
        assert len(title) < 80, title
    assert len(UN_MEMBERS) == 193 and len(EXTRA_STATES) == 2

    states = build_states(args.iso_codes_json, args.locale_dir)
    assert len(states) == 195, len(states)
    organisations = build_organisations(states)
    DATA.mkdir(exist_ok=True)
    write_lines(DATA / "states.json", states)
    write_lines(DATA / "organisations.json", organisations)

    osce_seed, un_seed = args.seeds_dir / OSCE_SEED, args.seeds_dir / UN_SEED
    if osce_seed.exists() and un_seed.exists():
        cbms = extract_osce(osce_seed) + extract_un(un_seed)
        write_lines(DATA / "cbms.json", cbms)
    else:
        warn(f"seeds not found in {args.seeds_dir}; data/cbms.json left unchanged")


if __name__ == "__main__":
    main()
