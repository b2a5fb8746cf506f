"""Fast paths of the per-record work around ``screen`` agree with the plain code they replace.

Assessments are written with every score rounded by :func:`redflags.model.round4`; compiled,
it rounds by arithmetic instead of calling ``round(x, 4)``.  The test runs the arithmetic form
directly (whichever build is loaded) and compares it, bit for bit, with the builtin.
"""

from __future__ import annotations

import math
import struct

from hypothesis import example, given, settings
from hypothesis import strategies as st

from redflags.model import _round4_arith, round4


def _bits(x: float) -> bytes:
    """The float's exact bits: tells 0.0 from -0.0 (and compares NaN with itself)."""
    return struct.pack("<d", x)


#: values near the 4-decimal ties (n + 0.5) / 10**4, where a scaling round would go wrong
ties = st.builds(
    lambda n, eps: (n + 0.5) / 10_000 + eps,
    st.integers(-(10**10), 10**10),
    st.sampled_from([0.0, 1e-17, -1e-17, 1e-13, -1e-13, 1e-11, -1e-11, 5e-11, -5e-11]),
)
scores = st.floats(-2.0, 2.0) | st.floats(-1e6, 1e6)


@settings(max_examples=1500, deadline=None)
@given(st.floats() | ties | scores)
@example(0.0)
@example(-0.0)
@example(0.00005)
@example(-0.00005)
@example(0.00015)
@example(1.00005)
@example(2.675)
@example(0.00004)
@example(-0.00004)
@example(-1e-20)
@example(99_999.99995)
@example(1e5 - 1e-12)
@example(math.inf)
@example(-math.inf)
@example(math.nan)
@example(5e-324)
def test_round4_is_the_builtin_round(x: float) -> None:
    assert _bits(_round4_arith(x)) == _bits(round(x, 4))
    assert _bits(round4(x)) == _bits(round(x, 4))
