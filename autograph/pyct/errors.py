"""Errors raised while converting user code."""


class ConversionError(Exception):
    """A function (or a construct inside it) cannot be converted.

    The message names the user's file and line, the construct and what to do about it:

        /home/me/model.py:12: cannot convert 'yield' in 'gen': generators are not supported.
            yield x
          fix: return a list instead, or decorate 'gen' with @ag.do_not_convert.

    Attributes:
      filename, lineno, col_offset: where in the user's source the problem is (may be None).
      source_line: the text of that line, when available.
      construct: a short name of the construct ('yield', 'global', ...), or None.
      hint: what the user can do, or None.
    """

    def __init__(self, message, filename=None, lineno=None, col_offset=None,
                 source_line=None, construct=None, hint=None):
        self.message = message
        self.filename = filename
        self.lineno = lineno
        self.col_offset = col_offset
        self.source_line = source_line
        self.construct = construct
        self.hint = hint
        super().__init__(self._format())

    def _format(self):
        where = ''
        if self.filename is not None:
            where = '%s:%s: ' % (self.filename, self.lineno if self.lineno is not None else '?')
        text = where + self.message
        if self.source_line:
            text += '\n    ' + self.source_line.strip()
        if self.hint:
            text += '\n  fix: ' + self.hint
        return text

    def __reduce__(self):
        return (_rebuild, (self.message, self.filename, self.lineno, self.col_offset,
                           self.source_line, self.construct, self.hint))


def _rebuild(*args):
    return ConversionError(*args)
