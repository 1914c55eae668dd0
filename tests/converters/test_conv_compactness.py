"""Generated code stays compact: at most 2 non-blank generated lines per non-blank source line,
on average over the conversion corpus (TensorFlow's AutoGraph: about 5)."""
import conversion_corpus as corpus
from autograph import api
from autograph.pyct import parser


def _source_lines(fn):
    lines = parser.parse_entity(fn).source.splitlines()
    return [line for line in lines
            if line.strip() and not line.strip().startswith(('#', '@'))]


def _generated_lines(fn):
    return [line for line in api.to_code(fn).splitlines() if line.strip()]


def test_generated_lines_per_source_line_at_most_two():
    source = generated = 0
    for case in corpus.CORPUS:
        source += len(_source_lines(case.fn))
        generated += len(_generated_lines(case.fn))
    ratio = generated / source
    print('generated/source non-blank lines over %d functions: %.2f (%d / %d)'
          % (len(corpus.CORPUS), ratio, generated, source))
    assert ratio <= 2.0, ratio


def test_functions_without_control_flow_do_not_grow():
    for name in ('add', 'arithmetic', 'tuple_unpack', 'positional_only'):
        fn = next(c.fn for c in corpus.CORPUS if c.name == name)
        assert len(_generated_lines(fn)) == len(_source_lines(fn)), name
