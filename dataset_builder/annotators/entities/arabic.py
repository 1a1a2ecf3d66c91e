"""Arabic rules for names the knowledge base lacks: people after a title chain or نظيره, after a
reporting verb or a role and a comma, or starting with a listed given name; organisations named by
an institution head, facilities named after a known place."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

from dataset_builder.annotators.entities.text import Word, is_word_char, last_word
from dataset_builder.documents import Span
from dataset_builder.knowledge.entities import EntityKnowledge
from dataset_builder.knowledge.text import normalise


def arabic_people(
    text: str, norm: str, words: list[Word], k: EntityKnowledge, known: Iterable[Span] = ()
) -> list[Span]:
    """Names after a title chain of any length (titles, nisba adjectives, places, و-joined titles)
    or after نظيره: a first name that is no verb and has no article, then name words up to a family
    name with the article, through compounds (عبد/أبو) and connectors (بن, آل). A word with the
    article behind a proclitic continues the chain (المدير التنفيذي للبرنامج), and so does a known
    name behind one (المديرة العامة لصندوق النقد الدولي) or after a bridge (في غزة, شركة أرامكو);
    punctuation between
    the chain and the name ends it (الفريق المصري، فيما)."""
    named = bytearray(len(text))  # inside a known place, organisation or nationality: part of a chain
    bodies = [span for span in known if span.label != "PER"]
    for span in bodies:
        named[span.start : span.end] = b"\x01" * (span.end - span.start)
    found: list[Span] = []
    i = 0
    titles = k.ar_titles
    while i < len(words):
        if words[i][2] not in titles:  # most words start no title: no call for them
            i += 1
            continue
        title_end = _title_end(norm, words[i], k)
        if title_end is None:
            i += 1
            continue
        j = _after_title(norm, words, i, title_end, k)
        while j < len(words) and _adjacent(norm, words[j - 1], words[j]):
            if words[j][2] in k.ar_given_names and any(w[2] == words[j][2] for w in words[i:j]):
                break  # said twice, the modifier is the name (المتحدث باسم الحكومة باسم العوادي)
            if _given_after_nisba(norm, words, i, j, k):
                break  # الكاتب الفلسطيني باسم خندقجي: after a nationality, a given name before a name
            if (
                _modifier(words[j][2], k)
                or named[words[j][1] - 1]  # also behind a proclitic: لصندوق النقد الدولي
                or words[j][2].startswith(k.ar_article_behind_proclitic)
            ):
                j += 1
            elif _before_connector(norm, words, j, k):
                break  # a title word before بن is a given name (المهندس أمين بن حسن الناصر)
            elif (body := _construct_body(norm, words, j, k)) is not None:
                j = body  # رئيس مجلس إدارة الهيئة: the body the title heads, a chain of constructs
            elif _second_domain(text, norm, words, j, k):
                j += 2  # وزير الاتصالات وتقنية المعلومات: the ministry's second domain is the title's
            elif (chained := _title_end(norm, words[j], k)) is not None:
                j = _after_title(norm, words, j, chained, k)
            elif (
                words[j][2] in k.ar_chain_bridges
                and j + 1 < len(words)
                and _adjacent(norm, words[j], words[j + 1])
                and named[words[j + 1][1] - 1]
            ):
                j += 1  # في غزة, شركة أرامكو: a known name after it continues the chain
            else:
                break
        if _named_inside(bodies, words[i][0], title_end, words[j - 1][1]):
            i = j
            continue  # the title's name is inside a body's (جامعة الملك سعود تفتتح): no name after it
        name = (
            _name_after(text, norm, words, j, k, lineage=words[j - 1][2] in k.ar_lineage_titles)
            if j < len(words) and _adjacent(norm, words[j - 1], words[j])
            else _apposition(text, norm, words, j, k)
        )
        if len(name) < 2 and j < len(words) and _adjacent(norm, words[j - 1], words[j]):
            name = _foreign_name(text, norm, words, j, k) or _single_name(
                text, norm, words, i, j, title_end, k
            )
        if name:  # two words at least, or one after a sport role
            start, end = name[0][0], name[-1][1]
            found.append(Span(start, end, text[start:end], "PER", None))
        i = max(j + len(name), i + 1)
    return found


def _single_name(
    text: str, norm: str, words: list[Word], i: int, j: int, title_end: int, k: EntityKnowledge
) -> list[Word]:
    """``[words[j]]`` when a sport role opens the chain (``k.ar_single_name_titles``: المهاجم تاليسكا)
    and that one word is a name closed by what follows: punctuation, a stopword, a verb, a لل-word or a
    common noun, bare or with the article (اللاعب كهربا هدف, المهاجم بونجاح الهدف); else nothing. No
    article word (اللاعب الشاب), nisba, word with a possessive ه (اللاعب نفسه) or known non-person."""
    at = words[i][0] + k.ar_titles[words[i][2]][0]
    word = words[j]
    w = word[2]
    if (
        norm[at:title_end] not in k.ar_single_name_titles
        or _article(text, word)
        or not _name_word(w, k)
        or _nisba(w, k)
        or text[word[1] - 1] == "ه"
        or (k.ar_verb.match(w) and w not in k.ar_given_names)
        or k.ar_not_first.match(w)
        or (w[0] in k.proclitics and (k.ar_not_first.match(w[1:]) or w[1:] in k.ar_not_names))
    ):
        return []
    if j + 1 < len(words) and _adjacent(norm, word, words[j + 1]):
        after = words[j + 1][2]
        bare = after[2:] if after.startswith("ال") else after
        if not (
            after in k.ar_stopwords
            or k.ar_verb.match(after)
            or after.startswith(k.ar_article_behind_proclitic)
            or after in k.ar_not_names
            or bare in k.ar_not_names
        ):
            return []
    return [word]


def _second_domain(text: str, norm: str, words: list[Word], j: int, k: EntityKnowledge) -> bool:
    """``words[j]`` joins a second domain to a minister's title: و and a noun in ة or ا (a feminine or
    a loanword: وتقنية, وتكنولوجيا; no given name) in construct with an article word (المعلومات)."""
    w = words[j][2]
    return (
        w.startswith("و")
        and len(w) > 3
        and w not in k.ar_given_names
        and text[words[j][1] - 1] in "ةا"
        and j + 1 < len(words)
        and _adjacent(norm, words[j], words[j + 1])
        and words[j + 1][2].startswith("ال")
        and not _known_person(words[j + 1][2], k)
    )


def _construct_body(norm: str, words: list[Word], j: int, k: EntityKnowledge) -> int | None:
    """Index after a body named by construct nouns from ``words[j]`` (مجلس إدارة, قسم) and the article
    word that closes them (الهيئة): the body a title heads, part of the chain; None if none starts."""
    m = j
    while (
        m < len(words)
        and (m == j or _adjacent(norm, words[m - 1], words[m]))
        and (words[m][2] in k.ar_role_complements or words[m][2] in k.ar_org_complemented)
    ):
        m += 1
    if m == j or m >= len(words) or not _adjacent(norm, words[m - 1], words[m]):
        return None
    closing = words[m][2]
    if not closing.startswith("ال") or _known_person(closing, k):
        return None
    return m + 1


def _foreign_name(text: str, norm: str, words: list[Word], j: int, k: EntityKnowledge) -> list[Word]:
    """A foreign name after a title chain whose first word looks like a verb (سيندي ماكين إن): two
    words, the second no accusative in ا (سيعقد اجتماعا), closed by punctuation, a stopword or a verb."""
    name = _name_after(text, norm, words, j, k, verb_like=True)
    if len(name) != 2 or name[1][2].endswith("ا") or not _closed(norm, words, j + 2, k):
        return []
    return name


def _named_inside(bodies: list[Span], start: int, title_end: int, chain_end: int) -> bool:
    """A title at ``start`` inside a known body that goes on past the title and ends where the chain
    does: the body is named after the title's holder (جامعة الملك سعود), so the words after the
    chain are the sentence's, not a name; a body ending with the title itself (مكتب رئيس الوزراء)
    may still be followed by its holder's name."""
    return any(b.start <= start and b.end > title_end and b.end == chain_end for b in bodies)


def arabic_speakers(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A name right after a reporting verb, set off by a comma before a role: the role vouches for
    the name (وقال محمد العبار، رئيس مجلس إدارة إعمار، إن). Two name words at least, the first no
    verb and without the article (:func:`_name_after`)."""
    found: list[Span] = []
    for i in range(len(words) - 2):
        if words[i][2] not in k.ar_reporting_verbs or not _adjacent(norm, words[i], words[i + 1]):
            continue
        name = _name_after(text, norm, words, i + 1, k)
        j = i + 1 + len(name)
        if (
            len(name) >= 2
            and j < len(words)
            and _COMMA.fullmatch(norm, name[-1][1], words[j][0])
            and (_title_end(norm, words[j], k) is not None or words[j][2] in k.ar_complemented)
        ):
            start, end = name[0][0], name[-1][1]
            found.append(Span(start, end, text[start:end], "PER", None))
    return found


def arabic_given_names(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A listed given name, then a family name, is a person with no title before it (غاب حكيم زياش،
    لكن سالم الدوسري): two name words at least (:func:`_name_after`). Not inside another name (after
    بن, عبد, أبو, الدين or a compound: بن سالم, عبد الرحمن أحمد التوم; after another given name: أحمد خالد
    حسن سعيد) nor after a facility's head (ملعب محمد الخامس is a place). With no title to vouch for it, an article word after two plain words is not
    taken as the family name (كريستيانو رونالدو الفارق)."""
    found: list[Span] = []
    for j, word in enumerate(words):
        compound = word[2] not in k.ar_given_names and _compound_start(norm, words, j, k)
        if (word[2] not in k.ar_given_names and not compound) or word[2] in k.ar_modifiers:
            continue  # a given name that is also a modifier (باسم) needs a title or a comma before it
        before = words[j - 1][2] if j and _adjacent(norm, words[j - 1], word) else None
        if before is not None and (
            before in k.ar_connectors
            or before in k.ar_compound_first
            or before in k.ar_compound_second
            or before in k.ar_facilities
            or before in k.ar_given_names  # أحمد خالد حسن سعيد: one name, not two
            or (j > 1 and words[j - 2][2] in k.ar_compound_first)  # عبد الرحمن أحمد
        ):
            continue
        name = _name_after(text, norm, words, j, k)
        if (
            len(name) == 3
            and name[-1][2].startswith("ال")
            and name[0][2] not in k.ar_compound_first  # عبد الله السعيد: the compound counts once
            and name[1][2] not in k.ar_compound_first
        ):
            name = name[:2]
        if compound and not (
            len(name) >= 3 and (name[-1][2].startswith("ال") or _closed(norm, words, j + len(name), k))
        ):
            continue  # a compound alone must be closed: عبد العالي حساني شريف goes on
        if len(name) >= 2:
            start, end = name[0][0], name[-1][1]
            found.append(Span(start, end, text[start:end], "PER", None))
    return found


def _compound_start(norm: str, words: list[Word], j: int, k: EntityKnowledge) -> bool:
    """``words[j]`` starts a compound given name with the article (عبد الله, أبو الفضل): with a family
    name after it (three words at least), a person with no title before it (من عبد الله السعيد); only
    where no given name stands before it (عادل عبد المهدي, محمد عبد المنعم: a family name): a listed
    one, or a plain name word with no proclitic, article or ه ending (not سجله, وسجل)."""
    if words[j][2] not in k.ar_compound_first:  # most words: settled before the word before is read
        return False
    before = words[j - 1][2] if j and _adjacent(norm, words[j - 1], words[j]) else None
    return (
        (
            before is None
            or (
                before not in k.ar_given_names
                and (
                    not _name_word(before, k)
                    or before.startswith(("ال", "و", "ف", "ب", "ل"))
                    or before.endswith("ه")
                    or k.ar_verb.match(before) is not None
                )
            )
        )
        and j + 1 < len(words)
        and _adjacent(norm, words[j], words[j + 1])
        and words[j + 1][2].startswith("ال")
    )


def arabic_nationals(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A name right after a nationality standing as a noun, as sport and culture news name foreign
    people (على الأوكرانية إيلينا سفيتولينا في, أمام الألماني ألكسندر زفيريف.): not after a noun with the
    article (then it is that noun's adjective: الجيش الإسرائيلي), and the name, two words at least,
    closed by punctuation, a stopword or a verb."""
    found: list[Span] = []
    for j in range(1, len(words)):
        nationality = words[j - 1][2]
        if (
            not nationality.startswith("ال")
            or k.names.get(("ar", nationality), (None, ""))[1] != "MISC"
            or not _adjacent(norm, words[j - 1], words[j])
        ):
            continue
        if (
            j >= 2
            and _adjacent(norm, words[j - 2], words[j - 1])
            and words[j - 2][2].startswith(("ال", *k.ar_article_behind_proclitic))
        ):
            continue
        first = words[j][2]
        if first[0] in "لبو" and (k.ar_not_first.match(first[1:]) or first[1:] in k.ar_not_names):
            continue  # a verbal noun behind a proclitic (الإماراتية لتطوير): no name
        name = _name_after(text, norm, words, j, k, verb_like=True)
        if len(name) >= 2 and _closed(norm, words, j + len(name), k):
            start, end = name[0][0], name[-1][1]
            found.append(Span(start, end, text[start:end], "PER", None))
    return found


def _closed(norm: str, words: list[Word], after: int, k: EntityKnowledge) -> bool:
    """A name ending before ``words[after]`` is closed: by punctuation or the line's end, a stopword
    or a verb."""
    return (
        after >= len(words)
        or not _adjacent(norm, words[after - 1], words[after])
        or words[after][2] in k.ar_stopwords
        or k.ar_verb.match(words[after][2]) is not None
    )


def arabic_role_appositions(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A name set off by commas after a role that a phrase or a bracket separates from it (وكيل
    الأمين العام ... في حالات الطوارئ، مارتن غريفيث، / المفوض العام للأونروا (الأونروا)، فيليب
    لازاريني، إن): a title within the clause before the comma vouches for the name, which then
    ends the clause (two words at least; the first may look like a verb, as after a title chain)."""
    found: list[Span] = []
    for j in range(1, len(words)):
        if _ROLE_COMMA.fullmatch(norm, words[j - 1][1], words[j][0]) is None:
            continue
        name = _set_off(norm, words, j, _name_after(text, norm, words, j, k, verb_like=True), k)
        if len(name) < 2 or _CLAUSE_END.match(norm, name[-1][1]) is None:
            continue
        i = j - 1
        while i >= max(0, j - _ROLE_WORDS) and (
            i == j - 1 or not _PHRASE_GAP.search(norm, words[i][1], words[i + 1][0])
        ):
            if words[i][2] in k.ar_titles and _title_end(norm, words[i], k) is not None:
                start, end = name[0][0], name[-1][1]
                found.append(Span(start, end, text[start:end], "PER", None))
                break
            i -= 1
    return found


_ROLE_COMMA = re.compile(r"[^\S\n]*(?:\d+[^\S\n]*)?\)?[^\S\n]*[،,][^\S\n]*")
"""A comma before a name, maybe after a number ending the role's body (لـجي 42،) or a bracket that
closes the role (الأونروا)،."""
_PHRASE_GAP = re.compile(r"[^\s()ـ\d]")
"""Between two words of one phrase only spaces, brackets, tatweel and digits (لـجي 42): punctuation ends
the phrase."""
_ROLE_WORDS = 14
"""How many words back a role may start before the comma."""


def _after_title(norm: str, words: list[Word], i: int, title_end: int, k: EntityKnowledge) -> int:
    """Index of the first word after the title starting at ``words[i]`` (with its complement)."""
    j = i + 1
    while j < len(words) and words[j][0] < title_end:
        j += 1
    title = norm[words[i][0] : title_end]
    last = title.rsplit(" ", 1)[-1]  # a title ending in a construct noun (رئيس مجلس إدارة) takes one too
    construct = last in k.ar_role_complements or last in k.ar_org_complemented
    if (
        (construct or title in k.ar_complemented)
        and j < len(words)
        and _adjacent(norm, words[j - 1], words[j])
    ):
        complement = words[j][2]
        hit = k.names.get(("ar", complement))
        if complement.startswith("ال") and (hit is None or hit[1] != "PER"):
            j += 1
    return j


def arabic_orgs(
    text: str, norm: str, words: list[Word], k: EntityKnowledge, known: Iterable[Span] = ()
) -> list[Span]:
    """An institution head, then words with the article (or لل, the article behind ل), ending in a
    nisba: وكالة الأنباء السعودية, الجيش السوداني, المجلس الأعلى للأمن القومي. A head in the
    construct state names the body with its complement alone (وزارة الخارجية, مجلس الأمن), or with
    more words ending in a nisba or a لل-word (منظمة البلدان المصدرة للبترول). Words joined by و
    right after the name's last word belong to it (هيئة الطرق والمواصلات, لإدارة الطوارئ والأزمات
    والكوارث), unless a name ``known`` starts there (مجلس الأمن والأمم المتحدة: two bodies)."""
    starts: set[int] = set()
    places: dict[int, int] = {}  # a known place's start → its end (الدار البيضاء)
    for span in known:
        starts.add(span.start)
        if span.label == "LOC":
            places[span.start] = max(span.end, places.get(span.start, 0))
    found = []
    for i, (start, _, word) in enumerate(words):
        head = k.ar_org_heads.get(word) or k.ar_purpose_heads.get(word)
        if head is None:
            continue
        if (
            word == head
            and _nisba(head, k)
            and i
            and _adjacent(norm, words[i - 1], words[i])
            and words[i - 1][2].startswith("ال")
        ):
            continue  # a nisba head right after an article noun, no و between, describes it (الحكومة الاتحادية)
        start += len(word) - len(head)
        purpose_only = word in k.ar_purpose_heads
        construct = word in k.ar_org_complemented
        last, nisba, national = None, False, False
        general = (
            False  # a head with the article and an adjective (الهيئة العامة): a name if what for follows
        )
        j = i + 1
        if not head.startswith("ال") and _named_complement(norm, words, i, k):
            last, nisba, national, j = i + 2, True, True, i + 3
        elif (
            construct and not head.startswith("ال") and (end := _place_complement(norm, words, i, k, places))
        ):
            found.append(Span(start, end, text[start:end], "ORG", None))
            continue
        elif (
            not head.startswith("ال")
            and word not in k.ar_descriptors
            and (m := _long_place_after(norm, words, i, places))
        ):
            # a body of a place of several words: جامعة الإمارات العربية المتحدة, with the body's own
            # adjective (مصرف الإمارات العربية المتحدة المركزي)
            end = words[_purpose_end(norm, words, _own_adjective(norm, words, m, k), k)][1]
            found.append(Span(start, end, text[start:end], "ORG", None))
            continue
        elif not head.startswith("ال") and word not in k.ar_descriptors and _place_after(norm, words, i, k):
            # a body of a place: جامعة القاهرة, بنك مصر (not نادي برشلونة), with what it is for
            # (صندوق قطر للتنمية, مجلس دبي للإعلام)
            end = words[_purpose_end(norm, words, i + 1, k)][1]
            found.append(Span(start, end, text[start:end], "ORG", None))
            continue
        elif construct and not head.startswith("ال") and _construct_chain(norm, words, i, k):
            # a chain of constructs (هيئة تقويم التعليم, مجلس نواب الشعب), with the و-words and nisbas
            # right after it (هيئة تنظيم الاتصالات والحكومة الرقمية), not a phrase (التابع للأمم المتحدة)
            last = i + 2
            while (
                last + 1 < min(i + 6, len(words))
                and _adjacent(norm, words[last], words[last + 1])
                and (_coordinated(words[last + 1], k, starts) or _nisba(words[last + 1][2], k))
            ):
                last += 1
            end = words[last][1]
            found.append(Span(start, end, text[start:end], "ORG", None))
            continue
        while j < min(i + _ORG_WORDS, len(words)) and _adjacent(norm, words[j - 1], words[j]):
            w = words[j][2]
            if j >= i + 6 and not _coordinated(words[j], k, starts):
                break  # only domains joined by و go on past six words (والمياه والغابات)
            if j > i + 2 and w.startswith("ال") and k.ar_org_heads.get(w) == w:
                break  # the next body's head, with no و between: two names (قوات الدعم السريع الجيش السوداني)
            if (
                j > i + 1
                and not national
                and _coordinated(words[j], k, starts)
                and not (_after_purpose(words, i, j) and _before_nationality(norm, words, j, k))
            ):
                # coordinated words inside the name (هيئة الكوارث والطوارئ التركية); before another
                # head, the next body (وكالة الطاقة الدولية والوكالة الدولية); after what the body is
                # for, not a phrase with its own nationality (للأمن الوطني والسلطات الإسبانية)
                if last == j - 1:
                    last = j
                j += 1
                continue
            if j == i + 1 and head.startswith("ال") and w in k.ar_org_name_adjectives:
                general = True
                j += 1
                continue
            if (
                (last is not None or general)
                and w.startswith("ل")
                and not w.startswith(("لل", "ال"))
                and j + 1 < len(words)
                and _adjacent(norm, words[j], words[j + 1])
                and (
                    (end := _construct_end(norm, words, j, k))
                    or (general and _known_place(words[j + 1][2], k) and (end := j + 1))
                )
                and _name_word(w[1:], k)
                and _purpose_construct(words, i, j, end, head, nisba and not national, k)
            ):
                # a construct after ل (الاتحاد الأفريقي لكرة القدم, القيادة العامة لشرطة دبي), of two
                # nouns joined by و (لصناعة وتجارة السيارات) or, after a head with the article and its
                # adjective, of two (الوكالة الوطنية لتثمين موارد المحروقات)
                last = end
                while (
                    last + 1 < len(words)
                    and _adjacent(norm, words[last], words[last + 1])
                    and _coordinated(words[last + 1], k, starts)
                    and not _before_nationality(norm, words, last + 1, k)
                ):
                    last += 1
                if _agreeing_adjective(text, norm, words, last, k):
                    last += 1  # with its adjective (لإدارة الحالات الطارئة)
                break
            if w in k.ar_org_end_adjectives:
                break  # describes the body, names none of it (وكالة الأنباء الإيرانية الرسمية)
            if last is not None and not national and w in k.ar_org_name_adjectives:
                last, nisba = j, True  # continues the name like a nisba (المحكمة الاتحادية العليا)
                j += 1
                continue
            if national and _purpose_after_nationality(norm, words, i, j, head, k):
                last = _purpose_end(norm, words, j - 1, k)  # الصندوق السعودي للتنمية
                break
            if not w.startswith(("ال", "لل")) or (
                national
                and k.names.get(("ar", w), (None, ""))[1] != "MISC"
                and not (w.endswith("يه") and _nisba(w, k))
            ):
                break  # after a nationality only another (الجيش العربي السوري) or a feminine nisba
                # (الهيئة الخيرية الأردنية الهاشمية), not للمرة الثانية nor a plural that ends in ي like
                # one (نقابة الأطباء الأردنيين الأهالي)
            if j == i + 1 and w.startswith("لل"):
                # a bare head with the article is the body of the text (الهيئة للقطاع المالي); one
                # without it is a body, not a name (مركز للمحاكاة الطبية)
                break
            place = j == i + 1 and k.names.get(("ar", w), (None, ""))[1] == "LOC"  # فيلق القدس
            if w in k.ar_titles and _nisba(w, k):
                break  # a role shaped like a nisba is a person's (برئاسة الروائي), no body's adjective
            org_nisba = _nisba(w, k) or _place_nisba(w, k) or (j == i + 1 and _body_as_nisba(head, w, k))
            if construct and not _name_word(w, k) and not org_nisba and not place:
                break  # a stopword, title or known place or person ends the name
            if org_nisba and j > i + 1 and _disagrees(text, words[i], words[i + 1 : j], words[j]):
                break  # a feminine nisba after a masculine head and complement describes what the body
                # belongs to (كتلة حزب الله النيابية), not the body
            if org_nisba:
                last, nisba = j, True
                # a nationality ends the name; a generic nisba (الوطنية) need not
                national = ("ar", w) in k.names
            elif (construct and j == i + 1) or (
                j > i + 1 and w.startswith("لل") and not national and w not in k.ar_not_purposes
            ):
                last = j
                if nisba:
                    if (
                        j + 1 < len(words)
                        and _adjacent(norm, words[j], words[j + 1])
                        and _nisba(words[j + 1][2], k)
                    ):
                        last = j + 1  # what it is for, with its adjective (للأمن السيبراني)
                    while (
                        last + 1 < len(words)
                        and _adjacent(norm, words[last], words[last + 1])
                        and _coordinated(words[last + 1], k, starts)
                        and not _before_nationality(norm, words, last + 1, k)
                    ):
                        last += 1  # and what is joined to it (للتربية والعلم والثقافة)
                    last = _purpose_tail(text, norm, words, i, last, k)
                    break
            j += 1
        if purpose_only and (last is None or not any(w[2].startswith("ل") for w in words[i + 1 : last + 1])):
            continue  # the common noun with a nisba (الشركة المصرية), no body's name
        if last is not None and normalise(text[start : words[last][1]], "ar") not in k.ar_generic_bodies:
            if construct and not nisba:
                last = _joined_task(norm, words, last, k)
            end = words[last][1]
            found.append(Span(start, end, text[start:end], "ORG", None))
    return found


def _purpose_construct(
    words: list[Word], i: int, j: int, end: int, head: str, adjective: bool, k: EntityKnowledge
) -> bool:
    """The construct after the ل-word ``words[j]``, to ``words[end]``, is what the body headed by
    ``words[i]`` is for: one article word after a noun, not a verbal noun (لتأمين المباريات: what it
    does), or two nouns joined by و (لصناعة وتجارة السيارات); two plain ones only after a head with the
    article and one adjective of no nationality, which name no body alone (الوكالة الوطنية لتثمين
    موارد المحروقات), not after a body's full name, whose purpose clause that is (وزارة المالية لضمان
    استقرار الأسواق, رابطة الأندية المحترفة لشراء حقوق الدوري)."""
    verbal = k.ar_not_first.match(words[j][2][1:]) is not None
    if end == j + 1:
        return not verbal
    if words[j + 1][2].startswith("و"):
        return not verbal
    return adjective and head.startswith("ال") and j == i + 2


def _construct_end(norm: str, words: list[Word], j: int, k: EntityKnowledge) -> int | None:
    """The last word of the construct after a ل-word ``words[j]``, what a body is for: an article word
    right after it (لكرة القدم), or a plain noun, alone or joined by و, then one (لتثمين موارد
    المحروقات, لصناعة وتجارة السيارات); None when neither follows."""
    nxt = words[j + 1][2]
    if nxt.startswith("ال"):
        return j + 1
    plain = nxt[1:] if nxt.startswith("و") and len(nxt) > 3 else nxt
    if (
        j + 2 < len(words)
        and len(words[j][2]) > 3  # لن, لم: no noun
        and _adjacent(norm, words[j + 1], words[j + 2])
        and not plain.startswith(("ال", *k.ar_article_behind_proclitic))
        and _name_word(plain, k)
        and not k.ar_verb.match(plain)
        and plain not in k.ar_reporting_verbs
        and not any(ch.isdigit() for ch in plain)
        and words[j + 2][2].startswith("ال")
        and _name_word(words[j + 2][2], k)
    ):
        return j + 2
    return None


def _own_adjective(norm: str, words: list[Word], last: int, k: EntityKnowledge) -> int:
    """The last word of a name ending in a place, with a nisba right after it that is no nationality:
    the body's own adjective (المركزي, الوطنية), not whose the body is nor what it is like."""
    if (
        last + 1 < len(words)
        and _adjacent(norm, words[last], words[last + 1])
        and _nisba(words[last + 1][2], k)
        and ("ar", words[last + 1][2]) not in k.names
        and words[last + 1][2] not in k.ar_org_end_adjectives  # describes it (الحكومية)
    ):
        return last + 1
    return last


_ORG_WORDS = 9
"""Words at most in an organisation's name from its head, those past the sixth all joined by و:
وزارة الفلاحة والصيد البحري والتنمية القروية والمياه والغابات."""


_TASK_NOUN = re.compile(r"^(?:م\wا\w\w|ت\w\w\w|\w\wا\w|ا\w\wا\w)ه$")
"""A verbal noun of a task, as normalised (مكافحة, تنمية, حماية, إدارة): what a body is for."""


def _joined_task(norm: str, words: list[Word], last: int, k: EntityKnowledge) -> int:
    """The last word of a body's name with a task joined by و after its complement: a verbal noun and
    its object (هيئة النزاهة ومكافحة الفساد, وزارة البيئة ومكافحة التصحر), not another body or a
    title (مجلس النواب ورئيس الحكومة)."""
    if last + 2 >= len(words) or not all(_adjacent(norm, words[n], words[n + 1]) for n in (last, last + 1)):
        return last
    task, what = words[last + 1][2], words[last + 2][2]
    if (
        task.startswith("و")
        and _TASK_NOUN.match(task[1:])
        and task[1:] not in k.ar_org_complemented
        and _name_word(task[1:], k)
        and what.startswith("ال")
        and _name_word(what, k)
    ):
        return last + 2
    return last


def arabic_ministries(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A ministry's domain and a feminine nationality name the ministry, the adjective agreeing with
    the وزارة left out: الخارجية التركية, الدفاع الروسية, لخارجية الأمريكية (not الدفاع الروسي, the
    Russian defence; nor السياسة الخارجية الأمريكية, where an article noun before makes the domain an
    adjective)."""
    found = []
    for i in range(len(words) - 1):
        word = words[i][2]
        bare = k.ar_ministry_short_forms.get(word)
        skip = len(word) - len(bare) if bare is not None else 0
        if bare is None and word.startswith("لل") and "ال" + word[2:] in k.ar_ministry_short_forms:
            skip = 1  # ل + the article written لل: the article's ل stays in the span
        elif bare is None:
            continue
        adjective = words[i + 1][2]
        if not (
            _adjacent(norm, words[i], words[i + 1])
            and adjective.startswith("ال")
            and adjective.endswith("يه")
            and (k.names.get(("ar", adjective), (None, ""))[1] == "MISC" or _place_nisba(adjective, k))
        ):
            continue
        if i and _adjacent(norm, words[i - 1], words[i]) and words[i - 1][2].startswith(("ال", "لل")):
            continue  # an adjective after a noun, also behind ل (للسياسة الخارجية القطرية)
        start, end = words[i][0] + skip, words[i + 1][1]
        found.append(Span(start, end, text[start:end], "ORG", None))
    return found


def arabic_namesakes(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A body or facility named after a person is one name, a body's an organisation and a facility's
    a place: a head without the article, a namesake's honorific and a name (جامعة الملك سعود), or a
    listed given name's full name (جامعة حمد بن خليفة, ملعب محمد الخامس), then its own adjective
    (جامعة الإمام محمد بن سعود الإسلامية) and what the body is for
    (مركز الملك سلمان للإغاثة والأعمال الإنسانية, جامعة محمد بن زايد للذكاء الاصطناعي); a facility
    whose name the base may lack (``facility_name_heads``) also after any given name and a family
    name (مستشفى رفيق الحريري الجامعي; not دولة رئيس الوزراء)."""
    found = []
    for i in range(len(words) - 2):
        word = words[i][2]
        head, label = k.ar_org_heads.get(word) or k.ar_namesake_heads.get(word), "ORG"
        if head is None:
            head, label = k.ar_facilities.get(word), "LOC"
        if head is None or head.startswith("ال") or not _adjacent(norm, words[i], words[i + 1]):
            continue
        j = i + 1
        honorific = words[j][2] in k.ar_namesake_honorifics
        if honorific:
            j += 1
            if not _adjacent(norm, words[j - 1], words[j]):
                continue
        elif words[j][2] not in k.ar_given_names:
            if word not in k.ar_facility_name_heads:
                continue
            name = _name_after(text, norm, words, j, k)
            if len(name) != 2 or not _article(text, name[1]):
                continue
            # a facility named after a person by a given name and a family name (مستشفى رفيق الحريري
            # الجامعي), with its own adjective
            last = _own_adjective(norm, words, j + 1, k)
            start, end = words[i][0] + len(word) - len(head), words[last][1]
            found.append(Span(start, end, text[start:end], label, None))
            continue
        name = _name_after(text, norm, words, j, k, lineage=honorific)
        if honorific:
            name = _namesake_name(name, k)
        if len(name) < (1 if honorific else 2):
            continue
        last = _purpose_end(norm, words, _own_adjective(norm, words, j + len(name) - 1, k), k)
        start, end = words[i][0] + len(word) - len(head), words[last][1]
        found.append(Span(start, end, text[start:end], label, None))
    return found


def _namesake_name(name: list[Word], k: EntityKnowledge) -> list[Word]:
    """The name after a namesake's honorific: a king or prince is named by one given name (a compound
    counts once), then his lineage (الملك عبد العزيز, الأمير محمد بن سلمان); a second plain word
    is what the sentence goes on with: the verb or object after the body (جامعة الملك سعود تفتتح,
    جامعة الملك سعود مركزاً), not part of its name."""
    if len(name) < 2:
        return name
    first, second = name[0][2], name[1][2]
    if (
        first in k.ar_compound_first
        or second in k.ar_compound_second
        or second in k.ar_connectors
        or second.startswith("ال")
    ):
        return name
    return name[:1]


def arabic_companies(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A company the base does not know, after a company descriptor left out of the span: plain name
    words (no article, no ة ending, no verb, stopword or known non-person name), up to
    ``_COMPANY_WORDS``, then what it is for (شركة إيني الإيطالية → إيني, شركة إتش سي للأوراق المالية);
    or one article word (a head's too: شركة الاتحاد للقطارات) or a place and plain words with what it
    is for (شركة النيل للتوريدات, شركة آسيا سيل للاتصالات). A nisba after the name is no part of it
    (the nationality's own span)."""
    found = []
    for i, head in _heads_before_a_word(norm, words, k.ar_company_descriptors):
        j = i + 1
        while (
            j < len(words)
            and j - i <= _COMPANY_WORDS
            and (j == i + 1 or _adjacent(norm, words[j - 1], words[j]))
            and _company_word(words[j][2], k)
        ):
            j += 1
        if (
            j == i + 2
            and words[j - 1][2] in k.ar_company_trade_nouns
            and _adjacent(norm, words[j - 1], words[j])
            and _known_place(words[j][2], k)
        ):
            # what it does and a place: the descriptor is part of the name (شركة نفط الكويت), the noun and
            # the place alone say what, not who; with the name's own adjective (شركة بترول أبوظبي الوطنية)
            start, last = words[i][1] - len(head), _own_adjective(norm, words, j, k)
            found.append(Span(start, words[last][1], text[start : words[last][1]], "ORG", None))
            continue
        if j == i + 2 and words[j - 1][2] in k.ar_company_trade_nouns:
            # what it does alone names no company; with a region or what it is of, the descriptor is
            # part of the name (شركة نفط الشمال, شركة غاز الجنوب)
            if (
                j < len(words)
                and _adjacent(norm, words[j - 1], words[j])
                and words[j][2].startswith("ال")
                and _name_word(words[j][2], k)
                and not _nisba(words[j][2], k)
            ):
                start = words[i][1] - len(head)
                found.append(Span(start, words[j][1], text[start : words[j][1]], "ORG", None))
            continue
        if j == i + 1:  # no plain word: an article word or a place names it only with its purpose
            w = words[j][2]
            place = k.names.get(("ar", w), (None, ""))[1] == "LOC"  # شركة مصر للطيران
            if not place and (
                not w.startswith("ال") or not (_name_word(w, k) or w in k.ar_org_heads) or _nisba(w, k)
            ):
                continue  # a head's word names the company too (شركة الاتحاد للقطارات)
            while (
                place
                and j + 1 < len(words)
                and j - i < _COMPANY_WORDS
                and _adjacent(norm, words[j], words[j + 1])
                and _company_word(words[j + 1][2], k)
            ):
                j += 1  # a place and plain words (شركة آسيا سيل للاتصالات)
            last = _purpose_end(norm, words, j, k)
            if last == j:
                continue
        else:
            last = _purpose_end(norm, words, j - 1, k)
        while (
            last + 1 < len(words)
            and _adjacent(norm, words[last], words[last + 1])
            and words[last + 1][2] in k.ar_company_suffixes
        ):
            last += 1  # بلتون المالية القابضة
        start, end = words[i + 1][0], words[last][1]
        if last == j - 1 and (number := _NUMBER_AFTER.match(norm, end)) is not None:
            end = number.end()  # a number ends the name (شركة جي 42)
        found.append(Span(start, end, text[start:end], "ORG", None))
    return found


def arabic_nisba_companies(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A company named by a feminine nationality and what it is for (المصرية للاتصالات, القطرية
    للإعلام): the definite nisba describes no noun before it (after a verb or an indefinite noun, سهم
    المصرية للاتصالات), so it is the company's name, not an adjective (الجهود المصرية للتهدئة); what
    it is for is a thing, not people it speaks to (للصحفيين)."""
    found = []
    for j in range(len(words) - 1):
        w = words[j][2]
        if not (
            w.startswith("ال")
            and w.endswith("يه")
            and k.names.get(("ar", w), (None, ""))[1] == "MISC"
            and _adjacent(norm, words[j], words[j + 1])
        ):
            continue
        nxt = words[j + 1][2]
        if (
            not nxt.startswith("لل")
            or nxt in k.ar_not_purposes
            or nxt.endswith(("ين", "ون"))  # to whom, not what for (قالت القطرية للصحفيين)
            or not _name_word("ال" + nxt[2:], k)
        ):
            continue
        before = words[j - 1][2] if j and _adjacent(norm, words[j - 1], words[j]) else ""
        if before.startswith(("ال", *k.ar_article_behind_proclitic)):
            continue  # an adjective after a definite noun (بالجهود المصرية للتهدئة)
        start, end = words[j][0], words[_purpose_end(norm, words, j, k)][1]
        found.append(Span(start, end, text[start:end], "ORG", None))
    return found


def arabic_outlets(
    text: str, norm: str, words: list[Word], k: EntityKnowledge, known: list[Span]
) -> list[Span]:
    """An outlet named after a place, after its descriptor left out of the span: the place and the
    plain words or nisba after it (قناة سوريا دراما, قناة القاهرة الإخبارية, صحيفة الرياض), an
    organisation, not the place. Not a place named with the descriptor (قناة السويس), nor a
    nationality after the name (قناة الجزيرة القطرية: its own span). After a paper's descriptor, one
    article word closed by punctuation or a stopword names the paper too (:func:`_paper_name`)."""
    places = {s.start: s.end for s in known if s.label == "LOC"}
    found = []
    for i, head in _heads_before_a_word(norm, words, k.ar_media_descriptors):
        if places.get(words[i][1] - len(head), 0) > words[i][1]:
            continue  # the descriptor is part of a place's name (قناة السويس)
        start = words[i + 1][0]
        end = places.get(start) or (words[i + 1][1] if _known_place(words[i + 1][2], k) else None)
        if end is None:
            if words[i][2] in k.ar_paper_descriptors and (
                _paper_name(text, norm, words, i + 1, k) or _foreign_paper_name(norm, words, i + 1, k)
            ):
                found.append(Span(start, words[i + 1][1], text[start : words[i + 1][1]], "ORG", None))
            continue
        last = next((j for j in range(i + 1, len(words)) if words[j][1] == end), None)
        if last is None:
            continue  # the place ends inside a word
        for j in range(last + 1, min(last + 3, len(words))):
            w = words[j][2]
            if not _adjacent(norm, words[j - 1], words[j]) or ("ar", w) in k.names:
                break
            if not (_company_word(w, k) or (w.startswith("ال") and _nisba(w, k) and _name_word(w, k))):
                break
            end = words[j][1]
        found.append(Span(start, end, text[start:end], "ORG", None))
    return found


def _paper_name(text: str, norm: str, words: list[Word], j: int, k: EntityKnowledge) -> bool:
    """``words[j]``, after a paper's descriptor, is the paper's name: one article word closed by
    punctuation, a bracket or a stopword (لجريدة الصباح إن, صحيفة الغد،), a common word as it may be;
    not a verbal, plural or common noun (صحيفة الاتهام أن, صحيفة الدعوى)."""
    end, w = words[j][1], words[j][2]
    if (
        not _article(text, words[j])
        or not _name_word(w, k)
        or _nisba(w, k)
        or _plural_noun(w)
        or k.ar_not_first.match(w[2:])
        or w[2:] in k.ar_not_names
    ):
        return False
    if j + 1 < len(words) and _adjacent(norm, words[j], words[j + 1]):
        return (
            words[j + 1][2] in k.ar_stopwords
        )  # more words: a longer name or a phrase (صحيفة الحالة الجنائية)
    return _CLAUSE_END.match(norm, end) is not None or norm.startswith((" (", ")", "»", '"'), end)


def _foreign_paper_name(norm: str, words: list[Word], j: int, k: EntityKnowledge) -> bool:
    """``words[j]``, after a paper's descriptor, is a foreign paper's one-word name (مجلة نيتشر
    العلمية, صحيفة لوموند): a plain name word, no article and none of the endings of an adjective, a
    feminine noun or a plural (صحيفة يومية, مجلة كبرى), no verb or verbal noun (صحيفة اتهام), closed
    by punctuation, a bracket, a stopword or a nisba with the article."""
    w = words[j][2]
    if (
        w.startswith(("ال", *k.ar_article_behind_proclitic))
        or w.endswith(("ه", "ي", "ات", "ين", "ون"))
        or not _name_word(w, k)
        or k.ar_verb.match(w)
        or k.ar_not_first.match(w)
    ):
        return False
    if j + 1 < len(words) and _adjacent(norm, words[j], words[j + 1]):
        after = words[j + 1][2]
        return after in k.ar_stopwords or (after.startswith("ال") and _nisba(after, k))
    end = words[j][1]
    return _CLAUSE_END.match(norm, end) is not None or norm.startswith((" (", ")", "»", '"'), end)


def arabic_clubs(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A club named after a place, after its descriptor left out of the span: the place the base knows
    by one word (نادي المحرق → المحرق), an organisation, not the place; not a club of the place named by
    what it is for (نادي دبي للصحافة)."""
    found = []
    for i, _ in _heads_before_a_word(norm, words, k.ar_club_descriptors):
        start, end, name = words[i + 1]
        if not _known_place(name, k):
            continue
        if (
            i + 2 < len(words)
            and _adjacent(norm, words[i + 1], words[i + 2])
            and words[i + 2][2].startswith("لل")
        ):
            continue
        found.append(Span(start, end, text[start:end], "ORG", None))
    return found


_NUMBER_AFTER = re.compile(r"[^\S\n]\d+\b")


_COMPANY_WORDS = 3
"""Plain words at most in a company's name after its descriptor (شركة بريتش أميركان توباكو)."""


def _known_place(word: str, k: EntityKnowledge) -> bool:
    """A place the base knows by this one word."""
    return k.names.get(("ar", word), (None, ""))[1] == "LOC"


def _company_word(word: str, k: EntityKnowledge) -> bool:
    """A plain word that may be part of a company's name: no article or لل, no ة ending (شركة ناشئة,
    شركة صينية), no verb, stopword or known non-person name."""
    return (
        not word.startswith(("ال", *k.ar_article_behind_proclitic))
        and not word.endswith("ه")
        and _name_word(word, k)
        and not k.ar_verb.match(word)
        and not k.ar_not_first.match(word)
        and word not in k.ar_reporting_verbs
    )


def _after_article(word: str) -> str:
    """``word`` without its article and any proclitic before it: البنك, والبنك and للبنك (where ل
    and the article write لل) give بنك."""
    return word[2:] if word.startswith("لل") else word.split("ال", 1)[-1]


def without_adjectival_domains(
    norm: str, words: list[Word], spans: list[Span], k: EntityKnowledge
) -> list[Span]:
    """The spans without the ministries named by a domain that is an adjective here: after a noun with
    the article, الخارجية الأمريكية is the foreign of السياسة الخارجية الأمريكية (US foreign policy),
    not the State Department (as in :func:`arabic_ministries`); nor the bodies named by a common
    adjective (``adjective_names``: القطاع الأهلي) but after a descriptor (النادي الأهلي is the club)
    or in sport news (حامل اللقب الأهلي: ``sport_cues``, searched once, for the first such span).
    A body the base knows by one word right after a place's head is the place (حي الزمالك)."""
    starts = {w[0]: n for n, w in enumerate(words)}
    sport: bool | None = None
    kept = []
    for span in spans:
        n = starts.get(span.start)
        if span.label != "ORG" or not n or not _adjacent(norm, words[n - 1], words[n]):
            kept.append(span)
            continue
        word, previous = words[n][2], words[n - 1][2]
        qualified = previous.startswith(("ال", "لل")) and previous not in k.ar_titles
        if qualified and word in k.ar_ministry_short_forms:
            continue
        if (  # والمجتمع الأهلي too, but not والنادي الأهلي
            word in k.ar_adjective_names
            and previous.startswith(("ال", *k.ar_article_behind_proclitic))
            and previous not in k.ar_titles
            and _after_article(previous) not in k.ar_descriptors
        ):
            if sport is None:
                sport = k.ar_sport_cue.search(norm) is not None
            if not sport:
                continue
        if previous in k.ar_place_heads and span.end == words[n][1]:
            span = replace(span, label="LOC", entity_id=None)
        kept.append(span)
    return kept


def _purpose_end(norm: str, words: list[Word], last: int, k: EntityKnowledge) -> int:
    """The last word of what a named body is for, after its name's last word ``words[last]``: a
    لل-word or ل and a construct (للإغاثة, لكرة القدم), then article words, و-joined ones too
    (للإغاثة والأعمال الإنسانية); ``last`` when none follows."""
    nxt = last + 1
    if nxt >= len(words) or not _adjacent(norm, words[last], words[nxt]):
        return last
    w = words[nxt][2]
    if w in k.ar_not_purposes:
        return last  # when, not what for (للمرة الثانية)
    if w.startswith("لل") and _name_word("ال" + w[2:], k):
        last = nxt
    elif (
        w.startswith("ل")
        and _name_word(w[1:], k)
        and nxt + 1 < len(words)
        and _adjacent(norm, words[nxt], words[nxt + 1])
        and words[nxt + 1][2].startswith("ال")
    ):
        last = nxt + 1
    else:
        return last
    for _ in range(_PURPOSE_WORDS):
        nxt = last + 1
        if nxt >= len(words) or not _adjacent(norm, words[last], words[nxt]):
            break
        w = words[nxt][2]
        bare = w[1:] if w.startswith("وال") else w
        if bare == w and _agreeing_nisba(words[last][2], w, k):
            return nxt  # a nationality agreeing with what it is for ends it (للغة العربية)
        if not bare.startswith("ال") or not _name_word(bare, k):
            break
        if bare in k.ar_org_end_adjectives and not (
            bare == w and w.endswith("ه") and words[last][2].endswith("ه")
        ):
            break  # describes the body, unless it agrees with the feminine noun before it (للإدارة الحكومية)
        last = nxt
    return last


def _purpose_tail(text: str, norm: str, words: list[Word], i: int, last: int, k: EntityKnowledge) -> int:
    """The last word of a body's name after what it is for ends at ``words[last]``: a second purpose
    with its agreeing adjective (المكتب الوطني للسلامة الصحية للمنتجات الغذائية), then a nationality
    agreeing with the head ``words[i]`` (الشركة الوطنية للسكك الحديدية التونسية)."""
    nxt = last + 1
    if (
        nxt < len(words)
        and _adjacent(norm, words[last], words[nxt])
        and words[nxt][2].startswith("لل")
        and words[nxt][2] not in k.ar_not_purposes
        and _name_word("ال" + words[nxt][2][2:], k)
        and _agreeing_adjective(text, norm, words, nxt, k)
    ):
        last = nxt + 1
    if (
        last + 1 < len(words)
        and _adjacent(norm, words[last], words[last + 1])
        and _agreeing_nisba(words[i][2], words[last + 1][2], k)
    ):
        last += 1
    return last


def _agreeing_adjective(text: str, norm: str, words: list[Word], last: int, k: EntityKnowledge) -> bool:
    """An article adjective right after ``words[last]`` that agrees with it, both feminine (الحالات
    الطارئة) or a nisba after a masculine noun (للأمن الغذائي): it describes that noun, inside the name.
    Read in ``text``: the normalised words write ة as ه. No nationality (that is the body's own)."""
    nxt = last + 1
    if nxt >= len(words) or not _adjacent(norm, words[last], words[nxt]):
        return False
    adjective = words[nxt][2]
    if (
        not adjective.startswith("ال")
        or not _name_word(adjective, k)
        or adjective in k.ar_org_end_adjectives
        or ("ar", adjective) in k.names
    ):
        return False
    noun = words[last]
    feminine = text[noun[1] - 1] == "ة" or noun[2].endswith("ات")
    if text[words[nxt][1] - 1] == "ة":
        return feminine
    return not feminine and _nisba(adjective, k)


def _agreeing_nisba(noun: str, adjective: str, k: EntityKnowledge) -> bool:
    """A known nationality that agrees with the noun before it, both feminine in ة or neither (للغة
    العربية, للأدب العربي): it describes that noun, inside the name."""
    return (
        adjective.startswith("ال")
        and k.names.get(("ar", adjective), (None, ""))[1] == "MISC"
        and noun.endswith("ه") == adjective.endswith("يه")
    )


_PURPOSE_WORDS = 3
"""Article words at most after the لل-word of what a body is for."""


def _coordinated(word: Word, k: EntityKnowledge, starts: set[int]) -> bool:
    """A word with و and the article that may continue a body's name: a name word, no head (والوكالة
    starts the next body) and no known name starting after the و."""
    w = word[2]
    return (
        w.startswith("وال")
        and _name_word(w[1:], k)
        and w[1:] not in k.ar_org_heads
        and w[3:] not in k.ar_org_heads  # والوكالة: a head with the article
        and word[0] + 1 not in starts
    )


def _purpose_after_nationality(
    norm: str, words: list[Word], i: int, j: int, head: str, k: EntityKnowledge
) -> bool:
    """What a body is for follows its nationality at ``words[j]`` (الصندوق السعودي للتنمية): a head
    that takes one, a لل-word of no time, head and nationality no known name (الاتحاد الأوروبي
    للشؤون الخارجية), and no verbal noun before the head, whose object the لل-word would be (دعم
    الاتحاد الأوروبي للمهاجرين)."""
    w = words[j][2]
    if head not in k.ar_nationality_purpose_heads or not w.startswith("لل") or w in k.ar_not_purposes:
        return False
    if ("ar", norm[words[i][1] - len(head) : words[j - 1][1]]) in k.names:
        return False
    if i and _adjacent(norm, words[i - 1], words[i]):
        before = words[i - 1][2]
        return not (k.ar_not_first.match(before) or before in k.ar_not_names)
    return True


def _after_purpose(words: list[Word], i: int, j: int) -> bool:
    """A لل-word (what a body is for) among the words between the head ``words[i]`` and ``words[j]``."""
    return any(w[2].startswith("لل") for w in words[i + 1 : j])


def _before_nationality(norm: str, words: list[Word], j: int, k: EntityKnowledge) -> bool:
    """A nationality follows ``words[j]``: after what a body is for, a و-word with its own nationality
    is a phrase of its own (للأمن الوطني والسلطات الإسبانية), not more of the body's purpose."""
    return (
        j + 1 < len(words)
        and _adjacent(norm, words[j], words[j + 1])
        and k.names.get(("ar", words[j + 1][2]), (None, ""))[1] == "MISC"
    )


def arabic_heads_before_known(text: str, norm: str, known: Iterable[Span], k: EntityKnowledge) -> list[Span]:
    """A head that is part of the official name before a short name the base knows is one name with
    it: حزب جبهة العمل الإسلامي, حزب القوات اللبنانية (the base knows the party without حزب)."""
    found = []
    for body in known:
        if body.label != "ORG":
            continue
        end, word = _word_before(norm, body)
        head = _bare_head(word, k.ar_heads_before_known, k) if word is not None else None
        if head is not None:
            start = end - len(head)
            found.append(Span(start, body.end, text[start : body.end], "ORG", None))
    return found


def _word_before(norm: str, span: Span) -> tuple[int, str | None]:
    """Where the word right before ``span`` ends, and that word (None unless one space parts them)."""
    end, word = last_word(norm, span.start, " ")
    return end, word if span.start - end == 1 else None


def _bare_head(word: str, heads: Iterable[str], k: EntityKnowledge) -> str | None:
    """The head of ``heads`` that ``word`` is, alone or behind proclitics (وحزب → حزب); else None."""
    return next(
        (h for h in heads if word.endswith(h) and (word == h or word[: -len(h)] in k.proclitics)), None
    )


_SUB_BODY_WORDS = 3
"""Article words at most between a sub-body's head and the ب of its body (كلية العلوم السياسية)."""


def arabic_sub_bodies(
    text: str, norm: str, words: list[Word], k: EntityKnowledge, known: Iterable[Span]
) -> list[Span]:
    """A part of a body named with the body after ب is one name, the outermost: كلية الطب بجامعة
    القاهرة (not جامعة القاهرة alone inside it)."""
    at = {w[0]: n for n, w in enumerate(words)}
    found = []
    for body in known:
        n = at.get(body.start - 1)
        if body.label != "ORG" or n is None or not words[n][2].startswith("ب"):
            continue
        j = n - 1
        while j >= 0 and n - j <= _SUB_BODY_WORDS and _adjacent(norm, words[j], words[j + 1]):
            w = words[j][2]
            head = _bare_head(w, k.ar_sub_body_heads, k)
            if head is not None:
                if j < n - 1:  # at least one article word: كلية الطب
                    start = words[j][1] - len(head)
                    found.append(Span(start, body.end, text[start : body.end], "ORG", None))
                break
            if not w.startswith("ال") or not _name_word(w, k):
                break
            j -= 1
    return found


def arabic_national_orgs(text: str, norm: str, known: list[Span], k: EntityKnowledge) -> list[Span]:
    """A known body of several words with the article, then a nationality, is one body: الهلال الأحمر
    الفلسطيني, الدفاع المدني السوري (the national society, not the movement and a nationality); not a
    company's name (بي بي البريطانية: the company and its nationality)."""
    found = []
    for body in known:
        if body.label != "ORG" or " " not in body.text or not norm.startswith("ال", body.start):
            continue  # a company's nationality is its own span (بي بي البريطانية)
        after = _NEXT_WORD.match(norm, body.end)
        if after is None or not after.group(1).startswith("ال") or not _nisba(after.group(1), k):
            continue
        if ("ar", after.group(1)) in k.names:  # a known nationality, not any adjective (الدولي)
            found.append(Span(body.start, after.end(), text[body.start : after.end()], "ORG", None))
    return found


_NEXT_WORD = re.compile(r"[^\S\n]+(\w+)\b")


def arabic_members_in_place(text: str, norm: str, known: list[Span], k: EntityKnowledge) -> list[Span]:
    """A body of members named by them, then في and a place the base knows, is one name: جمعية المصارف
    في لبنان, الاتحاد العام لنقابات العمال في الأردن (the members of a place); not when the name ends
    in an adjective (الاتحاد الأوروبي في لبنان, منظمة الصحة العالمية في الأردن: where it acts)."""
    places = {s.start: s.end for s in known if s.label == "LOC"}
    found = []
    for body in known:
        if body.label != "ORG" or " " not in body.text:
            continue
        head, _, rest = norm[body.start : body.end].partition(" ")
        last = rest.rsplit(" ", 1)[-1]
        if head not in k.ar_membership_heads or _nisba(last, k) or ("ar", last) in k.names:
            continue
        after = _IN_PLACE.match(norm, body.end)
        end = places.get(after.end()) if after is not None else None
        if end is not None and "\n" not in text[body.end : end]:
            found.append(Span(body.start, end, text[body.start : end], "ORG", None))
    return found


_IN_PLACE = re.compile(r"[^\S\n]+في[^\S\n]+")


def arabic_facilities(text: str, norm: str, known: list[Span], k: EntityKnowledge) -> list[Span]:
    """A facility named after a known place is one place, with an adjective that is no nationality:
    مطار بغداد (الدولي), مستشفى البصرة التعليمي, معبر رفح; so is a state's official name (دولة قطر)."""
    found = []
    for place in known:
        if place.label != "LOC":
            continue
        length, word = _word_before(norm, place)
        head = k.ar_facilities.get(word) if word is not None else None
        if head is None:
            continue
        start = length - len(head)
        end = place.end
        after = _NEXT_WORD.match(norm, end)
        if after is not None and _nisba(after.group(1), k) and ("ar", after.group(1)) not in k.names:
            end = after.end()  # مستشفى عين شمس التخصصي, مطار بغداد الدولي (not مستشفى غزة الأوروبي)
        elif (
            word.endswith(k.ar_qualified_facility_heads)
            and after is not None
            and not after.group(1).startswith("ل")
        ):
            continue  # محطة الجهراء أعلى درجة: the place where a station measures (not بمحطة مصر.)
        found.append(Span(start, end, text[start:end], "LOC", None))
    return found


def arabic_facilities_of_bodies(text: str, norm: str, bodies: list[Span], k: EntityKnowledge) -> list[Span]:
    """A facility named after a body is one place, the body inside it (مستشفى الجامعة الأردنية,
    مستشفى القوات المسلحة): the outermost name is the hospital's."""
    found = []
    for body in bodies:
        if body.label != "ORG":
            continue
        length, word = _word_before(norm, body)
        head = k.ar_facility_name_heads.get(word) if word is not None else None
        if head is not None:
            start = length - len(head)
            found.append(Span(start, body.end, text[start : body.end], "LOC", None))
    return found


def _body_as_nisba(head: str, word: str, k: EntityKnowledge) -> bool:
    """A body the base knows by a nisba-shaped word (الأهلي, the club) right after another body's head
    with the article is that head's adjective (البنك الأهلي, the bank); not after a descriptor's head
    (النادي الأهلي is the club)."""
    return (
        head.startswith("ال")
        and head[2:] not in k.ar_descriptors
        and word.startswith("ال")
        and len(word) >= 6
        and word.endswith(("ي", "يه"))
        and k.names.get(("ar", word), (None, ""))[1] == "ORG"
    )


def _nisba(word: str, k: EntityKnowledge) -> bool:
    """A relational adjective with the article: a known nationality, or ال…ي / ال…ية."""
    hit = k.names.get(("ar", word))
    if hit is not None:
        return hit[1] == "MISC"
    return word.startswith("ال") and len(word) >= 6 and word.endswith(("ي", "يه"))


def _named_complement(norm: str, words: list[Word], i: int, k: EntityKnowledge) -> bool:
    """A head without the article, a name (no article, not an adjective: no ي or ة ending), a nisba
    with the article: لجنة نوبل النرويجية, قوات سوريا الديمقراطية; not هيئة حكومية مصرية."""
    if i + 2 >= len(words) or not (
        _adjacent(norm, words[i], words[i + 1]) and _adjacent(norm, words[i + 1], words[i + 2])
    ):
        return False
    name, adjective = words[i + 1][2], words[i + 2][2]
    plain = not name.startswith(("ال", *k.ar_article_behind_proclitic)) and not name.endswith(("ه", "ي"))
    definite = adjective.startswith("ال") and (_nisba(adjective, k) or _place_nisba(adjective, k))
    place = k.names.get(("ar", name), (None, ""))[1] == "LOC"
    return plain and definite and (_name_word(name, k) or place) and not k.ar_verb.match(name)


def _construct_chain(norm: str, words: list[Word], i: int, k: EntityKnowledge) -> bool:
    """After a construct head without the article, a noun without it and a noun with it name a body
    (هيئة تقويم التعليم, هيئة مكافحة الفساد, مجلس نواب الشعب); not a generic body (مجلس إدارة
    الشركة), nor a verb, a stopword or a known name in the middle, nor a chain a plain name word
    goes on after (مجلس جهة الداخلة وادي الذهب: a place's name the rule would cut) unless it is a verb
    (محكمة جنايات الرصافة تحكم)."""
    if i + 2 >= len(words) or not (
        _adjacent(norm, words[i], words[i + 1]) and _adjacent(norm, words[i + 1], words[i + 2])
    ):
        return False
    noun, last = words[i + 1][2], words[i + 2][2]
    head = k.ar_org_heads[words[i][2]]
    return (
        not noun.startswith(("ال", *k.ar_article_behind_proclitic))
        and _name_word(noun, k)
        and not k.ar_verb.match(noun)
        and noun not in k.ar_reporting_verbs
        and not any(ch.isdigit() for ch in noun)
        and f"{head} {noun}" not in k.ar_generic_bodies
        and last.startswith("ال")
        and _name_word(last, k)
        and not (
            i + 3 < len(words)
            and _adjacent(norm, words[i + 2], words[i + 3])
            and _company_word(words[i + 3][2], k)
            and not words[i + 3][2].startswith("وال")
            and not _imperfect(words[i + 3][2])
        )
    )


def _imperfect(word: str) -> bool:
    """A word shaped like a verb in the imperfect (تحكم, يصادق): after a body's name in a headline it is
    what the body does, not more of a place's name."""
    return len(word) >= 4 and word[0] in "يت" and not word.endswith(("ه", "ات"))


def _place_complement(
    norm: str, words: list[Word], i: int, k: EntityKnowledge, places: dict[int, int]
) -> int | None:
    """Where the name ends when, after a construct head without the article, a plain noun and a
    known place close it: حزب قلب تونس, هيئة تحرير الشام (not وزارة خارجية مصر: the noun has no ة
    ending); a place's descriptor may have one, and the place several words (مجلس مدينة الدار
    البيضاء, مجلس محافظة كركوك). None when they do not."""
    if i + 2 >= len(words) or not (
        _adjacent(norm, words[i], words[i + 1]) and _adjacent(norm, words[i + 1], words[i + 2])
    ):
        return None
    noun, place = words[i + 1][2], words[i + 2]
    if noun not in k.ar_place_descriptors and (
        noun.startswith(("ال", *k.ar_article_behind_proclitic))
        or noun.endswith(("ه", "ي"))
        or not _name_word(noun, k)
        or k.ar_verb.match(noun)
    ):
        return None
    if k.names.get(("ar", place[2]), (None, ""))[1] == "LOC":
        return max(place[1], places.get(place[0], 0))
    return places.get(place[0])


def _place_after(norm: str, words: list[Word], i: int, k: EntityKnowledge) -> bool:
    """A known one-word place right after ``words[i]``, with no nisba after it (that is the
    nationality rule's: جامعة الدول العربية is not a place's)."""
    if i + 1 >= len(words) or not _adjacent(norm, words[i], words[i + 1]):
        return False
    if i + 2 < len(words) and _adjacent(norm, words[i + 1], words[i + 2]) and _nisba(words[i + 2][2], k):
        return False
    return k.names.get(("ar", words[i + 1][2]), (None, ""))[1] == "LOC"


def _disagrees(text: str, head: Word, complement: list[Word], nisba: Word) -> bool:
    """A feminine nisba (…ية) that agrees neither with a masculine head nor with its complement's words
    (none feminine in ة, none a feminine plural): حزب الله النيابية; not منظمة التحرير الفلسطينية,
    اتحاد الإذاعات العربية. Read in ``text``: the normalised words write ة as ه (الله)."""
    return (
        text[nisba[1] - 1] == "ة"
        and text[head[1] - 1] != "ة"
        and not any(text[w[1] - 1] == "ة" or w[2].endswith("ات") for w in complement)
    )


def _long_place_after(norm: str, words: list[Word], i: int, places: dict[int, int]) -> int | None:
    """The index of the last word of a known place of several words right after ``words[i]``; None
    when none starts there."""
    if i + 2 >= len(words) or not _adjacent(norm, words[i], words[i + 1]):
        return None
    end = places.get(words[i + 1][0])
    if end is None or end <= words[i + 1][1]:
        return None
    return next((m for m in range(i + 2, min(i + 6, len(words))) if words[m][1] == end), None)


def _place_nisba(word: str, k: EntityKnowledge) -> bool:
    """A place name that is also a feminine nisba (السعودية): the adjective after an institution's head."""
    hit = k.names.get(("ar", word))
    return hit is not None and hit[1] == "LOC" and word.startswith("ال") and word.endswith(("يه", "ية"))


def _given_after_nisba(norm: str, words: list[Word], i: int, j: int, k: EntityKnowledge) -> bool:
    """A given name that is also a title's modifier (باسم) after a nationality in the chain, not right
    after the title, and before a plain name word (no article, no known name, no head) starts the
    name: الكاتب الفلسطيني باسم خندقجي; not المتحدث باسم الحكومة, المتحدث العسكري باسم حماس."""
    w = words[j][2]
    if not (w in k.ar_given_names and w in k.ar_modifiers) or j - 1 <= i or j + 1 >= len(words):
        return False
    before, after = words[j - 1][2], words[j + 1][2]
    hit = k.names.get(("ar", before))
    return (
        (_nisba(before, k) or (hit is not None and hit[1] == "MISC"))
        and _adjacent(norm, words[j], words[j + 1])
        and not after.startswith(("ال", *k.ar_article_behind_proclitic))
        and ("ar", after) not in k.names
        and _name_word(after, k)
    )


def _modifier(word: str, k: EntityKnowledge) -> bool:
    """A word that may sit inside a title chain: a listed modifier, or a known nationality or place."""
    hit = k.names.get(("ar", word))
    return word in k.ar_modifiers or (hit is not None and hit[1] in ("MISC", "LOC")) or _nisba(word, k)


def _name_word(word: str, k: EntityKnowledge) -> bool:
    """Not a stopword, title, modifier, counterpart, nor a known non-person name."""
    hit = k.names.get(("ar", word))
    return not (
        word in k.ar_stopwords
        or word in k.ar_modifiers
        or word in k.ar_counterparts
        or word in k.ar_titles
        or word in k.ar_org_heads
        or word in k.ar_not_names
        or word in k.ar_company_descriptors
        or (hit is not None and hit[1] != "PER")
    )


def _name_after(
    text: str,
    norm: str,
    words: list[Word],
    j: int,
    k: EntityKnowledge,
    verb_like: bool = False,
    lineage: bool = False,
) -> list[Word]:
    """The name starting at ``words[j]``: at most two plain words (three when what follows closes
    the name), a family name with the article ends it, compounds (عبد الله) and connectors (بن, آل,
    ولد) take the next word along. Long names go on where a name must: a listed given name after a
    compound (أحمد عبد الفتاح محمود السيد), an article given name before a family name (محمد السعيد
    الشربيني) or a connector (المختار ولد اجاي), a connector opening the name (ولد الغزواني). ``verb_like``: the first word may look like a verb (سيرغي), where
    commas around the name vouch for it; a listed given name that looks like one (سيرغي, ستيفن) may
    always start a name.
    ``lineage``: after a ruling family's honorific, article words continue the name up to a lineage
    family name (الشيخ صباح الأحمد الجابر الصباح). The first word's article is read in ``text``: ال with a
    hamza (ألكسندر) starts a foreign name, not the article (last, ألباريس closes a name like it)."""
    name: list[Word] = []
    plain = 0
    while j < len(words) and len(name) < _NAME_WORDS:
        word = words[j]
        w = word[2]
        if (
            (name and not _adjacent(norm, words[j - 1], word))
            or not (
                _name_word(w, k)
                or (not name and w in k.ar_given_names and w in k.ar_modifiers)  # a given name: باسم
                or (name and w in k.ar_family_name_places)  # a family name that is a place: فراس الأبيض
                or _spelled_as_name(text, word, k)
                or (w in k.ar_titles and _before_connector(norm, words, j, k))
                or (w in k.ar_titles and name and name[-1][2] in k.ar_compound_first)  # جميل أبو الشيخ
                or (
                    w in k.ar_titles and name and name[-1][2] in k.ar_connectors and _article(text, word)
                )  # ولد الشيخ
                or (  # a given name that is also a title, inside a name before a plain word (محمد أمين عمورة)
                    w in k.ar_given_titles
                    and name
                    and _name_next(text, norm, words, j, k)
                    and not words[j + 1][2].startswith("ال")
                )
                or (  # a family name that is a title, the comma after it closing a set-off or long name (سليم الشيخ،)
                    (verb_like or len(name) >= 3)
                    and name
                    and _article(text, word)
                    and w in k.ar_titles
                    and _CLAUSE_END.match(norm, word[1])
                )
            )
        ):
            break
        if len(w) >= 5 and w.endswith(_POSSESSIVE):
            break  # a noun with a possessive (إدارييها): no name word
        if w.startswith("لل"):
            break  # ل and the article (للإغاثة): the name has ended (كالاس, والاس may be names)
        if name and _known_person(w, k) and _known_person(name[-1][2], k):
            break  # two people the base knows, side by side (بوتين السيسي)
        if not name:
            if (
                (
                    _article(text, word)
                    and not (w[2:] in k.ar_given_names and _before_connector(norm, words, j, k))
                )
                or w.startswith(k.ar_article_behind_proclitic)
                or (k.ar_verb.match(w) and not verb_like and w not in k.ar_given_names)
                or (k.ar_not_first.match(w) and w not in k.ar_given_names)  # not ستيفان
                or (
                    w[0] in k.proclitics and (k.ar_not_first.match(w[1:]) or w[1:] in k.ar_not_names)
                )  # بجهود
                or w in k.ar_role_complements  # رئيسة قسم البحوث
                or (w in k.ar_connectors and not _name_next(text, norm, words, j, k))  # ولد الغزواني
                or w in k.ar_reporting_verbs  # وأكد after a comma starts a clause, not a name
            ):
                break
            plain = 1
        elif name[-1][2] in k.ar_compound_first or name[-1][2] in k.ar_connectors:
            if len(name) >= 2 and w.startswith("ال"):  # a compound family name (عادل عبد المهدي)
                name.append(word)
                if not (
                    name[-3][2] in k.ar_connectors  # after بن it is the father's name (بن عبد العزيز الخليفي)
                    or (
                        name[-2][2] in k.ar_connectors and _family_next(text, norm, words, j, k)
                    )  # ولد الشيخ الغزواني
                    or _given_next(norm, words, j, k)  # the father's given name next (عبد الفتاح محمود السيد)
                ):
                    break
                j += 1
                continue
            if len(name) == 1 and name[0][2] in k.ar_connectors and w.startswith("ال"):  # ولد الغزواني
                name.append(word)
                break
            # a compound given name counts once (عبد المجيد تبون), a compound family name ends it (سامي أبو زهري)
            plain += not (len(name) == 1 and name[0][2] in k.ar_compound_first)
        elif w in k.ar_connectors or w in k.ar_compound_first:
            if j + 1 >= len(words) or not (
                _name_word(words[j + 1][2], k)
                or _spelled_as_name(text, words[j + 1], k)
                or (w in k.ar_compound_first and words[j + 1][2] in k.ar_titles)  # أبو الشيخ
                or (w in k.ar_connectors and words[j + 1][2] in k.ar_titles and _article(text, words[j + 1]))
            ):
                break
        elif w[0] in k.proclitics and k.ar_not_first.match(w[1:]):
            break  # a verbal noun behind a proclitic (لعب بتركيز): the name has ended
        elif (
            w.startswith("ب")
            and not w.startswith(("بو", "بل", "بن"))
            and text[word[1] - 1] == "ة"
            and not (verb_like and _CLAUSE_END.match(norm, word[1]))  # set off by commas: نزار بركة،
        ):
            break  # a noun behind ب (يسرا بجائزة): the name has ended (not بوحمامة, بلعمامرة)
        elif (
            len(name) == 1
            and w in k.ar_compound_second
            and j + 1 < len(words)
            and _adjacent(norm, word, words[j + 1])
            and _name_word(words[j + 1][2], k)
            and not k.ar_verb.match(words[j + 1][2])
        ):
            pass  # a compound given name counts once (نور الدين أمرابط)
        elif w in k.ar_given_titles:
            pass  # a second given name that is also a title counts with the first (محمد أمين عمورة)
        elif w.startswith("ال"):
            if k.ar_not_first.match(w[2:]) or w[2:] in k.ar_not_names:
                break  # a verbal or common noun (التسجيل, بيساكا النتيجة) is no family name
            if w.endswith("يه") and text[word[1] - 1] == "ة":
                break  # a feminine nisba (عبد الله الرياضية) describes a place, names no family
            if _plural_noun(w):
                break  # a plural noun (أيمن عاشور الناجحين) is no family name
            if w[2:] in k.ar_given_names and _family_next(text, norm, words, j, k):
                pass  # a given name with the article, the family name after it (محمد السعيد الشربيني)
            elif not (lineage and _lineage_next(norm, words, j, k)):
                name.append(word)
                break
        elif (
            plain < 2
            or (plain == 2 and _third_name(norm, words, j, k, name[0][2] in k.ar_given_names))
            or (plain == 3 and name[0][2] in k.ar_given_names and w in k.ar_given_names)  # أحمد خالد حسن سعيد
        ):
            plain += 1
        else:
            break
        name.append(word)
        j += 1
    while name and (name[-1][2] in k.ar_connectors or name[-1][2] in k.ar_compound_first):
        name.pop()
    return name


def _spelled_as_name(text: str, word: Word, k: EntityKnowledge) -> bool:
    """A stopword spelled with ى (على) that the text spells with ي: the name علي, which only the
    normalisation (ى → ي) makes a stopword."""
    return word[2] in k.ar_maqsura_stopwords and text[word[1] - 1] == "ي"


def _article(text: str, word: Word) -> bool:
    """The word starts with the article: ال in the text, not أل/إل/آل (normalised alike)."""
    return word[2].startswith("ال") and text.startswith("ال", word[0])


_NAME_WORDS = 9
"""Words of a name at most: محمد بن عبد الرحمن بن جاسم آل ثاني, with the compound spelled apart."""
_POSSESSIVE = ("ها", "هم", "هما")
"""Possessive suffixes (normalised): a long word ending in one is a noun (كبير إدارييها), not a name."""


def _before_connector(norm: str, words: list[Word], j: int, k: EntityKnowledge) -> bool:
    """``words[j]`` is followed by a lineage connector (بن, ولد): a given name, even one that is
    also a title (أمين بن حسن)."""
    return (
        j + 1 < len(words) and words[j + 1][2] in k.ar_connectors and _adjacent(norm, words[j], words[j + 1])
    )


def _name_next(text: str, norm: str, words: list[Word], j: int, k: EntityKnowledge) -> bool:
    """A name word is right after ``words[j]`` (a connector opening a name: ولد الغزواني, بن سلمان)."""
    return (
        j + 1 < len(words)
        and _adjacent(norm, words[j], words[j + 1])
        and (_name_word(words[j + 1][2], k) or _spelled_as_name(text, words[j + 1], k))
    )


def _family_next(text: str, norm: str, words: list[Word], j: int, k: EntityKnowledge) -> bool:
    """A family name with the article is right after ``words[j]``: a name word, no verbal, common or
    plural noun (الشربيني after محمد السعيد, الغزواني after ولد الشيخ; not الهدف, المتهمين)."""
    if j + 1 >= len(words) or not _adjacent(norm, words[j], words[j + 1]):
        return False
    after = words[j + 1]
    w = after[2]
    return (
        _article(text, after)
        and _name_word(w, k)
        and not _plural_noun(w)
        and not k.ar_not_first.match(w[2:])
        and w[2:] not in k.ar_not_names
        and not (w.endswith("يه") and text[after[1] - 1] == "ة")
    )


def _given_next(norm: str, words: list[Word], j: int, k: EntityKnowledge) -> bool:
    """A listed given name is right after ``words[j]``: the father's name of a long name goes on
    (أحمد عبد الفتاح محمود السيد)."""
    return (
        j + 1 < len(words) and _adjacent(norm, words[j], words[j + 1]) and words[j + 1][2] in k.ar_given_names
    )


def _third_name(norm: str, words: list[Word], j: int, k: EntityKnowledge, given: bool = False) -> bool:
    """A third plain word ``words[j]`` belongs to the name (محمد شوقي عياد) when what follows closes
    it: a bracket, a stopword (في, الذي) or a title (رئيس حزب الغد); not a word with ة (a noun:
    رسالة) nor the article behind a proclitic (للصحفيين). A full stop or a comma does not: a predicate may stand before it (حكيم زياش جاهز.).
    ``given``: the name starts with a listed given name; then a listed given name third is the
    grandfather's, whatever follows (هيثم محمد إبراهيم، سارة محمد عبد العزيز إبراهيم بالسجن)."""
    word = words[j][2]
    if given and word in k.ar_given_names:
        return True
    if (
        word.endswith("ه")
        or word.startswith(k.ar_article_behind_proclitic)
        or k.ar_verb.match(word)  # a verb after the name (أنس جابر تتأهل إلى)
        or (word.startswith("و") and word not in k.ar_given_names)  # و and the next clause (وأثنى)
        or j + 1 >= len(words)
    ):
        return False
    gap = norm[words[j][1] : words[j + 1][0]]
    after = words[j + 1][2]
    if gap.strip() == "(":
        return True
    return _adjacent(norm, words[j], words[j + 1]) and (
        after in k.ar_stopwords
        or _title_end(norm, words[j + 1], k) is not None
        or k.ar_verb.match(after) is not None  # the sentence's verb (حاجي سيشارك)
    )


def _lineage_next(norm: str, words: list[Word], j: int, k: EntityKnowledge) -> bool:
    """A lineage family name (الصباح) comes after ``words[j]``, through adjacent article name words."""
    while j + 1 < len(words) and _adjacent(norm, words[j], words[j + 1]):
        j += 1
        after = words[j][2]
        if not (after.startswith("ال") and _name_word(after, k)):
            return False
        if after in k.ar_lineage_families:
            return True
    return False


def _known_person(word: str, k: EntityKnowledge) -> bool:
    hit = k.names.get(("ar", word))
    return hit is not None and hit[1] == "PER"


def _title_end(norm: str, word: tuple[int, int, str], k: EntityKnowledge) -> int | None:
    """End offset of a title starting at ``word`` (after an optional proclitic), else None."""
    skip, titles = k.ar_titles.get(word[2], (0, ()))
    at = word[0] + skip
    for title in titles:
        end = at + len(title)
        if norm.startswith(title, at) and (end == len(norm) or not is_word_char(norm[end])):
            return end
    return None


def _heads_before_a_word(norm: str, words: list[Word], heads: Mapping[str, str]) -> Iterator[tuple[int, str]]:
    """``(i, bare head)`` of each word of ``heads`` (bare or behind a proclitic → the bare word) that
    only spaces part from the next word: where the head rules (companies, events, places, facilities,
    storms) start reading a name."""
    for i in range(len(words) - 1):
        head = heads.get(words[i][2])
        if head is not None and _adjacent(norm, words[i], words[i + 1]):
            yield i, head


def _adjacent(norm: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    """Only spaces between two words (punctuation and line breaks end a name)."""
    gap = norm[left[1] : right[0]]
    return not gap.strip() and "\n" not in gap


_COMMA = re.compile(r"[^\S\n]*[،,][^\S\n]*")


_CLAUSE_END = re.compile(r"[^\S\n]*(?:[،,.:؛]|$)")


def _apposition(text: str, norm: str, words: list[Word], j: int, k: EntityKnowledge) -> list[Word]:
    """A name set off by commas after a title chain (وزير الخارجية الروسي، سيرغي لافروف، قال): two
    words at least, and a comma, a full stop or the line's end right after it."""
    if j >= len(words) or _COMMA.fullmatch(norm, words[j - 1][1], words[j][0]) is None:
        return []
    name = _set_off(norm, words, j, _name_after(text, norm, words, j, k, verb_like=True), k)
    if len(name) < 2 or _CLAUSE_END.match(norm, name[-1][1]) is None:
        return []
    return name


def arabic_events(
    text: str, norm: str, words: list[Word], k: EntityKnowledge, known: Iterable[Span]
) -> list[Span]:
    """An event named after a place is one MISC name over the place: a misc head without the article,
    a known place, nisba adjectives that are no nationality (السينمائي, الدولي) and what it is for
    (مهرجان القاهرة السينمائي الدولي, معرض الشارقة الدولي للكتاب)."""
    places = {s.start: s.end for s in known if s.label == "LOC"}
    found = []
    for i, head in _heads_before_a_word(norm, words, k.ar_misc_heads):
        last = _long_place_after(norm, words, i, places)
        if last is None:
            if words[i + 1][0] not in places:
                continue
            last = i + 1
        while (
            last + 1 < len(words)
            and _adjacent(norm, words[last], words[last + 1])
            and _nisba(words[last + 1][2], k)
            and ("ar", words[last + 1][2]) not in k.names
        ):
            last += 1
        last = _purpose_end(norm, words, last, k)
        start, end = words[i][1] - len(head), words[last][1]
        found.append(Span(start, end, text[start:end], "MISC", None))
    return found


def arabic_competitions(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A competition named by its country is one MISC name over the nationality: a competition head,
    a nationality and the words of its name after it (الدوري المصري الممتاز, الدوري الإنجليزي)."""
    found: list[Span] = []
    if not any(head in norm for head in set(k.ar_competition_heads.values())):
        return found  # most texts name no league: one substring test each, no pass over the words
    for i, head in _heads_before_a_word(norm, words, k.ar_competition_heads):
        if k.names.get(("ar", words[i + 1][2]), (None, ""))[1] != "MISC":
            continue
        last = i + 1
        while (
            last + 1 < len(words)
            and _adjacent(norm, words[last], words[last + 1])
            and words[last + 1][2] in k.ar_competition_words
        ):
            last += 1
        start, end = words[i][1] - len(head), words[last][1]
        found.append(Span(start, end, text[start:end], "MISC", None))
    return found


def arabic_headed_places(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """The name word right after a place head, the head left out, is a place the base may lack
    (بمدينة الزرقاء, إقليم الحوز, قرية أمزميز): a name word, no plural (قرية الصيادين), no indefinite
    adjective (مدينة ساحلية), and no article word after it (a name of several words, unknown bounds)."""
    found = []
    for i, _ in _heads_before_a_word(norm, words, k.ar_place_heads):
        if _place_word(norm, words, i + 1, k):
            start, end = words[i + 1][0], words[i + 1][1]
            found.append(Span(start, end, text[start:end], "LOC", None))
    return found


def arabic_named_facilities(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A facility head and one name word the base lacks are a place, head included (مستشفى البشير,
    مسجد الكتبية, مطار بنينا الدولي), by the tests of :func:`arabic_headed_places`, with a nisba the
    base does not know after it, or two (مستشفى القصر العيني, مستشفى النجاح الوطني الجامعي)."""
    found = []
    for i, head in _heads_before_a_word(norm, words, k.ar_facility_name_heads):
        last = i + 1
        if (
            words[last][2] in k.ar_compound_first
            and last + 1 < len(words)
            and _adjacent(norm, words[last], words[last + 1])
        ):
            last += 1  # مستشفى أبو الريش: a compound name
        if not _place_word(norm, words, last, k, international=True):
            continue
        if _foreign_second_word(norm, words, last, k):
            last += 1  # مستشفى كينغز كوليدج في
        start, end = words[i][1] - len(head), words[last][1]
        for _ in range(2):  # مستشفى القصر العيني; two: مستشفى النجاح الوطني الجامعي
            after = _NEXT_WORD.match(norm, end)
            if after is None or not _nisba(after.group(1), k) or ("ar", after.group(1)) in k.names:
                break
            end = after.end()  # as arabic_facilities reads مستشفى البصرة التعليمي
        if norm.startswith(" الدولي", end) and (end + 7 == len(norm) or not is_word_char(norm[end + 7])):
            end += 7
        found.append(Span(start, end, text[start:end], "LOC", None))
    return found


def arabic_directional_places(text: str, norm: str, known: list[Span], k: EntityKnowledge) -> list[Span]:
    """A known place and an adjective of size or direction after it are one place (أمريكا الشمالية,
    القاهرة الكبرى)."""
    found = []
    for place in known:
        if place.label != "LOC":
            continue
        after = _NEXT_WORD.match(norm, place.end)
        if after is not None and after.group(1) in k.ar_place_adjectives:
            found.append(Span(place.start, after.end(), text[place.start : after.end()], "LOC", None))
    return found


def _foreign_second_word(norm: str, words: list[Word], j: int, k: EntityKnowledge) -> bool:
    """A second plain name word after the plain ``words[j]`` closes a facility's foreign name when a
    stopword or punctuation follows it (مستشفى كينغز كوليدج في لندن)."""
    if words[j][2].startswith("ال") or j + 1 >= len(words) or not _adjacent(norm, words[j], words[j + 1]):
        return False
    w = words[j + 1][2]
    closed = (
        j + 2 >= len(words)
        or not _adjacent(norm, words[j + 1], words[j + 2])
        or words[j + 2][2] in k.ar_stopwords
    )
    return (
        closed
        and ("ar", w) not in k.names
        and _name_word(w, k)
        and not w.startswith(("ال", *k.ar_article_behind_proclitic))
        and not w.endswith(("ه", "ي"))
        and not k.ar_verb.match(w)
    )


def _place_word(
    norm: str, words: list[Word], j: int, k: EntityKnowledge, international: bool = False
) -> bool:
    """``words[j]`` may be a place's one-word name after its head: unknown to the base, a name word
    (no stopword, title or verb), no plural, no indefinite adjective (ساحلية, ميداني), no article behind
    a proclitic, and no article word after it but, when ``international``, الدولي or another nisba the
    base does not know (مستشفى القصر العيني)."""
    w = words[j][2]
    if (
        ("ar", w) in k.names
        or not _name_word(w, k)
        or w.startswith(k.ar_article_behind_proclitic)
        or w.endswith(("ات", "ين", "ون"))
        or (not w.startswith("ال") and w.endswith(("ه", "ي")))
        or k.ar_verb.match(w)
        or k.ar_not_first.match(w.removeprefix("ال"))
    ):
        return False
    if j + 1 < len(words) and _adjacent(norm, words[j], words[j + 1]):
        after = words[j + 1][2]
        known = ("ar", after) in k.names
        return not after.startswith("ال") or (
            international and (after == "الدولي" or (_nisba(after, k) and not known))
        )
    return True


def arabic_storms(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A storm's one-word name after its prefix, left out (العاصفة دانيال → دانيال MISC): a plain name
    word, no adjective (العاصفة الرملية, عاصفة ترابية)."""
    found = []
    for i, _ in _heads_before_a_word(norm, words, k.ar_misc_prefixes):
        w = words[i + 1][2]
        if (
            w.startswith("ال")
            or w.endswith(("ه", "ي"))
            or not _name_word(w, k)
            or k.ar_verb.match(w)
            or w.startswith(k.ar_article_behind_proclitic)
        ):
            continue
        start, end = words[i + 1][0], words[i + 1][1]
        found.append(Span(start, end, text[start:end], "MISC", None))
    return found


_AR_QUOTED = re.compile(r"[\"«“](?P<name>[^\"«»“”\n]{2,80})[\"»”]")
_AR_CLOSING = {'"': '"', "«": "»", "“": "”"}
_AR_WORK_WORDS = 6
"""Words at most of a work's title in quotes."""


def arabic_quoted_works(text: str, norm: str, words: list[Word], k: EntityKnowledge) -> list[Span]:
    """A name in quotes right after a work noun is the work's title, MISC, quotes left out (روايته
    "قناع بلون السماء", فيلم «وداعا جوليا»): no more than a few words, and no name the base gives to
    something else."""
    found: list[Span] = []
    if not k.ar_work_nouns:
        return found
    before = {w[1]: w[2] for w in words}
    for m in _AR_QUOTED.finditer(text):
        start, end = m.span("name")
        if _AR_CLOSING[text[start - 1]] != text[end]:
            continue
        lead = text[: start - 1].rstrip(" ")
        if before.get(len(lead)) not in k.ar_work_nouns:
            continue
        name = text[start:end]
        if name != name.strip() or len(name.split()) > _AR_WORK_WORDS:
            continue
        hit = k.names.get(("ar", normalise(name, "ar")))
        if hit is not None and hit[1] != "MISC":
            continue
        found.append(Span(start, end, name, "MISC", hit[0] if hit else None))
    return found


def _plural_noun(word: str) -> bool:
    """A long word with the article and a plural ending (الناجحين, المتهمين): a noun, no family name."""
    return word.startswith("ال") and len(word) >= 8 and word.endswith(("ين", "ون"))


_SET_OFF_WORDS = 4
"""Words at most of a name set off by commas (محمد ضياء زين العابدين)."""


def _set_off(norm: str, words: list[Word], j: int, name: list[Word], k: EntityKnowledge) -> list[Word]:
    """``name`` (from ``words[j]``) with the plain name words after it up to the clause's end, when a
    comma before it sets the name off and the whole clause is the name (، هشام طلعت مصطفى، إن), at
    most ``_SET_OFF_WORDS`` words; ``name`` as it is otherwise."""
    if len(name) < 2 or _CLAUSE_END.match(norm, name[-1][1]) is not None:
        return name
    m = j + len(name)
    while m < len(words) and m - j < _SET_OFF_WORDS and _adjacent(norm, words[m - 1], words[m]):
        w = words[m][2]
        if (
            not _name_word(w, k)
            or w.startswith(("و", *k.ar_article_behind_proclitic))
            or k.ar_verb.match(w)
            or _plural_noun(w)
        ):
            return name
        m += 1
        if _CLAUSE_END.match(norm, words[m - 1][1]) is not None:
            return words[j:m]
        if w.startswith("ال"):
            return name  # an article word ends a name only at the clause's end (زين العابدين،)
    return name
