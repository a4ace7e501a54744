"""A deterministic day of a panel's orders, as the lean-history measurement feeds it.

Every order starts Pending with nothing delivered. Order i moves at every poll n with
(n + i) % EVERY == 0 (so 1/EVERY of the orders move at each poll, spread evenly): it delivers
STEP more units, In progress until all QUANTITY are delivered, then Completed. A move is
`[order id, status, remains, start count]` as the panel's ``/bench/set`` route takes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

QUANTITY = 1000
"""Units per order, as ``/bench/seed`` places them."""
EVERY = 14
"""An order moves at every 14th poll: ≈ 7 % of the orders per poll."""
STEP = 50
"""Units delivered per move: 20 moves (the last one Completed) within 280 polls."""

type Move = list[Any]
"""`[order id, status, remains, start count (None: the panel's)]`."""


class Day:
    """Which orders move at each poll, and to what."""

    def __init__(self, orders: Sequence[str]) -> None:
        self._orders = list(orders)
        self._delivered = [0] * len(self._orders)
        self.moves = 0
        """Moves handed out so far (status or progress changes of one order)."""
        self.status_changes = 0
        """Of those, the moves that changed the status (Pending → In progress → Completed)."""

    def start(self) -> list[Move]:
        """Every order back to Pending, nothing delivered (start count 0, as panels show)."""
        self._delivered = [0] * len(self._orders)
        self.moves = self.status_changes = 0
        return [[order_id, "Pending", QUANTITY, 0] for order_id in self._orders]

    def poll(self, number: int) -> list[Move]:
        """The moves due before poll `number` (1, 2, …)."""
        moves: list[Move] = []
        for index in range((-number) % EVERY, len(self._orders), EVERY):
            delivered = self._delivered[index]
            if delivered >= QUANTITY:
                continue
            was_pending = delivered == 0
            delivered = min(delivered + STEP, QUANTITY)
            self._delivered[index] = delivered
            done = delivered >= QUANTITY
            status = "Completed" if done else "In progress"
            moves.append([self._orders[index], status, QUANTITY - delivered, None])
            self.status_changes += was_pending or done
        self.moves += len(moves)
        return moves
