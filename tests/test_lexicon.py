import gzip

from unspin.lexicon import Lexicon


def test_bundled_lexicon_knows_real_spinner_swaps():
    lex = Lexicon()
    assert "said" in {o.text for o in lex.lookup("mentioned")}
    assert "at least" in {o.text for o in lex.lookup("no less than")}
    assert "round" in {o.text for o in lex.lookup("spherical")}
    said = next(o for o in lex.lookup("mentioned") if o.text == "said")
    assert "T" in said.flags and said.count >= 10
    assert lex.starts_phrase("no")
    assert lex.lookup("qqqzzz") == ()


def test_inflections_are_present():
    lex = Lexicon()
    assert "says" in {o.text for o in lex.lookup("mentions")}
    assert "offices" in {o.text for o in lex.lookup("workplaces")}


def test_held_out_table_originals_are_dropped(tmp_path):
    lexfile = tmp_path / "lex.tsv.gz"
    with gzip.open(lexfile, "wt", encoding="utf-8") as fh:
        fh.write("# test\nmentioned\tnoted|MW|0|1\n")
    table = tmp_path / "table.tsv"
    table.write_text(
        "spun\toriginal\tcount\ttable_original\n"
        "mentioned\tsaid\t13\tsaid\nmentions\tsays\t13\tsaid\nnation\tcountry\t3\tcountry\n"
        "workplace\toffice\t1\toffice said|office\n",
        encoding="utf-8",
    )
    full = Lexicon(lexfile, table)
    assert {o.text for o in full.lookup("mentioned")} == {"noted", "said"}
    held = Lexicon(lexfile, table, exclude_table_originals=frozenset({"said"}))
    assert {o.text for o in held.lookup("mentioned")} == {"noted"}
    assert held.lookup("mentions") == ()
    assert {o.text for o in held.lookup("nation")} == {"country"}
    # a pair backed by several table rows is dropped only when all of them are held out
    assert {o.text for o in held.lookup("workplace")} == {"office"}
    both = Lexicon(lexfile, table, exclude_table_originals=frozenset({"office said", "office"}))
    assert both.lookup("workplace") == ()


def test_learned_prior_is_read_and_optional(tmp_path):
    lexfile = tmp_path / "lex.tsv.gz"
    with gzip.open(lexfile, "wt", encoding="utf-8") as fh:
        fh.write("# test\nspherical\tround|Mm|0|99|1.25;global|WY|0|5|-2.50\nold\tformer|M|0|3\n")
    table = tmp_path / "table.tsv"
    table.write_text("spun\toriginal\tcount\ttable_original\n", encoding="utf-8")
    lex = Lexicon(lexfile, table)
    priors = {o.text: o.prior for o in lex.lookup("spherical")}
    assert priors == {"round": 1.25, "global": -2.5}
    assert lex.lookup("old")[0].prior == 0.0


def test_bundled_thesaurus_entries_carry_a_learned_prior():
    origins = {o.text: o for o in Lexicon().lookup("area")}
    assert "region" in origins
    assert origins["region"].prior != 0.0
