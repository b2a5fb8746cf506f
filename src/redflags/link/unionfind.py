"""Union-find over ad indices (path halving, union by size).

>>> uf = UnionFind(4)
>>> uf.union(0, 1), uf.union(2, 3), uf.union(1, 0)
(True, True, False)
>>> uf.find(1) == uf.find(0), uf.size_of(3)
(True, 2)
"""

from __future__ import annotations

from array import array

import numpy as np
import numpy.typing as npt

__all__ = ["UnionFind"]


class UnionFind:
    """Disjoint sets over ``0..n-1``, growable; memory is two int arrays."""

    __slots__ = ("parent", "size")

    def __init__(self, n: int = 0) -> None:
        self.parent = array("i", range(n))
        self.size = array("i", [1]) * n

    def add(self) -> int:
        i = len(self.parent)
        self.parent.append(i)
        self.size.append(1)
        return i

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        """Merge the sets of ``a`` and ``b``; False when they were already one."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return True

    def size_of(self, i: int) -> int:
        return self.size[self.find(i)]

    def roots(self) -> npt.NDArray[np.intc]:
        """Every element's root at once (pointer jumping in numpy, no per-element calls).

        >>> uf = UnionFind(3)
        >>> _ = uf.union(2, 0)
        >>> uf.roots().tolist() == [uf.find(0), 1, uf.find(2)]
        True
        """
        p = np.frombuffer(self.parent, dtype=np.intc).copy()
        while True:
            q = p[p]
            if np.array_equal(q, p):
                return p
            p = q

    def __len__(self) -> int:
        return len(self.parent)
