from unspin.tokenize import tokenize, word_count


def texts(tokens):
    return [t.text for t in tokens]


def test_offsets_point_into_the_text():
    text = "The council’s office said 5,000 people left."
    for t in tokenize(text):
        assert text[t.start : t.end] == t.text


def test_words_numbers_and_punctuation():
    toks = tokenize("At least 5,000 people (U.S.) left.")
    assert texts(toks) == ["At", "least", "5,000", "people", "(", "U.S", ".", ")", "left", "."]
    assert [t.kind for t in toks][:3] == ["word", "word", "num"]


def test_quotes_are_tracked_and_closed_by_paragraphs():
    toks = tokenize('He said "we will win" today.\n\n"Unclosed quote\n\nNext paragraph.')
    quoted = {t.text: t.quoted for t in toks if t.is_word}
    assert quoted["we"] and quoted["win"]
    assert not quoted["said"] and not quoted["today"]
    assert quoted["Unclosed"]
    assert not quoted["Next"]


def test_curly_quotes():
    toks = tokenize("The official said “relaxing is out of the question” for now.")
    q = {t.text: t.quoted for t in toks if t.is_word}
    assert q["relaxing"] and q["question"] and not q["official"] and not q["now"]


def test_sentences_split_but_not_on_abbreviations():
    toks = [t for t in tokenize("Mr. Smith left. Dr. Jones stayed! Did he? Yes") if t.is_word]
    sents = {t.text: t.sent for t in toks}
    assert sents["Mr"] == sents["Smith"] == sents["left"]
    assert sents["Dr"] == sents["Jones"] == sents["stayed"] != sents["left"]
    assert sents["Yes"] > sents["he"] > sents["stayed"]
    assert [t.text for t in toks if t.sent_start] == ["Mr", "Dr", "Did", "Yes"]


def test_newline_ends_a_sentence():
    toks = [t for t in tokenize("A headline without a stop\nThe body starts here") if t.is_word]
    assert toks[0].sent != toks[-1].sent
    assert toks[5].sent_start  # "The"


def test_word_count():
    assert word_count("") == 0
    assert word_count("One, two; three.") == 3
