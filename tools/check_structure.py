"""The structure guard run by CI (.ci/run): line budget, declared layering, no import cycles, no dead code.

    python tools/check_structure.py          # exit 1 and one line per violation

Rules (docs/architecture.md explains the layers):
* no module in autograph/ is longer than LINE_BUDGET lines;
* every import of an autograph module, including imports inside functions, goes from a layer
  to the same layer or one below it in LAYERS;
* the module import graph (again including function-local imports) has no cycle other than
  those listed in ALLOWED_CYCLES, each with its reason;
* every private module-level function or class (`_name`) is used somewhere in the package.
"""
import ast
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, 'autograph')
LINE_BUDGET = 600

# Lowest layer first. A module belongs to the first entry whose prefix matches its dotted name;
# it may import its own layer and every layer listed before it.
LAYERS = [
    ('base', ('autograph._version', 'autograph._config')),
    ('pyct', ('autograph.pyct',)),
    ('runtime', ('autograph.runtime',)),
    ('converters', ('autograph.converters',)),
    ('operators', ('autograph.operators',)),
    ('api', ('autograph.api', 'autograph.impl')),
    ('tracing', ('autograph.function', 'autograph.tracing', 'autograph.trace_leaks')),
    ('frontends', ('autograph.cli', 'autograph.cli_files', 'autograph.cli_convert',
                   'autograph.jax', 'autograph.optimizers',
                   'autograph.module', 'autograph.namespaces', 'autograph._api')),
    ('package', ('autograph.__init__', 'autograph.__main__', 'autograph')),
]

# Layer pairs that are kept apart although one is below the other.
FORBIDDEN = {
    ('converters', 'runtime'): 'converters produce source; they never touch the runtime',
    ('pyct', 'runtime'): 'pyct analyses source only',
    ('runtime', 'pyct'): 'the runtime knows nothing of source code',
}

# Modules longer than the budget, each with the reason it may stay so for now.
ALLOWED_LONG = {}

# Import cycles that are accepted (frozenset of modules -> reason).
ALLOWED_CYCLES = {}


def modules():
    for folder, _, files in os.walk(PACKAGE):
        for name in sorted(files):
            if name.endswith('.py'):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, '.')
                if rel.endswith('.__init__'):
                    rel = rel[:-len('.__init__')]
                yield rel, path


def layer_of(module):
    if module == 'autograph':
        return len(LAYERS) - 1
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if p != 'autograph' and (module == p or module.startswith(p + '.')):
                return i
    return None


def resolve(module, is_package, node):
    """The autograph modules an import node names (absolute dotted names)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split('.')[0] == 'autograph']
    if node.level:
        base = module.split('.')
        if not is_package:
            base = base[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = '.'.join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ''
    if target.split('.')[0] != 'autograph':
        return []
    # `from pkg import mod` depends on pkg.mod; `from pkg import name` on pkg itself.
    return [target + '.' + a.name for a in node.names] + [target]


def main():
    known = dict(modules())
    problems = []
    graph = {m: set() for m in known}
    defined, sources = {}, {}
    for module, path in known.items():
        with open(path, encoding='utf-8') as f:
            text = f.read()
        sources[module] = text
        lines = text.count('\n')
        rel = os.path.relpath(path, ROOT)
        if lines > LINE_BUDGET and rel not in ALLOWED_LONG:
            problems.append(f'{rel}: {lines} lines (budget {LINE_BUDGET}); split it')
        tree = ast.parse(text, path)
        is_package = path.endswith('__init__.py')
        mine = layer_of(module)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            targets = [t for t in resolve(module, is_package, node) if t in known]
            if isinstance(node, ast.ImportFrom) and len(targets) > 1:
                targets = targets[:-1]    # submodules named: the package itself is not used
            for target in targets:
                if target != module:
                    graph[module].add(target)
                theirs = layer_of(target)
                if mine is None or theirs is None:
                    continue
                pair = (LAYERS[mine][0], LAYERS[theirs][0])
                if theirs > mine:
                    problems.append(f'{rel}:{node.lineno}: {module} ({pair[0]}) imports '
                                    f'{target} ({pair[1]}), a higher layer')
                elif pair in FORBIDDEN:
                    problems.append(f'{rel}:{node.lineno}: {module} imports {target}: '
                                    f'{FORBIDDEN[pair]}')
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.name.startswith('_') and not node.name.startswith('__'):
                    defined[(module, node.name)] = (rel, node.lineno)
    for module in sorted(m for m in known if layer_of(m) is None):
        problems.append(f'{module}: in no layer of LAYERS; add it to the table')
    problems += check_cycles(graph)
    words = {}
    for text in sources.values():
        for word in re.findall(r'\b_\w+', text):
            words[word] = words.get(word, 0) + 1
    for (_, name), (rel, lineno) in sorted(defined.items()):
        if words.get(name, 0) <= 1:       # only its definition mentions it
            problems.append(f'{rel}:{lineno}: {name} is never used; delete it')
    for p in problems:
        print(p)
    print(f'structure: {len(known)} modules, {len(problems)} problems')
    return 1 if problems else 0


def check_cycles(graph):
    """Tarjan's strongly connected components; a component of more than one module is a cycle."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(frozenset(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [f'import cycle: {" <-> ".join(sorted(c))}' for c in out
            if c not in ALLOWED_CYCLES]


if __name__ == '__main__':
    sys.exit(main())
