"""One source for the notebooks' run times: what each notebook's introduction quotes is what docs/tutorials.md
quotes, both written by `bench/notebook_bench.py --write`."""

from bench import notebook_bench


def test_each_notebook_quotes_the_median_the_docs_quote():
    in_docs = notebook_bench.quoted_in_docs()
    assert sorted(in_docs) == [path.name for path in notebook_bench.NOTEBOOKS]
    for path in notebook_bench.NOTEBOOKS:
        assert notebook_bench.quoted_in_notebook(path) == notebook_bench.quote(in_docs[path.name])


def test_writing_replaces_only_the_text_between_the_markers():
    text = "Runs in <!-- run-time -->an hour<!-- /run-time -->, on AWS longer."
    replaced = notebook_bench.between(text, notebook_bench.NOTEBOOK_MARKERS, "2 minutes")
    assert replaced == "Runs in <!-- run-time -->2 minutes<!-- /run-time -->, on AWS longer."
    assert notebook_bench.between(replaced, notebook_bench.NOTEBOOK_MARKERS) == "2 minutes"
