"""Random Python programs about Python semantics, and their differential check.

fuzzgen.py writes numeric programs that also run on tensors; this generator writes programs
that only make sense on Python values and stress what the converters rewrite: `try` /
`except` / `else` / `finally` with `return`, `break` and `continue` in every clause and
exceptions raised in every clause; iterators shared between loops and consumed after them
(`iter`, generators, `io.StringIO` files, `zip`, `enumerate`, `map`, dict views, a logging
iterator class); lists and dicts mutated while they are iterated; `and` / `or` / ternaries
and `if` / `while` tests on numbers, `None`, strings and lists; `del`; nested functions with
`nonlocal`; the walrus operator where autograph supports it (also in a comprehension); reads of
variables that may be unassigned (they raise UnboundLocalError, which must come out the same);
augmented assignment to items and attributes and a counter dict (`cnt[k] = cnt.get(k, 0) +
...`); closures and nested functions made in a loop and called after it (late binding);
tuple, starred, attribute and item loop targets; `with` blocks (enter/exit logged) left by
jumps and exceptions; generators consumed by `sum`/`any`/`all`; chained comparisons whose
operands log; `in` / `not in` on dicts, lists, strings and a logging `__contains__`; `is`;
shadowed `len` and `range`; `raise StopIteration` and `next(it)` without a default inside
loops; a nested function's default list (evaluated once per call of `f`); lambda defaults;
reads inside comprehensions and generator expressions of variables that may be unassigned
(NameError there: a free variable).

The oracle is CPython running the original `f`; the converted `ag.to_graph(f)` runs on the
same arguments right after it (the module's only state, the log, starts empty for each run). Both must give the same outcome: the same
return value and type (recursively), or the same exception type, and the same log of side
effects: every `next()` on a logging iterator, every generator step, every `p(...)` call
("print"), every truth test of a `Truth` object, in the same order.

    program = generate(seed)
    outcome = check(program)      # outcome.ok, outcome.report()

The same seed always gives the same program.
"""
import ast
import gc
import linecache
import logging
import random
import signal
import sys
import threading
import traceback

import autograph as ag

PRELUDE = '''\
import io

LOG = []


def p(*args):
    LOG.append(('p',) + args)
    return args[-1] if args else None


class It:
    def __init__(self, name, items):
        self.name, self.items, self.i = name, list(items), 0

    def __iter__(self):
        LOG.append(('iter', self.name))
        return self

    def __next__(self):
        LOG.append(('next', self.name, self.i))
        if self.i >= len(self.items):
            raise StopIteration
        self.i += 1
        return self.items[self.i - 1]


class Truth:
    def __init__(self, v):
        self.v = v

    def __bool__(self):
        LOG.append(('bool', self.v))
        return bool(self.v)

    def __repr__(self):
        return 'Truth(%r)' % (self.v,)


def gen(name, n):
    try:
        for i in range(n):
            LOG.append(('gen', name, i))
            yield i
        LOG.append(('gen-end', name))
    finally:
        LOG.append(('gen-finally', name))     # (when it ends or is dropped: its timing)


class Obj:
    def __init__(self):
        self.n = 0


class Num:
    """Compares by returning a Truth: the comparison's result logs its truth tests."""

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        LOG.append(('lt', self.v, other.v))
        return Truth(self.v < other.v)


class Bag:
    def __contains__(self, x):
        LOG.append(('contains', x))
        return x in (0, 2, 'ab')


class Ctx:
    def __init__(self, name, suppress=False, fail=False):
        self.name, self.suppress, self.fail = name, suppress, fail

    def __enter__(self):
        LOG.append(('enter', self.name))
        return self

    def __exit__(self, kind, value, tb):
        LOG.append(('exit', self.name, kind and kind.__name__))
        if self.fail:
            raise KeyError(self.name)
        return self.suppress


def mylen(s):
    LOG.append(('len',))
    return len(s) + 1


def myrange(*args):
    LOG.append(('range',) + args)
    return list(range(*args))[::-1]


'''

EXCEPTIONS = ('KeyError', 'ValueError', 'ZeroDivisionError', 'IndexError', 'Exception',
              'LookupError', 'ArithmeticError')


class Program:
    def __init__(self, seed, source, args):
        self.seed, self.source, self.args = seed, source, args

    def with_source(self, source):
        return Program(self.seed, source, self.args)

    def text(self):
        return '# seed %s, arguments %s\n%s' % (self.seed, self.args, self.source)


class _Scope:
    def __init__(self, ints, vals, loop=None, in_finally=False, over_lst=False):
        self.ints = list(ints)      # variables holding ints, surely assigned
        self.vals = list(vals)      # variables holding any value, surely assigned
        self.loop = loop            # None, or the kind of the innermost loop
        self.in_finally = in_finally
        self.over_lst = over_lst    # inside `for ... in lst`: appends only bounded

    def child(self, loop=None):
        return _Scope(self.ints, self.vals, loop or self.loop, self.in_finally, self.over_lst)


class Generator:
    """`open_bugs`: also write the constructs of open converter bugs (docs/reliability.md),
    off by default so that CI stays a regression test. None at present: `with` blocks whose
    context manager suppresses the exception and reads of an `except ... as e` name after its
    `try` statement were gated here until their bugs were fixed; both are written always."""

    def __init__(self, seed, max_depth=3, max_stmts=4, open_bugs=False):
        self.r = random.Random(seed)
        self.seed = seed
        self.max_depth = max_depth
        self.max_stmts = max_stmts
        self.open_bugs = open_bugs
        self.counter = 0
        self.maybe = []         # variables assigned somewhere, maybe not on every path
        self.iters = []         # shared iterator variables
        self.depth = 0

    def chance(self, p):
        return self.r.random() < p

    def new(self, prefix):
        self.counter += 1
        return '%s%d' % (prefix, self.counter)

    # -- expressions ---------------------------------------------------------------------

    def int_var(self, sc):
        if self.maybe and self.chance(0.05):
            return self.r.choice(self.maybe)
        return self.r.choice(sc.ints)

    def int_expr(self, sc, depth=0):
        k = self.r.randrange(10 if depth < 2 else 3)
        if k == 0:
            return str(self.r.randrange(-2, 6))
        if k == 9:      # a nested function whose default list is evaluated once per call of f
            if self.chance(0.3):    # a lambda default (evaluated where the lambda is made)
                return '(lambda t=%s: t)()' % self.int_expr(sc, depth + 1)
            return 'dflt(%s)' % self.int_expr(sc, depth + 1)
        if k in (1, 2):
            return self.int_var(sc)
        if k == 3:
            return '(%s + %s)' % (self.int_expr(sc, depth + 1), self.int_expr(sc, depth + 1))
        if k == 4:
            return '(%s - %s)' % (self.int_expr(sc, depth + 1), self.int_expr(sc, depth + 1))
        if k == 5:
            return '(%s * %s %% 97)' % (self.int_expr(sc, depth + 1),
                                        self.int_expr(sc, depth + 1))
        if k == 6:
            return 'len(lst)'
        if k == 7:
            return 'inc()'
        return '(%s if %s else %s)' % (self.int_expr(sc, depth + 1), self.test(sc, depth + 1),
                                       self.int_expr(sc, depth + 1))

    def atom(self, sc):
        k = self.r.randrange(10)
        if k == 0:
            return self.r.choice(['None', "''", "'ab'", '[]', '[0]', '0', '1', '2.5', '0.0'])
        if k == 1:
            return 'Truth(%s)' % self.r.choice(['0', '1', "''", "'t'"])
        if k in (2, 3):
            if self.maybe and self.chance(0.1):
                return self.r.choice(self.maybe)
            return self.r.choice(sc.vals)
        if k == 4:
            return 'lst'
        return self.int_expr(sc, 1)

    def value(self, sc, depth=0, test=False):
        """Any value: numbers, None, strings, lists, Truth objects.

        `test`: only the value's truth is used (an `if`/`while`/ternary test). An and/or may
        be an operand of another one, as a value too (`x = (a or b) and c`: CPython asks `a`
        for its truth once, for both), and of `not`.
        """
        k = self.r.randrange(13 if depth < 2 else 1)
        if depth >= 2 and self.chance(0.15):
            k = self.r.choice((3, 4))   # a third level of and/or now and then
        if k <= 2:
            return self.atom(sc)
        if k in (3, 4):
            # (operands are often Truth objects: their truth tests are logged)
            a, b = [('Truth(%s)' % self.r.choice(['0', '1', "''", "'t'"])) if self.chance(0.3)
                    else self.value(sc, depth + 1, test) for _ in range(2)]
            return '(%s %s %s)' % (a, 'and' if k == 3 else 'or', b)
        if k == 5:
            # (as a value, the `else` operand is not a bare and/or: CPython 3.11 threads its
            # jumps into an enclosing and/or, a documented difference)
            orelse = self.value(sc, depth + 1)
            while not test and type(ast.parse(orelse, mode='eval').body) is ast.BoolOp:
                orelse = self.value(sc, depth + 1)
            return '(%s if %s else %s)' % (self.value(sc, depth + 1),
                                           self.value(sc, depth + 1, True), orelse)
        if k == 6:
            return 'p(%s)' % self.value(sc, depth + 1)
        if k == 7:
            return '(not %s)' % self.value(sc, depth + 1, test)
        if k == 9:      # a chained comparison: each operand evaluated once, left to right
            if self.chance(0.3):    # results whose truth tests log (each asked once in a test)
                return '(Num(%s) < Num(%s) < Num(%s))' % tuple(
                    self.int_expr(sc, 1) for _ in range(3))
            return '(p(%s) %s p(%s) %s p(%s))' % (
                self.int_expr(sc, 1), self.r.choice(['<', '<=', '!=']), self.int_expr(sc, 1),
                self.r.choice(['<', '<=', '==']), self.int_expr(sc, 1))
        if k == 10:     # membership: dict keys, list items, a user __contains__, substrings
            return self.r.choice(['(%s in d)', '(%s not in lst)', '(%s in Bag())',
                                  "(str(%s) in 'a0b1')"]) % self.int_expr(sc, 1)
        if k == 11:     # identity
            return self.r.choice(['(%s is None)', '(%s is not None)', '(%s is lst)']) % (
                self.r.choice(sc.vals + sc.ints),)     # names: `is` on a literal warns
        if k == 12:     # generators consumed by builtins (shared iterators included)
            e = self.int_expr(sc, 1)    # (may read an unassigned name: a free variable)
            return self.r.choice([
                'sum(p(q) for q in range(%d) if q != %s)' % (self.r.randint(0, 3), e),
                'any(p(q) for q in %s)' % self.r.choice(self.iters),
                'all(q for q in %s)' % self.r.choice(self.iters)])
        return '(%s %s %s)' % (self.int_expr(sc, 1), self.r.choice(['<', '<=', '==', '!=']),
                               self.int_expr(sc, 1))

    def test(self, sc, depth=0):
        return self.value(sc, depth, test=True)

    # -- statements ----------------------------------------------------------------------

    def block(self, sc, n=None):
        self.depth += 1
        n = n or self.r.randint(1, self.max_stmts)
        out = []
        for _ in range(n):
            out.extend(self.statement(sc))
        self.depth -= 1
        return out

    def statement(self, sc):
        deep = self.depth >= self.max_depth
        table = [(6, self.st_assign_int), (3, self.st_assign_value), (2, self.st_print),
                 (1, self.st_append), (1, self.st_next), (1, self.st_del), (1, self.st_raise),
                 (1, self.st_risky), (1, self.st_walrus), (1, self.st_dict_write),
                 (1, self.st_aug_item), (1, self.st_reader)]
        if not deep:
            table += [(3, self.st_if), (2, self.st_try), (2, self.st_for), (1, self.st_while),
                      (1, self.st_with), (1, self.st_closures)]
        if sc.loop:
            table += [(2, self.st_break), (2, self.st_continue)]
        table += [(1, self.st_return)]
        total = sum(w for w, _ in table)
        x = self.r.uniform(0, total)
        for w, fn in table:
            x -= w
            if x <= 0:
                return fn(sc)
        return table[-1][1](sc)

    def _assign(self, sc, name, is_int):
        """Records that `name` is assigned here: later reads in this block are safe."""
        (sc.ints if is_int else sc.vals).append(name)
        if name not in self.maybe:
            self.maybe.append(name)

    def st_assign_int(self, sc):
        if self.chance(0.3):
            v = self.r.choice(sc.ints)
            return ['%s %s= %s' % (v, self.r.choice('+-'), self.int_expr(sc))]
        name = self.r.choice(sc.ints) if self.chance(0.5) else self.new('x')
        line = '%s = %s' % (name, self.int_expr(sc))
        self._assign(sc, name, True)
        return [line]

    def st_assign_value(self, sc):
        name = self.r.choice(sc.vals) if self.chance(0.4) else self.new('v')
        line = '%s = %s' % (name, self.value(sc))
        self._assign(sc, name, False)
        return [line]

    def st_print(self, sc):
        return ['p(%r, %s)' % (self.new('at'), self.value(sc))]

    def st_append(self, sc):
        if sc.over_lst:
            return ['if len(lst) < 9:', '    lst.append(%s)' % self.int_expr(sc)]
        return ['lst.append(%s)' % self.int_expr(sc)]

    def st_next(self, sc):
        it = self.r.choice(self.iters)
        name = self.new('v')
        if self.chance(0.1):    # StopIteration when exhausted, also inside a loop over `it`
            line = '%s = next(%s)' % (name, it)
        elif self.chance(0.7):
            line = '%s = next(%s, None)' % (name, it)
        else:
            line = '%s = list(%s)' % (name, it)
        self._assign(sc, name, False)
        return [line]

    def st_del(self, sc):
        # (x0 is a cell, read and written by the nested `inc`: deleted now and then, inc's
        # read raises NameError, f's reads UnboundLocalError)
        candidates = [v for v in sc.ints if v not in ('a', 'b')
                      and (v != 'x0' or self.chance(0.2))]
        if not candidates:
            return ['pass']
        v = self.r.choice(candidates)
        sc.ints = [x for x in sc.ints if x != v]
        if self.chance(0.5):
            return ['if %s:' % self.test(sc), '    del %s' % v]
        return ['del %s' % v]

    def st_raise(self, sc):
        exc = self.r.choice(EXCEPTIONS[:4] + ('StopIteration',))
        return ['if %s:' % self.test(sc), '    raise %s(%s)' % (exc, self.int_expr(sc))]

    def st_risky(self, sc):
        k = self.r.randrange(3)
        name = self.new('x')
        if k == 0:
            line = '%s = %s // %s' % (name, self.int_expr(sc), self.int_expr(sc))
        elif k == 1:
            line = '%s = d[%s]' % (name, self.int_expr(sc))
            self._assign(sc, name, False)
            return [line]
        else:
            line = '%s = lst[%s]' % (name, self.int_expr(sc))
        self._assign(sc, name, True)
        return [line]

    def st_dict_write(self, sc):
        return ['d[%s] = %s' % (self.int_expr(sc), self.value(sc))]

    def st_aug_item(self, sc):
        """Augmented assignment to an item or attribute; a counter dict read with .get."""
        k = self.r.randrange(4)
        if k == 0:
            return ['lst[%s %% 3] %s= %s' % (self.int_expr(sc), self.r.choice('+-'),
                                             self.int_expr(sc))]
        if k == 1:
            return ['o.n %s= %s' % (self.r.choice('+-'), self.int_expr(sc))]
        key = self.r.choice(["'k1'", "'k2'", self.int_expr(sc)])
        if k == 2:
            return ['cnt[%s] = cnt.get(%s, 0) + %s' % (key, key, self.int_expr(sc))]
        return ['cnt[%s] += 1' % key]       # KeyError for a key not there yet

    def st_with(self, sc):
        """A `with` block (enter/exit logged) around any statements: jumps and exceptions
        leave it through __exit__, which may raise (KeyError) or suppress the exception."""
        suppress = self.chance(0.3)
        fail = self.chance(0.25)    # __exit__ raises: a jump out of the block is cancelled
        head = 'with Ctx(%r%s%s):' % (self.new('w'), ', True' if suppress else '',
                                       ', fail=True' if fail else '')
        body = self.block(sc.child())
        if not fail:
            return [head] + _indent(body)
        # a jump out of the block, and a handler in the function that catches the exception
        # (always: an enclosing `with` that suppresses it is a documented difference)
        jumps = [self.st_return] + ([self.st_break, self.st_continue] if sc.loop else [])
        body = self.r.choice(jumps)(sc) + body if self.chance(0.5) else body
        return ['try:'] + _indent([head] + _indent(body)) + [
            'except %s:' % self.r.choice(['KeyError', 'LookupError', 'Exception']),
            "    p(%r)" % self.new('at')]

    def st_closures(self, sc):
        """Closures (a lambda, a nested function, a generator expression) made in a loop body
        and run after the loop: late binding, they all see the loop variable's last value."""
        k = self.new('k')
        c = self.r.randrange(3)
        if c == 0:
            make = ['fs.append(lambda: p(%r, %s))' % (self.new('cl'), k)]
        elif c == 1:
            # a generator expression, iterated after the loop: it reads k then
            make = ['fs.append(lambda g=(p(%r, q * %s) for q in range(2)): list(g))'
                    % (self.new('ge'), k)]
        else:
            h = self.new('h')
            make = ['def %s():' % h, '    return %s * 2 + a' % k, 'fs.append(%s)' % h]
        src = self.r.choice(['range(%d)' % self.r.randint(0, 3), 'lst', "It('itk', [a, b])"])
        inner = sc.child(loop='for')
        inner.over_lst = inner.over_lst or src == 'lst'
        return ['for %s in %s:' % (k, src)] + _indent(make + self.block(inner))
    def st_reader(self, sc):
        """A nested function reading a variable that a branch or loop may leave unassigned
        (NameError when it runs then: a free variable), called now or at the end (through
        `fs`). Either a variable of its own, or one of `f`'s that may be unassigned and that
        `f` reads too, also in branches and loop bodies (a cell: UnboundLocalError there)."""
        h = self.new('rd')
        names = [v for v in self.maybe if v[0] in 'xvw']
        if names and self.chance(0.5):
            r = self.r.choice(names)
            out = ['def %s():' % h, '    return p(%r, %s)' % (self.new('at'), r),
                   'fs.append(%s)' % h]
            if self.chance(0.5):
                out.append('p(%r, %s())' % (self.new('at'), h))
            return out
        r = self.new('r')
        k = self.r.randrange(3)
        if k == 0:
            out = ['if %s:' % self.test(sc), '    %s = %s' % (r, self.value(sc))]
        elif k == 1:
            out = ['for q in %s:' % self.r.choice(['range(%d)' % self.r.randint(0, 2), 'lst']),
                   '    %s = q' % r]
        else:
            out = ['%s = %s' % (r, self.value(sc))]     # (assigned: the read succeeds)
        out += ['def %s():' % h, '    return p(%r, %s)' % (self.new('at'), r),
                'fs.append(%s)' % h]
        if self.chance(0.5):
            out.append('p(%r, %s())' % (self.new('at'), h))
        return out

    def st_walrus(self, sc):
        name = self.new('w')
        if self.chance(0.25):
            # In a comprehension: binds in f, only if an item passed; read right after, and
            # maybe later (also where the comprehension is in code after a `return`).
            v = self.new('v')
            e1, e2 = self.int_expr(sc), self.int_expr(sc)
            self._assign(sc, v, False)
            if name not in self.maybe:
                self.maybe.append(name)
            return ['%s = [%s for q in lst if (%s := q + %s) > %s]' % (v, name, name, e1, e2),
                    'if %s:' % v, '    p(%r, %s)' % (self.new('at'), name)]
        if self.chance(0.5):
            body = self.block(sc.child(), 1)
            out = ['if (%s := %s) %s %s:' % (name, self.int_expr(sc),
                                             self.r.choice(['>', '<', '==']),
                                             self.int_expr(sc))] + _indent(body)
        else:
            out = ['p(%r, (%s := %s))' % (self.new('at'), name, self.int_expr(sc))]
        self._assign(sc, name, True)
        return out

    def st_if(self, sc):
        out = ['if %s:' % self.test(sc)] + _indent(self.block(sc.child()))
        while self.chance(0.3):
            out += ['elif %s:' % self.test(sc)] + _indent(self.block(sc.child()))
        if self.chance(0.5):
            out += ['else:'] + _indent(self.block(sc.child()))
        return out

    def _loop_else(self, sc):
        if self.chance(0.3):
            return ['else:'] + _indent(self.block(sc.child()))
        return []

    def st_for(self, sc):
        t = self.new('i')
        k = self.r.randrange(13)
        inner = sc.child(loop='for')
        inner.ints.append(t)
        pre = []
        if k == 0:
            head = 'for %s in range(%d):' % (t, self.r.randint(0, 4))
        elif k == 1:
            head = 'for %s in %s:' % (t, self.r.choice(self.iters))
            inner.ints.remove(t)
            inner.vals.append(t)
        elif k == 2:    # mutation while iterating (bounded)
            head = 'for %s in lst:' % t
            pre = ['if len(lst) < 7:', '    lst.append(%s)' % t]
            inner.over_lst = True
        elif k == 3:
            v = self.new('v')
            head = 'for %s, %s in enumerate(%s):' % (t, v, self.r.choice(self.iters))
            inner.vals.append(v)
        elif k == 4:
            v = self.new('v')
            a, b = self.r.choice(self.iters), self.r.choice(self.iters)
            head = 'for %s, %s in zip(%s, %s):' % (t, v, a, b)
            inner.ints.remove(t)
            inner.vals += [t, v]
        elif k == 5:
            src = self.r.choice(['lst', 'range(3)'])
            head = 'for %s in map(p, %s):' % (t, src)
            inner.over_lst = inner.over_lst or src == 'lst'     # appends stay bounded
        elif k == 6:
            view = self.r.choice(['d', 'd.keys()', 'd.values()', 'list(d)'])
            head = 'for %s in %s:' % (t, view)
            inner.ints.remove(t)
            inner.vals.append(t)
        elif k == 7:
            v = self.new('v')
            head = 'for %s, %s in d.items():' % (t, v)
            inner.vals.append(v)
        elif k == 8:
            head = 'for %s in gen(%r, %d):' % (t, self.new('g'), self.r.randint(0, 3))
        elif k == 10:   # nested tuple target
            u, w = self.new('i'), self.new('i')
            head = 'for %s, (%s, %s) in [(a, (b, 1)), (2, (3, a))]:' % (t, u, w)
            inner.ints += [u, w]
        elif k == 11:   # starred target
            rest = self.new('v')
            head = 'for %s, *%s in [[a, b], [1], [2, 3, b]]:' % (t, rest)
            inner.vals.append(rest)
        elif k == 12:   # an attribute or item as the target
            inner.ints.remove(t)
            head = 'for %s in %s:' % (self.r.choice(['o.n', 'lst[0]']),
                                      self.r.choice(['range(%d)' % self.r.randint(0, 3),
                                                     "It('ita', [a, b])"]))
        else:
            head = 'for %s in io.StringIO(%r):' % (t, ''.join(
                '%d\n' % i for i in range(self.r.randint(0, 3))))
            inner.ints.remove(t)
            inner.vals.append(t)
        body = pre + self.block(inner)
        return [head] + _indent(body) + self._loop_else(sc)

    def st_while(self, sc):
        c = self.new('c')
        head = 'while %s < %d%s:' % (c, self.r.randint(1, 4),
                                      ' and %s' % self.test(sc) if self.chance(0.5) else '')
        inner = sc.child(loop='while')
        body = ['%s += 1' % c] + self.block(inner)
        return ['%s = 0' % c, head] + _indent(body) + self._loop_else(sc)

    def st_break(self, sc):
        if self.chance(0.5):
            return ['if %s:' % self.test(sc), '    break']
        return ['break']

    def st_continue(self, sc):
        if self.chance(0.5):
            return ['if %s:' % self.test(sc), '    continue']
        return ['continue']

    def st_return(self, sc):
        line = 'return %s' % self.value(sc) if self.chance(0.8) else 'return'
        if self.chance(0.6):
            return ['if %s:' % self.test(sc), '    ' + line]
        return [line]

    def st_try(self, sc):
        out = ['try:'] + _indent(self.block(sc.child()))
        n = self.r.choice([0, 1, 1, 1, 2])
        for _ in range(n):
            exc = self.r.choice(EXCEPTIONS)
            if self.chance(0.5):
                name = self.new('e')
                hsc = sc.child()
                hsc.vals.append(name)
                body = self.block(hsc)
                if self.chance(0.3):
                    body.append('p(%r, %s)' % (self.new('at'), name))
                out += ['except %s as %s:' % (exc, name)] + _indent(body)
                if name not in self.maybe:
                    self.maybe.append(name)     # unbound after the handler
            else:
                out += ['except %s:' % exc] + _indent(self.block(sc.child()))
        if n and self.chance(0.4):
            out += ['else:'] + _indent(self.block(sc.child()))
        if not n or self.chance(0.5):
            fsc = sc.child()
            fsc.in_finally = True
            out += ['finally:'] + _indent(self.block(fsc))
        return out

    # -- program -------------------------------------------------------------------------

    def program(self):
        lines = []
        self.iters = []
        setup = ['lst = [a, b, 3]', 'd = {1: a, 2: b, 3: None}', 'x0 = 0', 'v0 = None']
        its = [("iter([a, b, 2, 3])", ), ("It('it', [a, 0, b, 'z'])",),
               ("gen('gen', 3)",), ("io.StringIO('l1\\nl2\\n')",),
               ("zip(It('za', [1, 2, 3]), It('zb', [4, 5]))",), ("enumerate('xyz')",),
               ("map(p, [a, b])",), ("iter(d.items())",), ("reversed(lst)",)]
        for _ in range(self.r.randint(1, 3)):
            name = self.new('it')
            setup.append('%s = %s' % (name, self.r.choice(its)[0]))
            self.iters.append(name)
        if self.chance(0.15):
            setup.append('len = mylen')         # shadowed builtins are the user's
        if self.chance(0.15):
            setup.append('range = myrange')
        setup += ['o = Obj()', 'cnt = {}', 'fs = []']
        setup += ['', 'def inc():', '    nonlocal x0', '    x0 += 1', '    p("inc", x0)',
                  '    return x0', '', 'def dflt(k, acc=[]):', '    acc.append(k)',
                  '    return len(acc)', '']
        sc = _Scope(['a', 'b', 'x0'], ['v0'])
        body = self.block(sc, self.r.randint(3, self.max_stmts + 3))
        ret = sorted(set(self.maybe) - {'x0'})
        self.r.shuffle(ret)
        ret = ['x0'] + ret[:3]
        final = 'return (%s, lst, d, o.n, cnt, [g() for g in fs])' % ', '.join(ret)
        lines += ['def f(a, b):'] + _indent(setup + body + [final])
        args = [(self.r.randint(-1, 3), self.r.randint(-1, 3)) for _ in range(2)]
        return Program(self.seed, PRELUDE + '\n'.join(lines) + '\n', args)


def _indent(lines):
    return ['    ' + s if s else s for s in lines]


def generate(seed, **kwargs):
    return Generator(seed, **kwargs).program()


# --- running -------------------------------------------------------------------------------------

class StepLimit(Exception):
    """The oracle ran too many lines."""


class Timeout(BaseException):
    """The converted function ran longer than the limit (a hang is a failure)."""


_count = [0]
_count_lock = threading.Lock()


def load(program):
    """Executes the program under a fresh linecache name; returns (namespace, filename)."""
    with _count_lock:
        _count[0] += 1
        n = _count[0]
    filename = '<pyfuzz-%s-%d>' % (program.seed, n)
    linecache.cache[filename] = (len(program.source), None, program.source.splitlines(True),
                                 filename)
    ns = {'__name__': 'pyfuzz_%s' % program.seed}
    exec(compile(program.source, filename, 'exec'), ns)
    return ns, filename


def canon(v, depth=0):
    """A comparable form of a value: types included, object identities and addresses left out."""
    if depth > 20:
        return '...'
    t = type(v)
    if v is None or t in (bool, int, float, str):
        return (t.__name__, v)
    if t in (list, tuple):
        return (t.__name__, tuple(canon(x, depth + 1) for x in v))
    if t is dict:
        return ('dict', tuple((canon(k, depth + 1), canon(x, depth + 1)) for k, x in v.items()))
    if isinstance(v, BaseException):
        return ('exception', t.__name__, canon(v.args, depth + 1))
    name = t.__name__
    if name == 'Truth':
        return ('Truth', canon(v.v, depth + 1))
    if name == 'It':
        return ('It', v.name, v.i)
    return (name,)      # iterators, generators, files, views: by type only


def _limited(fn, args, max_lines):
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


def _alarm(seconds):
    class _Ctx:
        def __enter__(self):
            self.on = bool(seconds) and threading.current_thread() is threading.main_thread() \
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
    if type(exc) is _Described:
        return exc.text
    tb = traceback.extract_tb(exc.__traceback__)
    where = ''
    if tb:
        fr = tb[-1]
        where = ' (raised at %s:%s in %s)' % (fr.filename.rsplit('/', 1)[-1], fr.lineno,
                                              fr.name)
    return '%s: %s%s' % (type(exc).__name__, str(exc).split('\n')[0][:200], where)


def _run(ns, args, convert, max_lines):
    """(outcome, log) of one call: ('value', canon) or ('raise', exception type name)."""
    f = ns['f']
    if convert:
        f = ag.to_graph(f)
    del ns['LOG'][:]
    del ns['LOG'][:]    # (what the previous run logged may hold a generator: its finally logs)
    gc.freeze()     # (the collection below then looks only at what the call made: fast)
    try:
        if convert:
            v = f(*args)
        else:
            v = _limited(f, args, max_lines)
        result = ('value', canon(v))
    except StepLimit:
        raise
    except Exception as e:  # noqa: BLE001 - the exception type is the outcome
        result = ('raise', type(e).__name__)
        if convert:     # (described now: the exception, kept, would keep its frames alive)
            result += (_Described(_describe_exc(e)),)
    # (what only a reference cycle keeps is finalised now: an exception that passed through
    # a moved `finally:` clause, a documented difference of timing)
    gc.collect()
    gc.unfreeze()
    return result, [canon(x) for x in ns['LOG']]


class _Described:
    """An exception's description, for a report (`_describe_exc` returns it as it is)."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


class Outcome:
    def __init__(self, program):
        self.program = program
        self.failures = []      # (kind, detail)
        self.skipped = None     # why the program could not be checked

    @property
    def ok(self):
        return not self.failures and self.skipped is None

    @property
    def signature(self):
        return frozenset(k for k, _ in self.failures)

    def report(self):
        lines = ['seed %s: %s' % (self.program.seed, self.skipped or 'FAILED')]
        lines += ['  %s: %s' % f for f in self.failures]
        lines.append(self.program.text())
        return '\n'.join(lines)


def check(program, max_lines=200000, timeout=20.0):
    """Runs the program's `f` as the original and converted, on each argument tuple."""
    out = Outcome(program)
    logger = logging.getLogger('autograph')
    level = logger.level
    logger.setLevel(logging.ERROR)
    names = []
    try:
        # One module for both runs (f has no state but LOG, which each run empties): the
        # converted function is converted once per program.
        try:
            ns, fname = load(program)
        except Exception as e:  # noqa: BLE001 - only minimiser candidates fail to load
            out.skipped = 'does not load: %s' % _describe_exc(e)
            return out
        names.append(fname)
        for args in program.args:
            try:
                want, want_log = _run(ns, args, False, max_lines)
            except StepLimit:
                out.skipped = 'oracle ran more than %d lines on %r' % (max_lines, args)
                return out
            try:
                with _alarm(timeout):
                    got, got_log = _run(ns, args, True, max_lines)
            except Timeout:
                out.failures.append(('timeout', 'no result after %ss on %r' % (timeout, args)))
                return out
            except Exception as e:  # noqa: BLE001 - conversion itself failed
                out.failures.append(('conversion error %s' % type(e).__name__,
                                     _describe_exc(e)))
                return out
            if got[:2] != want:
                if got[0] == 'raise':
                    kind = 'raised %s' % got[1]
                    detail = 'on %r: expected %r, got %s' % (args, want, _describe_exc(got[2]))
                else:
                    kind = 'wrong value' if want[0] == 'value' else 'no %s' % want[1]
                    detail = 'on %r: expected %r, got %r' % (args, want, got)
                out.failures.append((kind, detail))
                return out
            if got_log != want_log:
                i = next((i for i, (x, y) in enumerate(zip(want_log, got_log)) if x != y),
                         min(len(want_log), len(got_log)))
                out.failures.append(('side effects', 'on %r: logs differ at entry %d: expected '
                                     '%r, got %r' % (args, i, want_log[i:i + 3],
                                                     got_log[i:i + 3])))
                return out
        return out
    finally:
        logger.setLevel(level)
        for fname in names:
            linecache.cache.pop(fname, None)


# --- minimising ----------------------------------------------------------------------------------

def _statement_lists(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Module):
            continue        # keep `f` itself
        for field in ('body', 'orelse', 'finalbody'):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                yield node, field, stmts
        if isinstance(node, ast.Try):
            for h in node.handlers:
                yield h, 'body', h.body


def minimise(program, signature=None, max_rounds=200):
    """The smallest program (by statements deleted or replaced by their bodies) that still
    fails with the same failure kinds."""
    prelude_len = len(PRELUDE)
    body_src = program.source[prelude_len:]
    signature = signature or check(program).signature
    if not signature:
        return program

    def fails(src):
        try:
            ast.parse(src)
        except SyntaxError:
            return False
        candidate = program.with_source(PRELUDE + src)
        o = check(candidate, timeout=5.0)
        return o.skipped is None and o.signature == signature

    changed, rounds = True, 0
    while changed and rounds < max_rounds:
        changed = False
        rounds += 1
        tree = ast.parse(body_src)
        edits = []
        for _, _, stmts in _statement_lists(tree):
            for i in range(len(stmts)):
                edits.append((stmts, i, None))
                s = stmts[i]
                for sub in ('body', 'orelse', 'finalbody'):
                    inner = getattr(s, sub, None)
                    if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                        edits.append((stmts, i, inner))
        for stmts, i, replacement in edits:
            old = stmts[i]
            stmts[i:i + 1] = replacement if replacement is not None else []
            empty = not stmts
            if empty:
                stmts.append(ast.Pass())
            src = ast.unparse(tree) + '\n'
            if fails(src):
                body_src = src
                changed = True
                break
            if empty:
                stmts.pop()
            n = len(replacement) if replacement is not None else 0
            stmts[i:i + n] = [old]
    return program.with_source(PRELUDE + body_src)
