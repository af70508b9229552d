"""Unit tests of trainwire_trainer.py and the PyTorch trainer's config checks.

Run by pytorchSignals.test.ts with Debian's python3 and PYTHONPATH naming
packages/worker/trainers/python and packages/worker/trainers/pytorch:

    PYTHONPATH=../../worker/trainers/python:../../worker/trainers/pytorch \
        /usr/bin/python3 -m unittest -v pytorch_helper_test
"""

import errno
import json
import math
import os
import tempfile
import threading
import time
import unittest
from unittest import mock

import zmq

from trainer_config import ConfigError, parse_config
from trainwire_trainer import ContractError, Trainwire, atomic_write


def writer(text, then_fail=False):
    """A checkpoint writer that writes ``text``, and then raises when ``then_fail``."""

    def write(path):
        with open(path, "w") as f:
            f.write(text)
        if then_fail:
            raise OSError("disk full")

    return write


class ConfigTest(unittest.TestCase):
    def test_defaults_fill_every_field(self):
        config = parse_config({})
        self.assertEqual(config["epochs"], 10)
        self.assertEqual(config["imageSize"], 32)

    def test_an_integral_float_is_an_integer_but_a_bool_is_not(self):
        self.assertEqual(parse_config({"epochs": 3.0})["epochs"], 3)
        self.assertIsInstance(parse_config({"epochs": 3.0})["epochs"], int)
        with self.assertRaisesRegex(ConfigError, r"^config field epochs must be an integer from 1 to 100000 .*; got True$"):
            parse_config({"epochs": True})
        with self.assertRaisesRegex(ConfigError, r"config field batchSize must be an integer .*; got 2\.5$"):
            parse_config({"batchSize": 2.5})

    def test_out_of_range_and_nan_name_the_field(self):
        with self.assertRaisesRegex(ConfigError, r"config field learningRate must be a number from 1e-08 to 10 .*; got -1"):
            parse_config({"learningRate": -1})
        with self.assertRaisesRegex(ConfigError, r"config field noise .*; got nan"):
            parse_config({"noise": float("nan")})

    def test_unknown_fields_and_image_sizes(self):
        with self.assertRaisesRegex(ConfigError, r"config field epoch is not known to the pytorch trainer; known fields: epochs, "):
            parse_config({"epoch": 3})
        with self.assertRaisesRegex(ConfigError, r"imageSize must be a multiple of 8 .*got 20"):
            parse_config({"imageSize": 20})


class EnvironmentTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def env(self, **extra):
        return {"TRAINWIRE_RUN_DIR": self.dir.name, **extra}

    def test_run_by_hand_everything_has_a_default(self):
        tw = Trainwire(self.env(), handle_signals=False)
        self.assertEqual((tw.job_id, tw.what, tw.device, tw.resume), ("local", "local", "cpu", None))
        self.assertEqual(tw.read_config(), {})
        self.assertTrue(os.path.isdir(os.path.join(self.dir.name, "checkpoints")))
        tw.train_begin(total_epochs=1)  # no publish address: goes nowhere
        self.assertFalse(tw.should_stop())
        tw.close()

    def test_what_the_worker_sets_is_read(self):
        ckpt = os.path.join(self.dir.name, "last.pt")
        open(ckpt, "w").close()
        tw = Trainwire(
            self.env(
                TRAINWIRE_JOB_ID="job-1",
                TRAINWIRE_RUN_NAME="centroid",
                TRAINWIRE_RESUME=ckpt,
                TRAINWIRE_FINE_TUNE="1",
                TRAINWIRE_INPUT_LABELS="/data/a.slp",
                TRAINWIRE_BASE_MODEL="",
            ),
            handle_signals=False,
        )
        self.assertEqual((tw.job_id, tw.what, tw.resume, tw.fine_tune), ("job-1", "centroid", ckpt, True))
        self.assertIsNone(tw.base_model)
        self.assertEqual(tw.inputs, {"labels": "/data/a.slp"})
        self.assertEqual(tw.checkpoint_path("best.pt"), os.path.join(self.dir.name, "checkpoints", "best.pt"))

    def test_bad_values_are_contract_errors_that_say_what_to_fix(self):
        with self.assertRaisesRegex(ContractError, r"TRAINWIRE_DEVICE is 'gpu'; it must be one of cpu, cuda"):
            Trainwire(self.env(TRAINWIRE_DEVICE="gpu"), handle_signals=False)
        with self.assertRaisesRegex(ContractError, r"TRAINWIRE_RESUME names /nope/last.pt, which is not a file"):
            Trainwire(self.env(TRAINWIRE_RESUME="/nope/last.pt"), handle_signals=False)

    def test_cuda_asked_for_is_that_device_or_an_error_that_says_it_is_absent(self):
        import torch

        tw = Trainwire(self.env(TRAINWIRE_DEVICE="cuda"), handle_signals=False)
        if torch.cuda.is_available():
            self.assertEqual(tw.torch_device().type, "cuda")
        else:
            with self.assertRaisesRegex(
                ContractError,
                r"^TRAINWIRE_DEVICE is cuda but torch \S+ \(.+\) sees no CUDA device; "
                r"run the job on the CPU \(device cpu\) or install a CUDA build of PyTorch on this worker$",
            ):
                tw.torch_device()
        self.assertEqual(Trainwire(self.env(), handle_signals=False).torch_device().type, "cpu")

    def test_config_files(self):
        path = os.path.join(self.dir.name, "config.json")
        tw = Trainwire(self.env(TRAINWIRE_CONFIG=path), handle_signals=False)
        with self.assertRaisesRegex(ContractError, r"cannot read the config file .*config\.json"):
            tw.read_config()
        with open(path, "w") as f:
            f.write("[1, 2]")
        with self.assertRaisesRegex(ContractError, r"must hold an object \(key: value\), not list"):
            tw.read_config()
        with open(path, "w") as f:
            f.write("{bad")
        with self.assertRaisesRegex(ContractError, r"is not valid JSON"):
            tw.read_config()
        with open(path, "w") as f:
            f.write('{"epochs": 3}')
        self.assertEqual(tw.read_config(), {"epochs": 3})

    def test_a_failed_checkpoint_write_leaves_neither_file(self):
        path = os.path.join(self.dir.name, "last.pt")
        with self.assertRaisesRegex(OSError, "disk full"):
            atomic_write(path, writer("half", then_fail=True))
        self.assertEqual(os.listdir(self.dir.name), [])
        atomic_write(path, writer("whole"))
        self.assertEqual(os.listdir(self.dir.name), ["last.pt"])

    def test_checkpoints_are_written_aside_under_their_own_name_then_moved_in(self):
        tw = Trainwire(self.env(), handle_signals=False)
        seen = []

        def write(path):
            seen.append(path)
            writer("weights")(path)

        saved = tw.save_checkpoint("best.keras", write)
        self.assertEqual(seen, [os.path.join(self.dir.name, ".partial", "best.keras")])
        self.assertEqual(saved, os.path.join(self.dir.name, "checkpoints", "best.keras"))
        with self.assertRaisesRegex(OSError, "disk full"):
            tw.save_checkpoint("last.keras", writer("half", then_fail=True))
        self.assertEqual(os.listdir(os.path.join(self.dir.name, "checkpoints")), ["best.keras"])
        self.assertEqual(os.listdir(os.path.join(self.dir.name, ".partial")), [])

    def test_across_file_systems_it_is_copied_in_then_renamed(self):
        path = os.path.join(self.dir.name, "last.pt")
        tmp = os.path.join(self.dir.name, "aside.pt")
        real_replace = os.replace

        def replace(src, dst):
            if src == tmp:
                raise OSError(errno.EXDEV, "Invalid cross-device link")
            real_replace(src, dst)

        with mock.patch("trainwire_trainer.os.replace", replace):
            atomic_write(path, writer("weights"), tmp)
        self.assertEqual(os.listdir(self.dir.name), ["last.pt"])
        with open(path) as f:
            self.assertEqual(f.read(), "weights")


class ZeroMqTest(unittest.TestCase):
    """The helper against sockets bound as the worker's reader binds them (SUB and XPUB)."""

    def setUp(self):
        self.ctx = zmq.Context()
        self.sub = self.ctx.socket(zmq.SUB)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"")
        port = self.sub.bind_to_random_port("tcp://127.0.0.1")
        self.control = self.ctx.socket(zmq.XPUB)
        control_port = self.control.bind_to_random_port("tcp://127.0.0.1")
        self.dir = tempfile.TemporaryDirectory()
        env = {
            "TRAINWIRE_JOB_ID": "job-7",
            "TRAINWIRE_RUN_DIR": self.dir.name,
            "TRAINWIRE_ZMQ_PUBLISH": f"tcp://127.0.0.1:{port}",
            "TRAINWIRE_ZMQ_CONTROL": f"tcp://127.0.0.1:{control_port}",
        }
        made = []
        # The helper waits for the subscription; a bound socket only attaches a new peer (and
        # sends its subscription) while its own thread calls into it, as the worker's reader
        # always does. So the helper starts in a thread while this one polls.
        thread = threading.Thread(target=lambda: made.append(Trainwire(env, handle_signals=False, batch_interval=60)))
        started = time.monotonic()
        thread.start()
        while thread.is_alive():
            self.sub.poll(20)
        thread.join()
        self.assertEqual(len(made), 1, "the helper did not start")
        self.tw = made[0]
        self.assertLess(time.monotonic() - started, 5, "the helper waited for a reader that was there")

    def tearDown(self):
        self.tw.close()
        self.sub.close(linger=0)
        self.control.close(linger=0)
        self.ctx.term()
        self.dir.cleanup()

    def received(self):
        self.assertTrue(self.sub.poll(5000), "no message within 5 s")
        return json.loads(self.sub.recv_string())

    def test_messages_in_the_sleap_nn_format_none_lost_to_the_slow_joiner(self):
        self.tw.train_begin(total_epochs=2)
        self.tw.epoch_begin(0)
        self.assertTrue(self.tw.batch_end(0, 0, {"loss": 0.5}))
        self.assertFalse(self.tw.batch_end(0, 1, {"loss": 0.4}))  # throttled
        self.tw.epoch_end(0, {"train/loss": float("nan"), "val/loss": None})
        self.tw.train_end()
        messages = [self.received() for _ in range(5)]
        stream = messages[0]["trainwire_stream"]
        tag = {"what": "job-7", "trainwire_stream": stream}
        # NaN is written bare, as sleap-nn's reporter writes it.
        epoch_end = messages.pop(3)
        self.assertEqual(
            messages,
            [
                {"event": "train_begin", "total_epochs": 2, "trainwire_seq": 1, **tag},
                {"event": "epoch_begin", "epoch": 0, "trainwire_seq": 2, **tag},
                {"event": "batch_end", "epoch": 0, "batch": 0, "logs": {"loss": 0.5}, "trainwire_seq": 3, **tag},
                {"event": "train_end", "trainwire_seq": 5, **tag},
            ],
        )
        self.assertEqual(epoch_end["trainwire_seq"], 4)
        self.assertTrue(math.isnan(epoch_end["logs"]["train/loss"]))
        self.assertIsNone(epoch_end["logs"]["val/loss"])

    def test_metrics_must_be_numbers(self):
        with self.assertRaisesRegex(TypeError, r"metric 'train/loss' must be a number, not 'low'"):
            self.tw.epoch_end(0, {"train/loss": "low"})

    def test_the_stop_command_is_heard(self):
        self.assertTrue(self.control.poll(5000), "the helper's control socket never subscribed")
        self.control.recv()
        self.control.send_string("not json")
        self.control.send_string(json.dumps({"command": "pause"}))
        self.assertFalse(self._wait_stop(0.3))
        self.control.send_string(json.dumps({"command": "stop"}))
        self.assertTrue(self._wait_stop(5))
        self.assertEqual(self.tw.stop_reason, "stop command")

    def _wait_stop(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.tw.should_stop():
                return True
            time.sleep(0.02)
        return False


if __name__ == "__main__":
    unittest.main()
