"""The server's run queue (ui/admission.py): a thread holds one slot however deeply it asks (a
queued whole run reaching the page's own queue), and no more than RUNS_AT_ONCE run at once."""

from __future__ import annotations

import threading
import time
from typing import ClassVar

from streamlit.runtime.scriptrunner import script_runner

from ui import admission


def test_a_thread_holding_a_slot_passes_the_page_queue_without_a_second() -> None:
    with admission.admitted():
        held = admission._GATE.free
        with admission.admitted():  # the page's queue inside the queued run
            assert admission._GATE.free == held
        assert admission._HELD.slot
    assert not admission._HELD.slot and admission._GATE.free == max(admission.RUNS_AT_ONCE, 1)


def test_no_more_runs_at_once_than_the_slots() -> None:
    running, most, lock = [0], [0], threading.Lock()

    def run() -> None:
        with admission.admitted():
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == admission.RUNS_AT_ONCE == 2


def test_a_freed_slot_goes_to_the_first_in_line_by_rank() -> None:
    gate, order = admission._Gate(1), []
    assert gate.acquire(admission.Rank.NORMAL, 1)  # the one slot, taken

    def wait(name: str, rank: admission.Rank) -> None:
        assert gate.acquire(rank, 5)
        order.append(name)
        gate.release()

    threads = []
    line = (("page", admission.Rank.NORMAL), ("presenter", admission.Rank.FIRST),
            ("page 2", admission.Rank.NORMAL))
    for name, rank in line:
        threads.append(threading.Thread(target=wait, args=(name, rank)))
        threads[-1].start()
        time.sleep(0.05)  # in line in this order
    gate.release()
    for thread in threads:
        thread.join()
    assert order == ["presenter", "page", "page 2"]
    assert gate.free == 1


def test_a_wait_past_its_time_leaves_the_line() -> None:
    gate = admission._Gate(1)
    assert gate.acquire(admission.Rank.NORMAL, 1)
    assert not gate.acquire(admission.Rank.FIRST, 0.01)
    assert not gate._line
    gate.release()
    assert gate.free == 1


def test_install_queues_whole_script_runs_once(monkeypatch) -> None:
    seen = []

    class Runner:
        _session_state: ClassVar[dict] = {}

    monkeypatch.setattr(script_runner.ScriptRunner, "_run_script",
                        lambda self, data: seen.append(admission._HELD.slot))
    ranks = []
    admission.install(lambda state: ranks.append(state) or admission.Rank.NORMAL)
    admission.install()  # twice: still one layer
    script_runner.ScriptRunner._run_script(Runner(), None)
    assert seen == [True] and ranks == [{}] and not admission._HELD.slot
    assert not getattr(script_runner.ScriptRunner._run_script.__wrapped__, "admitted", False)
