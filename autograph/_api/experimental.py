"""`ag.experimental`: as `tf.autograph.experimental` (set_loop_options, do_not_convert)."""
from autograph.api import do_not_convert
from autograph.operators.loop_options import set_loop_options

__all__ = ["do_not_convert", "set_loop_options"]


def __dir__():
    return list(__all__)
