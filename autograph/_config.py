"""The environment variables autograph reads, each parsed and validated here, in one place.

    AUTOGRAPH_STRICT                     1/true/yes/on or 0/false/no/off (unset: off)
    AUTOGRAPH_UNROLL_WARNING_ITERATIONS  a whole number >= 0 (unset: 3000; 0: never warn)

docs/guide.md ("Environment variables") is the user's table of them; a test checks that
every `AUTOGRAPH_*` name the package reads is both here and there. A bad value raises
`ConfigError` (a ValueError) naming the variable, its value and what it accepts.
Imports nothing but `os`.
"""
import os

__all__ = ["ConfigError", "VARIABLES", "strict", "unroll_warning_iterations", "validate"]

UNROLL_WARNING_DEFAULT = 3000

# name -> what it accepts (for messages); the variables the package reads, and only those.
VARIABLES = {
    "AUTOGRAPH_STRICT": "1, true, yes or on to turn it on; 0, false, no, off or unset to turn "
                        "it off",
    "AUTOGRAPH_UNROLL_WARNING_ITERATIONS": "a whole number of iterations >= 0 (0 turns the "
                                           "warning off; unset means %d)" % UNROLL_WARNING_DEFAULT,
}

_ON = ("1", "true", "yes", "on")
_OFF = ("", "0", "false", "no", "off")


class ConfigError(ValueError):
    """An AUTOGRAPH_* environment variable holds a value autograph does not accept."""

    def __init__(self, name, value):
        super().__init__("environment variable %s=%r is not valid: use %s"
                         % (name, value, VARIABLES[name]))
        self.name = name
        self.value = value


def strict():
    """AUTOGRAPH_STRICT: whether a function that cannot be converted is an error."""
    raw = os.environ.get("AUTOGRAPH_STRICT", "")
    value = raw.strip().lower()
    if value in _ON:
        return True
    if value in _OFF:
        return False
    raise ConfigError("AUTOGRAPH_STRICT", raw)


def unroll_warning_iterations():
    """AUTOGRAPH_UNROLL_WARNING_ITERATIONS: after how many unrolled iterations a Python loop
    building a graph warns (0: never)."""
    name = "AUTOGRAPH_UNROLL_WARNING_ITERATIONS"
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return UNROLL_WARNING_DEFAULT
    value = raw.strip()
    if not value.isdigit() or not value.isascii():
        raise ConfigError(name, raw)
    return int(value)


def validate():
    """Reads every variable once, so a bad value is reported when autograph starts working."""
    strict()
    unroll_warning_iterations()
