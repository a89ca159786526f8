"""The server's run queue (ui/admission.py): a thread holds one slot however deeply it asks (a
queued whole run reaching the page's own queue), and no more than RUNS_AT_ONCE run at once."""

from __future__ import annotations

import threading
import time

from streamlit.runtime.scriptrunner import script_runner

from ui import admission


def test_a_thread_holding_a_slot_passes_the_page_queue_without_a_second() -> None:
    with admission.admitted():
        held = admission._GATE._value
        with admission.admitted():  # the page's queue inside the queued run
            assert admission._GATE._value == held
        assert admission._HELD.slot
    assert not admission._HELD.slot and admission._GATE._value == max(admission.RUNS_AT_ONCE, 1)


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


def test_install_queues_whole_script_runs_once(monkeypatch) -> None:
    seen = []
    monkeypatch.setattr(script_runner.ScriptRunner, "_run_script",
                        lambda self, data: seen.append(admission._HELD.slot))
    admission.install()
    admission.install()  # twice: still one layer
    script_runner.ScriptRunner._run_script(None, None)
    assert seen == [True] and not admission._HELD.slot
    assert not getattr(script_runner.ScriptRunner._run_script.__wrapped__, "admitted", False)
