"""`if_stmt`, `while_stmt`, `for_stmt`, `if_exp`: run Python control flow or stage it.

State is passed functionally: a body takes the variables it modifies and returns them (one
name -> the value, several -> a tuple, none -> None), and the helper returns the new values
in the same form.

With Python values or eager tensors the helpers are plain Python loops and branches (this path
is hot: no allocation beyond what the original code does). With a graph tensor condition or
iterable they build `cond` / `while_loop` through the condition's `Backend` (see dispatch.py).
The staging logic handles what TensorFlow leaves to the user:

* a variable undefined on one branch: early-return values (`retval*`) are filled with zeros of
  the other branch's dtype and shape; anything else is an error naming the variable, the branch
  that lacks it and the lines where it is assigned and used;
* variables undefined before a loop and assigned by its body start as zeros;
* a Python-number loop variable whose dtype the body changes (`s = 0; s += float_tensor`) is
  retried with the body's dtype;
* a Python list appended inside a staged loop becomes a backend list (a TensorArray);
* a Python loop whose condition or break flag becomes a tensor midway continues as a staged
  loop from the current state.

This module names the helpers; the code lives by construct:

* `if_stmt.py`: `if_stmt`, `if_exp`: the Python branch and `_IfBuilder` (a staged `cond`);
* `loops.py`: `while_stmt`, `for_stmt`: the Python loops, the unrolled-loop warning, the
  switch to a staged loop midway;
* `loop_builder.py`: `_LoopBuilder`, a staged `while_loop` (undefined loop variables, dtype
  retries, lists lowered to backend lists);
* `staging.py`: what both builders share (state packing, staging errors, value helpers,
  state written in place);
* `effects.py`: whether a loop's test and body are effect-free (the restart of a loop
  staged midway);
* `frames.py`: the user's lines for error messages (helper frames, the function's bytecode).
"""

from autograph.operators.if_stmt import if_exp, if_stmt
from autograph.operators.loops import (UnrollWarning, for_stmt, set_unroll_warning_threshold,
                                       while_stmt)
from autograph.operators.staging import StagingError

__all__ = ["if_stmt", "while_stmt", "for_stmt", "if_exp", "set_unroll_warning_threshold",
           "StagingError", "UnrollWarning"]
