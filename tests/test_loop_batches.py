"""Script threads' hand-offs to the event loop, batched (ui/loop_batches.py): every callback runs,
in the order given, with one wake-up of the loop per batch, a faulty one not stopping the rest."""

from __future__ import annotations

import asyncio
import threading

from ui import loop_batches


def _in_own_thread(check) -> None:
    """Run ``check`` in a thread of its own: a loop cannot run where another is running (the
    main thread of a test worker that has run a Playwright test holds one)."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            check()
        except BaseException as exc:  # re-raised in the test's thread
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def test_callbacks_run_in_order_with_one_wake_up_per_batch() -> None:
    _in_own_thread(_callbacks_run_in_order_with_one_wake_up_per_batch)


def _callbacks_run_in_order_with_one_wake_up_per_batch() -> None:
    loop = asyncio.new_event_loop()
    wake_ups, ran, faults = [], [], []
    original = loop.call_soon_threadsafe
    loop.call_soon_threadsafe = lambda callback: (wake_ups.append(1), original(callback))
    loop.set_exception_handler(lambda _loop, context: faults.append(context["exception"]))
    batch = loop_batches.batch_of(loop)
    assert loop_batches.batch_of(loop) is batch  # one per loop

    def fault() -> None:
        raise ValueError("boom")

    for k in range(3):
        batch.call_soon(lambda k=k: ran.append(k))
    batch.call_soon(fault)
    batch.call_soon(lambda: ran.append(3))
    loop.run_until_complete(asyncio.sleep(0))
    assert ran == [0, 1, 2, 3] and len(wake_ups) == 1
    assert [str(f) for f in faults] == ["boom"]
    batch.call_soon(lambda: ran.append(4))  # after the batch ran: the loop is woken again
    loop.run_until_complete(asyncio.sleep(0))
    assert ran == [0, 1, 2, 3, 4] and len(wake_ups) == 2
    loop.close()


def test_a_closed_loop_raises_as_asyncio_does_and_keeps_nothing() -> None:
    loop = asyncio.new_event_loop()
    loop.close()
    batch = loop_batches.LoopBatch(loop)
    try:
        batch.call_soon(lambda: None)
    except RuntimeError:
        pass
    else:
        raise AssertionError("a closed loop took a callback")
    assert not batch._waiting and not batch._woken
