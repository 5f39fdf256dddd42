import pytest

from unspin.lm import OOV_LOG10, NGramLM


@pytest.fixture(scope="module")
def lm():
    return NGramLM()


def test_real_model_prefers_the_original_wording(lm):
    assert lm.score(["the", "source", "said"]) > lm.score(["the", "supply", "mentioned"])
    assert lm.score(["the", "latest", "round", "of", "talks"]) > lm.score(
        ["the", "latest", "spherical", "of", "talks"]
    )
    assert lm.score(["a", "phone", "call"]) > lm.score(["a", "phone", "name"])


def test_unknown_words(lm):
    assert not lm.knows("zzqxv")
    assert lm.knows("said")
    assert lm.cond("zzqxv", "the", "said") == OOV_LOG10
    # an unknown history word shortens the history to what is known
    assert lm.cond("said", None, "zzqxv") == pytest.approx(lm.unigram("said"))


def test_context_matters(lm):
    assert lm.cond("call", "phone", "a") > lm.cond("name", "phone", "a")
    assert lm.cond("least", None, "at") > lm.cond("least", None, "the")


def test_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="language model not found"):
        NGramLM(tmp_path / "missing.lm.bin")
