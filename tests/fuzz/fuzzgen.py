"""Differential fuzzing of the converter: random Python programs, CPython as the oracle.

    program = generate(seed)            # a module: helpers h0.. and the entry point f
    outcome = check(program)            # runs f four ways and compares them
    smaller = minimise(program, outcome.signature)

`generate` writes valid, terminating Python over small ints and floats: nested if/elif/else,
while loops with counters, `while True` + break, for over range / a tensor argument / list
literals / lists appended in loops / enumerate, break, continue, early return at any depth,
and/or/not, chained comparisons, ternaries, augmented assignment, calls to helper functions
and builtins (min, max, abs, len, int, float), `//` / `%` / `divmod` by negative numbers,
`**` (squares of floats, an int to a negative power); and what graph staging must not get wrong:
names first assigned in loops (or as their target) and branches and read later (`late*`),
zero-trip loops, and/or as values and ints as ternary tests, int with Python float, lists read
back after appends, dict keys and attributes first set in loops, methods updating `self`.
Where CPython raises UnboundLocalError (a `late*` name its loop did not assign), every mode
must raise too: a tensor mode returning a value there is an "invented value" failure.
Values stay exact in int32 and float32:

* every int variable holds |v| <= INT_VAR_MAX after each statement, and every intermediate
  |value| <= INT_EXPR_MAX (operands are reduced `% P` before they could exceed it);
* floats are multiples of 0.25, |w| <= FLOAT_VAR_MAX, intermediates <= 2**20: float32 holds
  them exactly, so Python floats and float32 tensors agree bit for bit;
* loops run a few iterations (bounds are reduced modulo small constants), so every program
  terminates quickly.

`check` runs the entry point as
  python : the original on Python values (the oracle),
  convert: `ag.to_graph(f)` on the same Python values (must be equal, types included),
  eager  : `ag.to_graph(f)` on eager tensors,
  graph  : `ag.function(f)` on tensors (traced into a graph),
and the tensor modes must give the oracle's values with the right kind (int/float/bool), or
raise one of the documented errors in `documented_error` (a clear error naming the problem);
anything else is a failure: a wrong value, an internal error, a hang.

Everything is reproducible from the seed (`random.Random(seed)`); the source of a program is
kept in `linecache` under a `<fuzz-SEED>` name (nothing is written to disk).
"""
import ast
import linecache
import random
import re
import signal
import sys
import threading
import traceback
import warnings

import numpy as np

import autograph as ag
from autograph.operators.variables import UndefinedValueError

P = 10007                    # prime modulus; P * P < 2**31
INT_VAR_MAX = 2 ** 20
INT_EXPR_MAX = 2 ** 29
FLOAT_VAR_MAX = 1024
FLOAT_EXPR_MAX = 2 ** 20
CMP_OPS = ('<', '<=', '>', '>=', '==', '!=')


# --- generation --------------------------------------------------------------------------------

class Program:
    """A generated module: `source` defines helpers and `f`; `args` are f's Python inputs."""

    def __init__(self, seed, source, args, arg_kinds, name='f', uses=(), more_args=()):
        self.seed = seed
        self.source = source
        self.args = list(args)
        self.more_args = [list(a) for a in more_args]   # more inputs for the same trace
        self.arg_kinds = list(arg_kinds)    # 'int' | 'float' | 'ivec' per argument
        self.name = name
        self.uses = frozenset(uses)         # e.g. {'truthiness'}: see documented_error

    def with_source(self, source):
        return Program(self.seed, source, self.args, self.arg_kinds, self.name, self.uses,
                       self.more_args)

    def with_args(self, args, more_args=()):
        return Program(self.seed, self.source, args, self.arg_kinds, self.name, self.uses,
                       more_args)

    def text(self):
        """The program as a runnable snippet: source plus the call."""
        return '%s\n# %s(%s)\n' % (self.source.rstrip(), self.name,
                                    ', '.join(repr(a) for a in self.args))


class _Scope:
    """What a statement may read and assign at its position."""

    def __init__(self, ints, int_vars, floats, float_vars, bools, bool_vars, lists, vecs,
                 helpers):
        self.ints = list(ints)            # readable int names
        self.int_vars = list(int_vars)    # assignable int names
        self.floats = list(floats)
        self.float_vars = list(float_vars)
        self.bools = list(bools)
        self.bool_vars = list(bool_vars)
        self.lists = list(lists)          # lists that may be appended to and read
        self.frozen = set()               # lists being iterated: no appends
        self.vecs = list(vecs)            # tensor (ivec) arguments
        self.helpers = list(helpers)      # (name, arity)
        self.loop = None                  # None | 'for' | 'while'
        self.depth = 0
        self.dicts = []                   # dicts of ints ('k0' always present)
        self.objs = []                    # Acc objects (attribute `total`, method `add`)
        self.cells = []                   # items of the local list `cells` (fixed indices)

    def child(self, loop=None, extra_ints=()):
        s = _Scope(self.ints + list(extra_ints), self.int_vars, self.floats, self.float_vars,
                   self.bools, self.bool_vars, self.lists, self.vecs, self.helpers)
        s.dicts, s.objs, s.cells = self.dicts, self.objs, self.cells
        s.frozen = set(self.frozen)
        s.loop = loop if loop is not None else self.loop
        s.depth = self.depth + 1
        return s


class Generator:
    """Random program generator. All randomness comes from `random.Random(seed)`."""

    def __init__(self, seed, max_depth=3, max_stmts=4, n_helpers=None, features=None):
        self.seed = seed
        self.r = random.Random(seed)
        self.max_depth = max_depth
        self.max_stmts = max_stmts
        self.n_helpers = n_helpers
        self.features = features
        self.fresh = 0
        self.ret_kind = 'int'
        self.uses = set()

    # -- small utilities ------------------------------------------------------------------
    def chance(self, p):
        return self.r.random() < p

    def new_name(self, prefix):
        self.fresh += 1
        return '%s%d' % (prefix, self.fresh)

    def wants(self, feature):
        return self.features is None or feature in self.features

    # -- int expressions: (text, bound) ---------------------------------------------------
    def int_atom(self, sc):
        if sc.ints and self.chance(0.7):
            return self.r.choice(sc.ints), INT_VAR_MAX
        c = self.r.randint(-9, 20)
        return (str(c) if c >= 0 else '(%d)' % c), abs(c)

    @staticmethod
    def reduce(e, b):
        return ('%s %% %d' % (e, P), P) if b > P else (e, b)

    def int_expr(self, sc, depth=0):
        if depth >= 2 or self.chance(0.45):
            return self.int_atom(sc)
        k = self.r.random()
        if k < 0.30:
            op = self.r.choice('+-')
            a, ba = self.int_expr(sc, depth + 1)
            b, bb = self.int_expr(sc, depth + 1)
            if ba + bb > INT_EXPR_MAX:
                (a, ba), (b, bb) = self.reduce(a, ba), self.reduce(b, bb)
            return '(%s %s %s)' % (a, op, b), ba + bb
        if k < 0.45:
            a, ba = self.int_expr(sc, depth + 1)
            b, bb = self.int_expr(sc, depth + 1)
            if ba * bb > INT_EXPR_MAX:
                (a, ba), (b, bb) = self.reduce(a, ba), self.reduce(b, bb)
            return '(%s * %s %% %d)' % (a, b, P), P
        if k < 0.52:
            a, ba = self.int_expr(sc, depth + 1)
            d = self.r.randint(2, 5)
            if self.wants('signed_div') and self.chance(0.3):
                # floor division and modulo by a negative number, divmod: Python floors
                d = -d
                if self.chance(0.4):
                    part = self.r.randint(0, 1)
                    return 'divmod(%s, %s)[%d]' % (a, '(%d)' % d, part), (ba if part == 0
                                                                           else -d)
            return '(%s // %s)' % (a, d if d > 0 else '(%d)' % d), ba
        if k < 0.58:
            a, ba = self.int_expr(sc, depth + 1)
            m = self.r.choice((2, 3, 5, 7, P))
            if self.wants('signed_div') and m != P and self.chance(0.3):
                return '(%s %% (%d))' % (a, -m), m
            return '(%s %% %d)' % (a, m), m
        if k < 0.64:
            a, ba = self.int_expr(sc, depth + 1)
            return self.r.choice(('(-%s)', 'abs(%s)')) % a, ba
        if k < 0.71 and self.wants('builtins'):
            a, ba = self.int_expr(sc, depth + 1)
            b, bb = self.int_expr(sc, depth + 1)
            return '%s(%s, %s)' % (self.r.choice(('min', 'max')), a, b), max(ba, bb)
        if k < 0.78 and self.wants('ternary'):
            if self.wants('value_logic') and self.chance(0.25):
                c = self.int_expr(sc, depth + 1)[0]      # an int's truth value as the test
            else:
                c = self.bool_expr(sc, depth + 1)
            a, ba = self.int_expr(sc, depth + 1)
            b, bb = self.int_expr(sc, depth + 1)
            return '(%s if %s else %s)' % (a, c, b), max(ba, bb)
        if k < 0.82 and self.wants('value_logic'):
            # `a and b` / `a or b` as a value: one of the operands, as in Python.
            a, ba = self.int_expr(sc, depth + 1)
            b, bb = self.int_expr(sc, depth + 1)
            if self.chance(0.05):
                # a bool or an int: in a graph a clear error (the program says it may raise)
                self.uses.add('mixed_logic')
                return '(%s > %s and %s)' % (a, self.int_atom(sc)[0], b), max(ba, bb, 1)
            return '(%s %s %s)' % (a, self.r.choice(('and', 'or')), b), max(ba, bb)
        if k < 0.86 and sc.helpers and self.wants('calls'):
            name, arity = self.r.choice(sc.helpers)
            args = [self.int_expr(sc, depth + 1)[0] for _ in range(arity)]
            return '%s(%s)' % (name, ', '.join(args)), INT_VAR_MAX
        if k < 0.91 and (sc.lists or sc.vecs) and self.wants('lists'):
            if sc.lists and self.wants('list_reads') and self.chance(0.4):
                # a list read back: truth value, indexing (also of a list a loop lowered)
                lst = self.r.choice(sc.lists)
                if self.chance(0.5):
                    return '(%s[-1] if %s else %s)' % (lst, lst, self.int_atom(sc)[0]), \
                        INT_VAR_MAX
                return '(%s[0] if len(%s) > 0 else -1)' % (lst, lst), INT_VAR_MAX
            return 'len(%s)' % self.r.choice(sc.lists + sc.vecs), 4096
        if k < 0.93 and (sc.dicts or sc.objs):
            if sc.dicts and (not sc.objs or self.chance(0.5)):
                d = self.r.choice(sc.dicts)
                if self.chance(0.5):
                    return '%s["k0"]' % d, INT_VAR_MAX
                return '%s.get("k%d", %d)' % (d, self.r.randint(1, 2), self.r.randint(-3, 3)), \
                    INT_VAR_MAX
            o = self.r.choice(sc.objs)
            if self.chance(0.6):
                return '%s.total' % o, P
            return 'getattr(%s, "last", -1)' % o, INT_VAR_MAX
        if k < 0.95 and sc.floats and self.wants('floats'):
            return 'int(%s)' % self.float_expr(sc, depth + 1)[0], FLOAT_EXPR_MAX
        return self.int_atom(sc)

    # -- float expressions ------------------------------------------------------------------
    def float_atom(self, sc):
        if sc.floats and self.chance(0.6):
            return self.r.choice(sc.floats), FLOAT_VAR_MAX
        c = self.r.randint(-64, 64) / 4.0
        return (repr(c) if c >= 0 else '(%r)' % c), abs(c)

    def float_expr(self, sc, depth=0):
        if depth >= 2 or self.chance(0.45):
            return self.float_atom(sc)
        k = self.r.random()
        if k < 0.35:
            a, ba = self.float_expr(sc, depth + 1)
            b, bb = self.float_expr(sc, depth + 1)
            return '(%s %s %s)' % (a, self.r.choice('+-'), b), ba + bb
        if k < 0.50:
            a, ba = self.float_expr(sc, depth + 1)
            m = self.r.randint(-3, 3)
            lit = str(m) if self.chance(0.5) else '%r' % float(m)
            return '(%s * %s)' % (a, lit if m >= 0 else '(%s)' % lit), ba * abs(m)
        if k < 0.65:
            a, ba = self.int_expr(sc, depth + 1)
            if self.wants('mixed') and self.chance(0.4):
                # an int (tensor) with a Python float: a float, as in Python
                self.uses.add('mixed')
                m = self.r.choice((97, 1009))
                if self.chance(0.5):
                    return '(%s %% %d * %r)' % (a, m, self.r.choice((0.5, 0.25, 1.5))), m * 2
                return '(%s %% %d + %r)' % (a, m, self.r.randint(-8, 8) / 4.0), m + 2
            if ba > FLOAT_EXPR_MAX // 4:
                a, ba = self.reduce(a, ba)
            return 'float(%s)' % a, ba
        if k < 0.75 and self.wants('builtins'):
            a, ba = self.float_expr(sc, depth + 1)
            b, bb = self.float_expr(sc, depth + 1)
            return '%s(%s, %s)' % (self.r.choice(('min', 'max')), a, b), max(ba, bb)
        if k < 0.85 and self.wants('ternary'):
            c = self.bool_expr(sc, depth + 1)
            a, ba = self.float_expr(sc, depth + 1)
            b, bb = self.float_expr(sc, depth + 1)
            return '(%s if %s else %s)' % (a, c, b), max(ba, bb)
        if k < 0.90 and self.wants('powers'):
            if self.chance(0.5):
                # an int to a negative int power is a float in Python: 2 ** -n, exact
                a = self.int_expr(sc, depth + 1)[0]
                return '((2 ** (%s %% 3)) ** -1)' % a, 1
            a, ba = self.float_expr(sc, depth + 1)
            if ba <= FLOAT_VAR_MAX // 2:     # (2a: a multiple of 0.5, its square of 0.25)
                return '((%s * 2) ** 2)' % a, 4 * ba * ba
        a, ba = self.float_expr(sc, depth + 1)
        return self.r.choice(('(-%s)', 'abs(%s)')) % a, ba

    # -- conditions -------------------------------------------------------------------------
    def compare(self, sc, depth):
        if sc.floats and self.wants('floats') and self.chance(0.2):
            a, b = self.float_expr(sc, depth + 1)[0], self.float_expr(sc, depth + 1)[0]
            return '%s %s %s' % (a, self.r.choice(CMP_OPS), b)
        a, b = self.int_expr(sc, depth + 1)[0], self.int_expr(sc, depth + 1)[0]
        if self.wants('chained') and self.chance(0.2):
            c = self.int_expr(sc, depth + 1)[0]
            return '%s %s %s %s %s' % (a, self.r.choice(CMP_OPS), b, self.r.choice(CMP_OPS), c)
        return '%s %s %s' % (a, self.r.choice(CMP_OPS), b)

    def bool_expr(self, sc, depth=0, value=False):
        """A condition; with `value`, one whose value is a bool (it is stored or returned),
        else an int may stand for its truth value (`if n % 2:`)."""
        k = self.r.random()
        if depth < 2 and k < 0.25 and self.wants('logic'):
            a = self.bool_expr(sc, depth + 1, value)
            b = self.bool_expr(sc, depth + 1, value)
            return '(%s %s %s)' % (a, self.r.choice(('and', 'or')), b)
        if depth < 2 and k < 0.33 and self.wants('logic'):
            return '(not %s)' % self.bool_expr(sc, depth + 1)
        if sc.bools and k < 0.45:
            return self.r.choice(sc.bools)
        if self.wants('membership') and self.chance(0.03):
            # `in` on a literal list or a range: staged as comparisons on a tensor
            self.uses.add('membership')
            x = self.int_expr(sc, depth + 1)[0]
            if self.chance(0.3):
                lo = self.r.randint(-3, 3)
                return '(%s in range(%d, %d, %d))' % (x, lo, lo + self.r.randint(0, 9),
                                                      self.r.choice((1, 2, 3)))
            items = ', '.join(str(self.r.randint(-3, 9)) for _ in range(self.r.randint(0, 3)))
            return '(%s %s [%s])' % (x, self.r.choice(('in', 'not in')), items)
        if not value and self.wants('truthiness') and self.chance(0.03):
            # Python truthiness of an int (a graph `cond` tests it for non-zero).
            self.uses.add('truthiness')
            return '(%s %% 2)' % self.int_expr(sc, depth + 1)[0]
        return '(%s)' % self.compare(sc, depth)

    # -- statements -------------------------------------------------------------------------
    def block(self, sc, n=None):
        if n is None:
            n = self.r.randint(1, max(1, self.max_stmts - sc.depth))
        out = []
        for _ in range(n):
            out.extend(self.statement(sc))
        return out or ['pass']

    def assign_int(self, sc):
        v = self.r.choice(sc.int_vars)
        k = self.r.random()
        if k < 0.5:
            e, b = self.int_expr(sc)
            if b > INT_VAR_MAX:
                e, b = self.reduce(e, b)
            return ['%s = %s' % (v, e)]
        if k < 0.85:
            op = self.r.choice(('+=', '-='))
            e, b = self.int_expr(sc)
            if b > INT_VAR_MAX:
                e, b = self.reduce(e, b)
            return ['%s %s %s' % (v, op, e), '%s %%= %d' % (v, P)]
        return ['%s *= %d' % (v, self.r.randint(-3, 3)), '%s %%= %d' % (v, P)]

    def assign_float(self, sc):
        v = self.r.choice(sc.float_vars)
        e, b = self.float_expr(sc)
        if self.chance(0.3):
            e, b = '%s %s %s' % (v, self.r.choice(('+', '-')), e), b + FLOAT_VAR_MAX
            if self.chance(0.5):
                # augmented form, then clamp back into range
                return ['%s %s= %s' % (v, e.split(' ', 2)[1], e.split(' ', 2)[2]),
                        '%s = min(max(%s, %r), %r)' % (v, v, -float(FLOAT_VAR_MAX),
                                                        float(FLOAT_VAR_MAX))]
        if b > FLOAT_VAR_MAX:
            e = 'min(max(%s, %r), %r)' % (e, -float(FLOAT_VAR_MAX), float(FLOAT_VAR_MAX))
        return ['%s = %s' % (v, e)]

    def statement(self, sc):
        r = self.r
        compound = sc.depth < self.max_depth
        choices = [('assign_int', 6)]
        if sc.float_vars and self.wants('floats'):
            choices.append(('assign_float', 2))
        if sc.bool_vars:
            choices.append(('assign_bool', 1))
        if [x for x in sc.lists if x not in sc.frozen] and self.wants('lists'):
            choices.append(('append', 2 if sc.loop else 1))
        if compound:
            choices += [('if', 4), ('for_range', 2)]
            if self.wants('while'):
                choices += [('while', 2), ('while_true', 1)]
            if sc.vecs and self.wants('tensor_for'):
                choices.append(('for_vec', 2))
            if self.wants('lists'):
                choices.append(('for_literal', 1))
                if sc.lists and not sc.frozen:      # not nested: lists grow large
                    choices.append(('for_list', 1))
        if compound and self.wants('late'):
            choices += [('late_loop', 2), ('late_if', 1)]
        if sc.dicts and sc.loop:
            choices.append(('dict_set', 1))
        if (sc.cells or sc.dicts or sc.objs) and self.wants('items'):
            choices.append(('item_aug', 1))
        if sc.objs:
            choices.append(('method', 1))
            if sc.loop:
                choices.append(('attr_set', 1))
        if sc.loop and self.wants('jumps'):
            choices += [('break', 1), ('continue', 1)]
        if sc.depth > 0 and self.wants('return'):
            choices.append(('return', 1))
        if compound and self.wants('with') and self.chance(0.2) and (
                (sc.loop and self.wants('jumps')) or (sc.depth > 0 and self.wants('return'))):
            choices.append(('with_jump', 1))
        kind = r.choices([k for k, _ in choices], weights=[w for _, w in choices])[0]
        return getattr(self, 'st_' + kind)(sc)

    def st_assign_int(self, sc):
        return self.assign_int(sc)

    def st_assign_float(self, sc):
        return self.assign_float(sc)

    def st_assign_bool(self, sc):
        return ['%s = %s' % (self.r.choice(sc.bool_vars), self.bool_expr(sc, value=True))]

    def st_append(self, sc):
        lst = self.r.choice([x for x in sc.lists if x not in sc.frozen])
        e, b = self.int_expr(sc)
        if b > INT_VAR_MAX:
            e, b = self.reduce(e, b)
        return ['%s.append(%s)' % (lst, e)]

    def st_if(self, sc):
        if self.wants('walrus') and self.chance(0.1):
            # an assignment expression in the test: defined after it on every path
            w = self.new_name('wal')     # not w<n>: those are the float variables
            e, b = self.int_expr(sc)
            if b > INT_VAR_MAX:
                e, b = self.reduce(e, b)
            out = ['if (%s := %s) %s %s:' % (w, e, self.r.choice(CMP_OPS),
                                             self.int_expr(sc)[0])]
            sc.ints.append(w)
        else:
            out = ['if %s:' % self.bool_expr(sc)]
        body = self.block(sc.child())
        if self.wants('del') and self.chance(0.05):
            # a name deleted in one branch and never read afterwards
            d = self.new_name('dead')
            out = ['%s = %s' % (d, sc.ints[0])] + out      # a parameter
            body = ['del %s' % d] + body
        out += _indent(body)
        for _ in range(self.r.choice((0, 0, 1, 2))):
            out.append('elif %s:' % self.bool_expr(sc))
            out += _indent(self.block(sc.child()))
        if self.chance(0.5):
            out.append('else:')
            out += _indent(self.block(sc.child()))
        return out

    def _loop_else(self, sc):
        if self.wants('loop_else') and self.chance(0.1):
            return ['else:'] + _indent(self.block(sc.child(), 1))
        return []

    def st_for_range(self, sc):
        t = self.new_name('i')
        k = self.r.random()
        e = self.int_expr(sc)[0]
        if k < 0.5:
            it = 'range(%s %% %d)' % (e, self.r.randint(2, 6))
        elif k < 0.8:
            it = 'range(%d, %s %% 7)' % (self.r.randint(-2, 3), e)
        else:
            it = 'range(%s %% 6, %d, %d)' % (e, self.r.randint(-3, 0), self.r.choice((-1, -2)))
        out = ['for %s in %s:' % (t, it)]
        out += _indent(self.block(sc.child('for', [t])))
        return out + self._loop_else(sc)

    def st_for_vec(self, sc):
        vec = self.r.choice(sc.vecs)
        t = self.new_name('x')
        if self.wants('builtins') and self.chance(0.25):
            j = self.new_name('j')
            out = ['for %s, %s in enumerate(%s):' % (j, t, vec)]
            body = self.block(sc.child('for', [t, j]))
        else:
            out = ['for %s in %s:' % (t, vec)]
            body = self.block(sc.child('for', [t]))
        return out + _indent(body) + self._loop_else(sc)

    def st_for_literal(self, sc):
        t = self.new_name('e')
        items = ', '.join(str(self.r.randint(-5, 9)) for _ in range(self.r.randint(0, 4)))
        out = ['for %s in [%s]:' % (t, items)]
        return out + _indent(self.block(sc.child('for', [t]))) + self._loop_else(sc)

    def st_for_list(self, sc):
        lst = self.r.choice(sc.lists)
        t = self.new_name('y')
        child = sc.child('for', [t])
        child.frozen.add(lst)
        return ['for %s in %s:' % (t, lst)] + _indent(self.block(child)) + self._loop_else(sc)

    def st_while(self, sc):
        c = self.new_name('c')
        bound = '%s %% %d' % (self.int_expr(sc)[0], self.r.randint(2, 6))
        test = '%s < %s' % (c, bound)
        if self.wants('logic') and self.chance(0.3):
            test = '%s %s %s' % (test, self.r.choice(('and', 'or not')), self.bool_expr(sc))
            if ' or not ' in test:
                # `or` could keep the loop going forever: the counter still bounds it
                test = '%s < 8 and (%s)' % (c, test)
        child = sc.child('while', [c])
        out = ['%s = 0' % c, 'while %s:' % test]
        out += _indent(['%s += 1' % c] + self.block(child))
        sc.ints.append(c)            # defined on every path after the loop
        return out + self._loop_else(sc)

    def st_while_true(self, sc):
        c = self.new_name('c')
        child = sc.child('while', [c])
        limit = '%s %% %d' % (self.int_expr(sc)[0], self.r.randint(2, 6))
        body = ['%s += 1' % c, 'if %s > %s:' % (c, limit), '    break']
        body += self.block(child)
        sc.ints.append(c)
        return ['%s = 0' % c, 'while True:'] + _indent(body)

    def st_late_loop(self, sc):
        """A name first assigned in a loop (or the loop's target), read after the loop: Python
        raises UnboundLocalError if the loop ran zero times, and so must the graph."""
        self.uses.add('late')
        name = self.new_name('late')
        e = self.int_expr(sc)[0]
        k = self.r.random()
        if sc.vecs and k < 0.35:
            target = name if self.chance(0.4) else self.new_name('x')
            head = ['for %s in %s:' % (target, self.r.choice(sc.vecs))]
        elif k < 0.7:
            target = name if self.chance(0.3) else self.new_name('i')
            head = ['for %s in range(%s %% %d):' % (target, e, self.r.randint(2, 4))]
        else:
            target = self.new_name('c')
            head = ['%s = 0' % target,
                    'while %s < %s %% %d:' % (target, e, self.r.randint(2, 4))]
        is_while = head[-1].startswith('while')
        child = sc.child('while' if is_while else 'for', [target])
        body = ['%s += 1' % target] if is_while else []
        if target != name:
            v, b = self.int_expr(child)
            if b > INT_VAR_MAX:
                v, b = self.reduce(v, b)
            body.append('%s = %s' % (name, v))
            child.ints.append(name)
        body += self.block(child, self.r.randint(0, 2)) if self.chance(0.5) else []
        sc.ints.append(name)
        return head + _indent(body or ['pass'])

    def st_late_if(self, sc):
        """A name first assigned in the branches of an `if`, read after it."""
        self.uses.add('late')
        name = self.new_name('late')
        out = ['if %s:' % self.bool_expr(sc)]
        for branch in (0, 1):
            if branch:
                if self.chance(0.3):
                    break           # assigned on one branch only: maybe unassigned after
                out.append('else:')
            v, b = self.int_expr(sc)
            if b > INT_VAR_MAX:
                v, b = self.reduce(v, b)
            out += _indent(['%s = %s' % (name, v)] + (self.block(sc.child(), 1)
                                                     if self.chance(0.3) else []))
        sc.ints.append(name)
        return out

    def st_dict_set(self, sc):
        """A dict item written in a loop; 'k1'/'k2' may first be created there."""
        self.uses.add('created_in_loop')
        e, b = self.int_expr(sc)
        if b > INT_VAR_MAX:
            e, b = self.reduce(e, b)
        return ['%s["k%d"] = %s' % (self.r.choice(sc.dicts), self.r.randint(0, 2), e)]

    def st_attr_set(self, sc):
        """An attribute first created in a loop."""
        self.uses.add('created_in_loop')
        e, b = self.int_expr(sc)
        if b > INT_VAR_MAX:
            e, b = self.reduce(e, b)
        return ['%s.last = %s' % (self.r.choice(sc.objs), e)]

    def st_item_aug(self, sc):
        """Augmented assignment to an item or attribute that exists (a fixed list index, the
        dict key 'k0', the attribute `total`): carried through tensor branches and loops."""
        self.uses.add('items')
        e, b = self.int_expr(sc)
        if b > INT_VAR_MAX:
            e, b = self.reduce(e, b)
        target = self.r.choice(sc.cells + ['%s["k0"]' % d for d in sc.dicts] +
                               ['%s.total' % o for o in sc.objs])
        if target.endswith('"k0"]') and self.chance(0.5):
            d = target.split('[')[0]
            return ['%s = %s.get("k0", 0) + %s' % (target, d, e), '%s %%= %d' % (target, P)]
        return ['%s %s= %s' % (target, self.r.choice('+-'), e), '%s %%= %d' % (target, P)]

    def st_method(self, sc):
        """A method updating `self` state."""
        self.uses.add('objects')
        e, b = self.int_expr(sc)
        if b > INT_VAR_MAX:
            e, b = self.reduce(e, b)
        o = self.r.choice(sc.objs)
        if sc.int_vars and self.chance(0.5):
            return ['%s = %s.add(%s)' % (self.r.choice(sc.int_vars), o, e)]
        return ['%s.add(%s)' % (o, e)]

    def st_with_jump(self, sc):
        """A jump inside (nested) `with` blocks, then a fresh variable assigned in the block
        and read after it: the branch that jumps leaves it unassigned."""
        self.uses.add('block')
        jumps = []
        if sc.loop and self.wants('jumps'):
            jumps += ['break', 'continue']
        if sc.depth > 0 and self.wants('return'):
            jumps.append('return %s' % self.return_expr(sc))
        t = self.new_name('tmp')
        e, b = self.int_expr(sc)
        if b > INT_VAR_MAX:
            e, b = self.reduce(e, b)
        inner = ['if %s:' % self.bool_expr(sc), '    ' + self.r.choice(jumps),
                 '%s = %s' % (t, e)]
        if self.chance(0.5):
            inner = ['with Block():'] + _indent(inner)
        out = ['with Block():'] + _indent(inner)
        if sc.int_vars:
            out.append('%s = %s' % (self.r.choice(sc.int_vars), t))
        return out

    def st_break(self, sc):
        if self.chance(0.8):
            return ['if %s:' % self.bool_expr(sc), '    break']
        return ['break']

    def st_continue(self, sc):
        if self.chance(0.8):
            return ['if %s:' % self.bool_expr(sc), '    continue']
        return ['continue']

    def st_return(self, sc):
        ret = ['return %s' % self.return_expr(sc)]
        if self.chance(0.8):
            return ['if %s:' % self.bool_expr(sc)] + _indent(ret)
        return ret

    def return_expr(self, sc, with_len=None):
        parts = []
        for kind in self.ret_kind.split(','):
            if kind == 'int':
                parts.append(self.int_expr(sc)[0])
            elif kind == 'list':
                parts.append(self.r.choice(sc.lists))
            elif kind == 'float':
                parts.append(self.float_expr(sc)[0])
            else:
                parts.append(self.bool_expr(sc, value=True))
        if with_len is not None:
            parts[0] = '(%s + len(%s))' % (parts[0], with_len)
        return parts[0] if len(parts) == 1 else '(%s)' % ', '.join(parts)

    # -- functions --------------------------------------------------------------------------
    def helper(self, name, helpers):
        params = ['p', 'q'][:self.r.randint(1, 2)]
        sc = _Scope(params + ['u'], ['u'], [], [], [], [], [], [], helpers)
        sc.depth = 1          # helpers stay shallow
        saved, self.ret_kind = self.ret_kind, 'int'
        body = ['u = %s' % self.r.choice(params + [str(self.r.randint(0, 9))])]
        body += self.block(sc, self.r.randint(1, 3))
        e, b = self.int_expr(sc)
        if b > INT_VAR_MAX:
            e, b = self.reduce(e, b)
        body.append('return %s' % e)
        self.ret_kind = saved
        return ['def %s(%s):' % (name, ', '.join(params))] + _indent(body), len(params)

    def program(self):
        r = self.r
        lines, helpers = [], []
        n_helpers = self.n_helpers if self.n_helpers is not None else r.choice((0, 1, 1, 2))
        if not self.wants('calls'):
            n_helpers = 0
        for i in range(n_helpers):
            text, arity = self.helper('h%d' % i, list(helpers))
            helpers.append(('h%d' % i, arity))
            lines += text + ['', '']

        params, args, kinds = ['a', 'b'], [r.randint(-8, 12), r.randint(-8, 12)], ['int', 'int']
        vecs, floats = [], []
        if self.wants('tensor_for') and self.chance(0.6):
            params.append('xs')
            args.append([r.randint(-5, 12) for _ in range(r.randint(0, 5))])
            kinds.append('ivec')
            vecs.append('xs')
        if self.wants('floats') and self.chance(0.5):
            params.append('fx')
            args.append(r.randint(-40, 40) / 4.0)
            kinds.append('float')
            floats.append('fx')

        int_vars = ['v%d' % i for i in range(r.randint(1, 3))]
        float_vars = ['w%d' % i for i in range(r.randint(0, 2))] if self.wants('floats') else []
        bool_vars = ['flag'] if self.chance(0.3) else []
        lists = ['lst%d' % i for i in range(r.randint(0, 2))] if self.wants('lists') else []
        sc = _Scope(['a', 'b'] + int_vars, int_vars, floats + float_vars, float_vars, bool_vars,
                    bool_vars, lists, vecs, helpers)
        sc.dicts = ['dct'] if self.wants('dicts') and self.chance(0.2) else []
        sc.objs = ['acc'] if self.wants('objects') and self.chance(0.2) else []
        if self.wants('items') and self.chance(0.25):
            sc.cells = ['cells[0]', 'cells[1]']
            sc.ints += sc.cells
        if sc.objs:
            lines += ['class Acc:', '    def __init__(self, v):', '        self.total = v % 7',
                      '', '    def add(self, x):',
                      '        self.total = (self.total + x) %% %d' % P,
                      '        return self.total', '', '']
        kinds_ret = ['int', 'int', 'int,float', 'int,int', 'float', 'bool', 'int,bool']
        if lists:
            kinds_ret += ['int,list', 'int,list']
        if not self.wants('floats'):
            kinds_ret = [k for k in kinds_ret if 'float' not in k]
        self.ret_kind = r.choice(kinds_ret)

        body = []
        for v in int_vars:
            body.append('%s = %s' % (v, self.int_atom(_Scope(['a', 'b'], [], [], [], [], [],
                                                             [], [], []))[0]))
        for w in float_vars:
            body.append('%s = %s' % (w, self.float_atom(_Scope([], [], floats, [], [], [], [],
                                                               [], []))[0]))
        for fl in bool_vars:
            top = _Scope(['a', 'b'], [], [], [], [], [], [], [], [])
            body.append('%s = %s' % (fl, self.bool_expr(top, value=True)))
        for lst in lists:
            body.append('%s = []' % lst)
        for d in sc.dicts:
            body.append('%s = {"k0": %s}' % (d, r.choice(('a', 'b', '0'))))
        for o in sc.objs:
            body.append('%s = Acc(%s)' % (o, r.choice(('a', 'b', '3'))))
        if sc.cells:
            body.append('cells = [%s, 0]' % r.choice(('a', 'b', '1')))
        body += self.block(sc, r.randint(2, self.max_stmts + 2))
        with_len = None
        if lists and self.ret_kind.startswith('int') and self.chance(0.5):
            with_len = r.choice(lists)
        body.append('return %s' % self.return_expr(sc, with_len))
        if 'block' in self.uses:
            lines += ['class Block:', '    def __enter__(self):', '        return self', '',
                      '    def __exit__(self, *exc):', '        return False', '', '']
        lines += ['def f(%s):' % ', '.join(params)] + _indent(body)
        more = [[self.random_arg(k, a) for k, a in zip(kinds, args)] for _ in range(2)]
        return Program(self.seed, '\n'.join(lines) + '\n', args, kinds, uses=self.uses,
                       more_args=more)

    def random_arg(self, kind, like):
        """Another input of `kind` with the shape of `like` (so the trace is reused)."""
        r = self.r
        if kind == 'int':
            return r.randint(-8, 12)
        if kind == 'float':
            return r.randint(-40, 40) / 4.0
        return [r.randint(-5, 12) for _ in like]


def _indent(lines):
    return ['    ' + x for x in lines]


def generate(seed, **kwargs):
    """The program of `seed` (the same seed always gives the same program)."""
    return Generator(seed, **kwargs).program()


# --- running -------------------------------------------------------------------------------------

class StepLimit(Exception):
    """The oracle ran too many lines (only possible for hand-edited or minimised programs)."""


_loaded = {}
_load_lock = threading.Lock()


def load(program, tag=None):
    """Executes the program's source under a fresh linecache name; returns its namespace."""
    with _load_lock:
        n = _loaded[program.seed] = _loaded.get(program.seed, 0) + 1
    filename = '<fuzz-%s-%d%s>' % (program.seed, n, '-' + tag if tag else '')
    linecache.cache[filename] = (len(program.source), None, program.source.splitlines(True),
                                 filename)
    ns = {'__name__': 'fuzz_%s' % program.seed}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', SyntaxWarning)
        code = compile(program.source, filename, 'exec')
    exec(code, ns)
    return ns, filename


def unload(filename):
    linecache.cache.pop(filename, None)


def _limited(fn, args, max_lines):
    """Runs fn(*args) raising StepLimit after max_lines traced lines (oracle only)."""
    count = [0]

    def tracer(frame, event, arg):
        if event == 'line':
            count[0] += 1
            if count[0] > max_lines:
                raise StepLimit()
        return tracer

    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        return fn(*args)
    finally:
        sys.settrace(old)


def normalize(value):
    """A comparable form of a result: ('int'|'float'|'bool', python value) or a tuple of them."""
    if isinstance(value, tuple):
        return tuple(normalize(v) for v in value)
    if isinstance(value, list):
        return ('list', tuple(normalize(v) for v in value))
    if isinstance(value, ag.TensorArray):
        n = int(np.asarray(value.size().numpy()))
        items = value.stack().numpy().tolist() if n else []
        kind = {'i': 'int', 'f': 'float', 'b': 'bool'}.get(value.dtype.np_dtype.kind, '?')
        return ('list', tuple((kind, x) for x in items))
    if isinstance(value, ag.Tensor):
        value = value.numpy()
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if arr.shape != ():
            return ('array', arr.dtype.kind, arr.tolist())
        kind = {'i': 'int', 'u': 'int', 'f': 'float', 'b': 'bool'}.get(arr.dtype.kind, arr.dtype.kind)
        return (kind, arr.item())
    if isinstance(value, bool):
        return ('bool', value)
    if isinstance(value, int):
        return ('int', value)
    if isinstance(value, float):
        return ('float', value)
    return ('object', repr(value))


def exact(value):
    """Like normalize, but Python types stay exact: a tensor where Python gave an int differs."""
    if isinstance(value, (tuple, list)):
        return (type(value).__name__,) + tuple(exact(v) for v in value)
    return (type(value).__name__, value if isinstance(value, (int, float, bool)) else repr(value))


def as_tensor_arg(value, kind):
    if kind == 'int':
        return ag.constant(value, dtype=ag.int32)
    if kind == 'float':
        return ag.constant(value, dtype=ag.float32)
    return ag.constant(np.asarray(value, dtype=np.int32).reshape(-1), dtype=ag.int32)


# Documented errors a tensor mode may raise instead of a value: each is a clear message about
# a rule of graph execution (docs/limitations.md, "Behaviour that differs on graph tensors").
# Entries: (exception class, regex the message must match, label). Anything else raised in a
# tensor mode is a failure. Generated programs only reach these through Python features a
# graph cannot express: a value that is a bool on one path and an int on another
# (`x > 0 and n % 2`), a Python list appended inside a tensor `if`, and paths returning lists
# of different lengths. (The truth value of an int tensor, `if n % 2:`, is supported.)
DOCUMENTED = [
    (NotImplementedError, r'is modified in place inside the (if|else)-branch of a '
     r'tensor-dependent `if`', 'list mutated in tensor if'),
    (TypeError, r'the function returns .* on one path and .* on another, (depending on a '
     r'tensor-dependent `if`|inside a tensor-dependent loop) at ',
     'paths return different structures'),
    (TypeError, r'has different structures in the two branches of a tensor-dependent `if`',
     'branches differ in structure'),
    (UndefinedValueError, r'.', 'undefined on a path'),
    # `x > 0 and n` as a value is a bool or an int: not one tensor.
    (TypeError, r'the `(and|or)` expression at .* cannot be one tensor',
     'and/or operands of different kinds'),
    # Python creates `d['k']` / `o.attr` only if the loop runs; a graph cannot return a dict
    # or object whose keys depend on that: it fails at run time when the loop ran zero times.
    # ... and on eager tensors `x > 0 and n` is a bool tensor or an int: the runtime does
    # not mix bool and int tensors.
    (TypeError, r'input \d is (bool|int32) but input \d is (bool|int32); tensors of different '
     r'dtypes are not promoted', 'and/or operands of different kinds'),
    (TypeError, r"cannot convert '[^']*' to bool; use a comparison or ag.cast",
     'and/or operands of different kinds'),
    (TypeError, r'expected (a numeric tensor|numeric tensors), got bool',
     'and/or operands of different kinds'),
    # ... and such a value appended to a list a tensor loop lowered: one dtype per TensorArray
    (TypeError, r'TensorArray of (bool|int32): cannot write a (bool|int32) value \(at .*\)\. '
     r'A TensorArray .* holds items of one dtype', 'and/or operands of different kinds'),
    # A method called in a tensor-dependent branch or loop body that stores a tensor in its
    # object (`self.total = ...`): state the statement does not carry; a clear error.
    (ag.GraphMismatchError, r'inside a tensor-dependent branch or loop body .* escaped',
     'object state written by a method in staged control flow'),
    (ag.StagingError, r'was set while tracing .* by code the statement does not carry',
     'object state written by a method in staged control flow'),
    (ag.InvalidArgumentError, r'is set only inside the tensor-dependent loop',
     'item or attribute created in a loop that ran zero times'),
]

# What a tensor mode may raise where the oracle raised UnboundLocalError (a name first
# assigned in a loop or branch that did not run): the same error at trace time, or the
# run-time check of a value only a loop assigns, or only one branch of a tensor `if` (the
# other jumped, or assigns nothing and no read follows the `if`).
UNASSIGNED = re.compile(r'is assigned only inside the tensor-dependent loop|has no value where '
                        r'it is read: the (if|else)-branch of the tensor-dependent `if`')


class _Raised:
    """The oracle raised `exc` (only UnboundLocalError is expected of generated programs)."""

    def __init__(self, exc):
        self.exc = exc

    def __repr__(self):
        return 'raises %s' % type(self.exc).__name__


# Errors only a program using one of these features may raise: an int's truth value is the
# only way a generated program mixes dtypes (`x and n` is a bool or an int).
NEEDS = {'BranchMismatchError': 'truthiness', 'LoopVarMismatchError': 'truthiness',
         'and/or operands of different kinds': 'mixed_logic',
         'item or attribute created in a loop that ran zero times': 'created_in_loop',
         'object state written by a method in staged control flow': 'objects'}


def documented_error(exc, uses=None):
    """The label of a documented, clear error, or None if `exc` is not one.

    With `uses` (the features a generated program uses), errors that the program's features
    cannot explain are not accepted (see NEEDS).
    """
    label = None
    if isinstance(exc, (ag.BranchMismatchError, ag.LoopVarMismatchError)):
        label = type(exc).__name__
    else:
        msg = str(exc)
        for cls, pattern, name in DOCUMENTED:
            if isinstance(exc, cls) and re.search(pattern, msg):
                label = name
                break
    if label in NEEDS and uses is not None and NEEDS[label] not in uses:
        return None
    return label


class Outcome:
    """What `check` found. `failures` is a list of (mode, kind, detail); empty means pass."""

    def __init__(self, program):
        self.program = program
        self.expected = None
        self.failures = []
        self.documented = {}       # mode -> label of the documented error it raised
        self.skipped = None        # why the program was not checked (oracle failed)

    @property
    def ok(self):
        return not self.failures

    @property
    def signature(self):
        """The failures without names, numbers and places (minimising keeps it unchanged)."""
        return frozenset((m, k, _shape_of(k, d)) for m, k, d in self.failures)

    def report(self):
        lines = ['seed %s: %s' % (self.program.seed, 'ok' if self.ok else 'FAIL')]
        for mode, kind, detail in self.failures:
            lines.append('  [%s] %s: %s' % (mode, kind, detail))
        lines.append(self.program.text())
        return '\n'.join(lines)


def _shape_of(kind, detail):
    if not kind.startswith('error:'):
        return ''
    detail = re.sub(r'\(raised at [^)]* in ([^)]*)\)', r'in \1', detail)
    detail = re.sub(r"'[^']*'", "'_'", detail)
    detail = re.sub(r'<fuzz[^>]*>', '<fuzz>', detail)
    return re.sub(r'\d+', '0', detail)


class Timeout(BaseException):
    """A mode ran longer than the per-program limit (a hang is a failure)."""


def _alarm(seconds):
    """Context manager raising Timeout after `seconds` (main thread only, else a no-op)."""
    class _Ctx:
        def __enter__(self):
            self.on = seconds and threading.current_thread() is threading.main_thread() \
                and hasattr(signal, 'setitimer')
            if self.on:
                def handler(signum, frame):
                    raise Timeout()
                self.old = signal.signal(signal.SIGALRM, handler)
                signal.setitimer(signal.ITIMER_REAL, seconds)

        def __exit__(self, *exc):
            if self.on:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, self.old)
            return False
    return _Ctx()


def _describe_exc(exc):
    tb = traceback.extract_tb(exc.__traceback__)
    where = ''
    if tb:
        fr = tb[-1]
        where = ' (raised at %s:%s in %s)' % (fr.filename.rsplit('/', 2)[-1] if '/' in
                                              fr.filename else fr.filename, fr.lineno, fr.name)
    return '%s: %s%s' % (type(exc).__name__, str(exc).split('\n')[0][:300], where)


MODES = ('convert', 'eager', 'graph')


def check(program, modes=MODES, max_lines=10 ** 6, timeout=20.0):
    """Runs the program's `f` in every mode and compares with the CPython oracle.

    The graph mode traces once and then also runs the same trace on `program.more_args`
    (inputs of the same shapes), so every path of the graph is checked, not just the one the
    first input takes.
    """
    out = Outcome(program)
    try:
        ns, filename = load(program)
    except Exception as e:  # noqa: BLE001 - only minimiser candidates fail to load
        out.skipped = 'does not load: %s' % _describe_exc(e)
        return out
    try:
        f = ns.get(program.name)
        expected = []
        for args in [program.args] + program.more_args:
            try:
                expected.append(_limited(f, list(args), max_lines))
            except UnboundLocalError as e:
                if 'late' not in program.uses:
                    out.skipped = 'oracle raised %s on %r' % (_describe_exc(e), args)
                    return out
                expected.append(_Raised(e))    # a name its loop/branch did not assign
            except (StepLimit, Exception) as e:  # noqa: BLE001 - generated code never raises
                out.skipped = 'oracle raised %s on %r' % (_describe_exc(e), args)
                return out
        out.expected = expected[0]
        for mode in modes:
            try:
                with _alarm(timeout):
                    _run_mode(out, f, mode, program, expected)
            except Timeout:
                out.failures.append((mode, 'timeout', 'no result after %ss' % timeout))
        return out
    finally:
        unload(filename)


def _run_mode(out, f, mode, program, expected):
    if mode == 'graph':
        fn = ag.function(f)
        calls = [program.args] + program.more_args
    else:
        fn = ag.to_graph(f)
        calls = [program.args]
    for args, want in zip(calls, expected):
        if mode != 'convert':
            args = [as_tensor_arg(a, k) for a, k in zip(args, program.arg_kinds)]
        if isinstance(want, _Raised):
            try:
                got = fn(*args)
            except Exception as e:  # noqa: BLE001 - classified below
                if isinstance(e, UnboundLocalError):
                    continue              # as in Python (in a graph: found at trace time)
                if mode != 'convert' and isinstance(e, ag.InvalidArgumentError) \
                        and UNASSIGNED.search(str(e)):
                    out.documented[mode] = 'unassigned name (run-time check)'
                    continue
                label = documented_error(e, program.uses) if mode != 'convert' else None
                if label is not None:       # refused for a documented reason at trace time
                    out.documented[mode] = label
                    return
                out.failures.append((mode, 'error:' + type(e).__name__, 'on %s, where Python '
                                     'raises UnboundLocalError: %s'
                                     % (_args_text(args), _describe_exc(e))))
                return
            out.failures.append((mode, 'invented value', 'on %s: Python raises %s, got %r'
                                 % (_args_text(args), _describe_exc(want.exc), got)))
            return
        try:
            got = fn(*args)
        except Exception as e:  # noqa: BLE001 - classified below
            label = documented_error(e, program.uses) if mode != 'convert' else None
            if label is None:
                out.failures.append((mode, 'error:' + type(e).__name__, _describe_exc(e)))
            else:
                out.documented[mode] = label
            return
        if not _compare(out, mode, want, got, args):
            return


def _compare(out, mode, expected, got, args):
    """Records a failure and returns False if `got` is not the oracle's `expected`."""
    if mode == 'convert':
        if exact(got) != exact(expected):
            out.failures.append((mode, 'wrong value', 'expected %r, got %r' % (expected, got)))
            return False
        return True
    want, have = normalize(expected), normalize(got)
    have = _as_lists_like(want, have)
    if want != have:
        kind = 'wrong value'
        if _values_only(want) == _values_only(have):
            kind = 'wrong kind'
        out.failures.append((mode, kind, 'on %s: expected %r, got %r'
                             % (_args_text(args), want, have)))
        return False
    return True


def _as_lists_like(want, have):
    """A list a graph loop lowered leaves `ag.function` stacked (docs/limitations.md): a
    1-D array result where the oracle has a list compares as that list."""
    if type(want) is not tuple or type(have) is not tuple:
        return have
    if len(want) == 2 and want[0] == 'list' and len(have) == 3 and have[0] == 'array':
        kind = {'i': 'int', 'u': 'int', 'f': 'float', 'b': 'bool'}.get(have[1], have[1])
        return ('list', tuple((kind, x) for x in have[2]))
    if len(want) == len(have):
        return tuple(_as_lists_like(w, h) for w, h in zip(want, have))
    return have


def _args_text(args):
    return '(%s)' % ', '.join(repr(normalize(a)[-1]) if isinstance(a, ag.Tensor) else repr(a)
                              for a in args)


def _values_only(norm):
    if isinstance(norm, tuple) and norm and isinstance(norm[0], tuple):
        return tuple(_values_only(x) for x in norm)
    if norm and norm[0] == 'list':
        return ('list',) + tuple(_values_only(x) for x in norm[1])
    return norm[-1]


# --- minimising ----------------------------------------------------------------------------------

def _candidates(tree):
    """Yields (description, mutate) pairs; each mutate() edits `tree` in place and returns an
    undo function."""
    for parent in ast.walk(tree):
        for field in ('body', 'orelse'):
            stmts = getattr(parent, field, None)
            if not isinstance(stmts, list):
                continue
            for i in range(len(stmts)):
                yield _delete_stmt(stmts, i)
                node = stmts[i]
                for sub in ('body', 'orelse'):
                    inner = getattr(node, sub, None)
                    if isinstance(node, (ast.If, ast.For, ast.While)) and inner:
                        yield _replace_stmt(stmts, i, inner)
                if isinstance(node, (ast.For, ast.While)) and node.orelse:
                    yield _set_field(node, 'orelse', [])
    for node in ast.walk(tree):
        for field, value in ast.iter_fields(node):
            if isinstance(value, ast.expr) and not isinstance(value, (ast.Name, ast.Constant)):
                for child in ast.iter_child_nodes(value):
                    if isinstance(child, ast.expr) and not isinstance(node, ast.Call):
                        yield _set_field(node, field, child)
                yield _set_field(node, field, ast.Constant(value=1))
                yield _set_field(node, field, ast.Constant(value=0))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.expr) and not isinstance(
                            item, (ast.Name, ast.Constant)):
                        for child in ast.iter_child_nodes(item):
                            if isinstance(child, ast.expr):
                                yield _set_item(value, i, child)


def well_formed(source):
    """True if every function in `source` reads only variables assigned on every path before
    the read (Python's definite assignment), globals of the module or builtins.

    Generated programs always are; a minimiser candidate that deletes an assignment is not,
    and would make a graph trace (which runs both branches) fail for the wrong reason.
    """
    import builtins
    tree = ast.parse(source)
    module_names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    module_names |= set(dir(builtins))
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        params = {a.arg for a in fn.args.args}
        local = params | {n.id for n in ast.walk(fn)
                          if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        try:
            _defined_after(fn.body, set(params), local, module_names)
        except _IllFormed:
            return False
    return True


class _IllFormed(Exception):
    pass


def _reads(node, defined, local, module_names):
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            if n.id in local:
                # `late*` names are first assigned in a loop or one branch on purpose (the
                # oracle then checks that an unassigned read raises as in Python).
                if n.id not in defined and not n.id.startswith('late'):
                    raise _IllFormed(n.id)
            elif n.id not in module_names:
                raise _IllFormed(n.id)


def _defined_after(stmts, defined, local, names):
    """Variables surely defined after `stmts`, or None if the block never falls through."""
    for st in stmts:
        if defined is None:
            return None          # unreachable code: Python never runs it, skip the check
        t = type(st)
        if t is ast.Assign:
            _reads(st.value, defined, local, names)
            for tgt in st.targets:
                if not isinstance(tgt, ast.Name):
                    _reads(tgt, defined, local, names)
                else:
                    defined = defined | {tgt.id}
        elif t is ast.AugAssign:
            _reads(st.value, defined, local, names)
            if isinstance(st.target, ast.Name):
                _reads(ast.Name(id=st.target.id, ctx=ast.Load()), defined, local, names)
            else:               # an item or attribute: reads the object (and the index)
                _reads(st.target, defined, local, names)
        elif t is ast.Expr:
            _reads(st.value, defined, local, names)
        elif t is ast.Return:
            if st.value is not None:
                _reads(st.value, defined, local, names)
            defined = None
        elif t in (ast.Break, ast.Continue):
            defined = None
        elif t is ast.Pass:
            pass
        elif t is ast.Delete:
            for tgt in st.targets:
                _reads(tgt if not isinstance(tgt, ast.Name)
                       else ast.Name(id=tgt.id, ctx=ast.Load()), defined, local, names)
                if isinstance(tgt, ast.Name):
                    defined = defined - {tgt.id}
        elif t is ast.With:
            for item in st.items:
                _reads(item.context_expr, defined, local, names)
            defined = _defined_after(st.body, defined, local, names)
        elif t is ast.If:
            _reads(st.test, defined, local, names)
            defined = defined | {n.target.id for n in ast.walk(st.test)      # `(w := e)`
                                 if isinstance(n, ast.NamedExpr)}
            a = _defined_after(st.body, defined, local, names)
            b = _defined_after(st.orelse, defined, local, names)
            defined = b if a is None else a if b is None else a & b
        elif t is ast.While:
            _reads(st.test, defined, local, names)
            _defined_after(st.body, defined, local, names)
            if isinstance(st.test, ast.Constant) and st.test.value is True:
                defined = defined      # left only by break: nothing more is sure
            orelse = _defined_after(st.orelse, defined, local, names)
            defined = defined if orelse is None else orelse
        elif t is ast.For:
            _reads(st.iter, defined, local, names)
            inner = set(defined)
            for n in ast.walk(st.target):
                if isinstance(n, ast.Name):
                    inner.add(n.id)
            _defined_after(st.body, inner, local, names)
            orelse = _defined_after(st.orelse, defined, local, names)
            defined = defined if orelse is None else orelse
        else:
            raise _IllFormed(t.__name__)
    return defined


def _delete_stmt(stmts, i):
    def mutate():
        old = stmts[i]
        del stmts[i]
        filled = not stmts
        if filled:
            stmts.append(ast.Pass())

        def undo():
            if filled:
                stmts[0] = old
            else:
                stmts.insert(i, old)
        return undo
    return mutate


def _replace_stmt(stmts, i, new):
    def mutate():
        old = stmts[i]
        stmts[i:i + 1] = list(new)

        def undo():
            stmts[i:i + len(new)] = [old]
        return undo
    return mutate


def _set_field(node, field, value):
    def mutate():
        old = getattr(node, field)
        setattr(node, field, value)
        return lambda: setattr(node, field, old)
    return mutate


def _set_item(lst, i, value):
    def mutate():
        old = lst[i]
        lst[i] = value
        return lambda: lst.__setitem__(i, old)
    return mutate


def minimise(program, signature=None, modes=MODES, max_rounds=50, budget=3000):
    """A smaller program failing in the same way (same (mode, kind) pairs) as `program`."""
    if signature is None:
        signature = check(program, modes).signature
    if not signature:
        return program
    wanted_modes = tuple(sorted({m for m, _, _ in signature}))

    def still_fails(p):
        if not well_formed(p.source):
            return False
        o = check(p, wanted_modes, max_lines=20000, timeout=5.0)
        return o.skipped is None and signature == o.signature

    current = program
    tries = 0
    for _ in range(max_rounds):
        changed = False
        tree = ast.parse(current.source)
        for mutate in _candidates(tree):
            if tries >= budget:
                break
            undo = mutate()
            try:
                text = ast.unparse(ast.fix_missing_locations(tree)) + '\n'
            except Exception:  # noqa: BLE001 - an invalid candidate tree
                undo()
                continue
            if text == current.source:
                undo()
                continue
            tries += 1
            cand = current.with_source(text)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter('ignore')
                    compile(text, '<candidate>', 'exec')
                ok = still_fails(cand)
            except SyntaxError:
                ok = False
            if ok:
                current = cand
                changed = True
                break          # restart from the new tree
            undo()
        if not changed or tries >= budget:
            break
    return _minimise_args(current, still_fails)


def _minimise_args(program, still_fails):
    """One input set instead of several (when one alone fails), then smaller values."""
    current = program
    for args in [program.args] + program.more_args:
        cand = program.with_args(args)
        if still_fails(cand):
            current = cand
            break
    for i, kind in enumerate(current.arg_kinds):
        value = current.args[i]
        options = [[], [0], [1]] if kind == 'ivec' else [0, 1] if kind == 'int' else [0.0, 1.0]
        if kind == 'ivec':
            options += [value[:k] for k in range(len(value))]
        for opt in options:
            if opt == current.args[i]:
                continue
            args = list(current.args)
            args[i] = opt
            cand = current.with_args(args, current.more_args)
            if still_fails(cand):
                current = cand
                break
    return current
