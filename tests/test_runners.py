"""Where chunk work runs, the spare process for the model build, and the batch sizes of a run."""
import json
import os

from flows import runners
from flows.newslake import _batched


def test_a_spare_process_runs_the_call_in_another_process_and_is_then_gone():
    with runners.spare_process("json"):
        assert "json" in runners._spares
        assert runners.in_subprocess(json.dumps, [1, 2]) == "[1, 2]"
        assert "json" not in runners._spares  # taken by the call
        assert runners.in_subprocess(os.getpid) != os.getpid()  # no spare left: a new process
    assert runners._spares == {}


def test_an_unused_spare_process_is_stopped_with_its_block():
    with runners.spare_process("json"):
        procs = list(runners._spares["json"]._processes.values())
    assert runners._spares == {}
    assert len(procs) == 1 and not procs[0].is_alive()


def test_batches_double_from_the_first_size_up_to_the_limit():
    sizes = [len(b) for b in _batched(list(range(13_000)), 4000, 500)]
    assert sizes == [500, 1000, 2000, 4000, 4000, 1500]
    assert [len(b) for b in _batched(list(range(10)), 4000)] == [10]


def test_batches_keep_the_input_order_and_take_the_items_out_of_the_list():
    items = list(range(2500))
    batches = _batched(items, 1000, 100)
    assert next(batches) == list(range(100))
    assert len(items) == 2400
    assert [x for b in batches for x in b] == list(range(100, 2500)) and items == []
