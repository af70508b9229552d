"""Make a Python training script speak the trainwire trainer contract.

One file, no dependency beyond pyzmq, so it can be copied next to any script or put on
its PYTHONPATH. It reads what the worker puts in the environment (docs/trainers.md,
"The environment"), publishes progress in the format of sleap-nn's ProgressReporterZMQ,
listens for {"command": "stop"}, turns SIGINT into "finish the epoch and save", leaves
SIGTERM to end the process at once, and writes checkpoints so that a killed trainer never
leaves a half-written one in the checkpoint folder.

    from trainwire_trainer import Trainwire

    with Trainwire() as tw:
        config = tw.read_config()
        tw.train_begin(total_epochs=10)
        for epoch in range(10):
            tw.epoch_begin(epoch)
            ...
            tw.epoch_end(epoch, {"train/loss": 0.4, "val/loss": 0.5})
            tw.save_checkpoint("last.pt", lambda path: torch.save(state, path))
            if tw.should_stop():
                break
        tw.train_end()

Run by hand (no worker), every variable is optional: progress goes nowhere, the config is
empty, checkpoints go to ./checkpoints, and Ctrl-C stops after the epoch.
"""

from __future__ import annotations

import errno
import json
import math
import os
import shutil
import signal
import sys
import threading
import time
import uuid
from typing import Any, Callable, Dict, Mapping, Optional

__all__ = ["ContractError", "Trainwire", "atomic_write"]

DEVICES = ("cpu", "cuda")
MODES = ("train", "predict")
# Fields a trainwire reader uses to count lost messages (bridge-zmq's createTrainerReader).
SEQ_FIELD = "trainwire_seq"
STREAM_FIELD = "trainwire_stream"
# As in bridge-zmq: a slow reader slows the trainer down instead of losing messages.
HIGH_WATER_MARK = 1_000_000
CLOSE_LINGER_MS = 5_000


class ContractError(Exception):
    """The environment or the config is not what the contract says; a trainer exits 2."""

    exit_code = 2


def atomic_write(path: str, write: Callable[[str], Any], tmp: Optional[str] = None) -> str:
    """Calls ``write(tmp)``, then renames ``tmp`` to ``path``: the file is whole or absent.

    ``tmp`` is ``path + ".tmp"`` by default (the worker never registers ``*.tmp`` files
    and removes those a killed trainer left). Give another when the writer insists on an
    extension (Keras saves only to ``*.keras``); on another file system it is copied over.
    """
    tmp = path + ".tmp" if tmp is None else tmp
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    try:
        write(tmp)
        try:
            os.replace(tmp, path)
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
            shutil.copyfile(tmp, path + ".tmp")
            os.replace(path + ".tmp", path)
            os.remove(tmp)
    except BaseException:
        for leftover in (tmp, path + ".tmp"):
            if os.path.exists(leftover):
                os.remove(leftover)
        raise
    return path


class Trainwire:
    """The trainer's end of the trainer contract, read from ``os.environ``.

    Attributes (from the environment; see docs/trainers.md):
      job_id, what (the run name progress carries), config_path, run_dir, checkpoint_dir,
      resume (a checkpoint path or None), device ("cpu" or "cuda"), base_model (or None),
      fine_tune (bool), inputs ({role: path}, roles in lower case), dataset_dir (or None);
      mode ("train" or "predict"), and for a predict job model (the model file),
      predictions (where to write them) and predict_input (the input file, or None).

    Args:
      environ: the environment to read (``os.environ`` by default).
      handle_signals: install the SIGINT handler (stop after the epoch) and put SIGTERM
        back to its default (end now). Only possible from the main thread.
      wait_for_reader: seconds to wait for the worker's reader to subscribe before the
        first message, so ``train_begin`` is not lost to ZeroMQ's slow joiner.
      batch_interval: ``batch_end`` messages closer together than this (seconds) are
        left out; the contract asks for a few a second at most.
    """

    def __init__(
        self,
        environ: Optional[Mapping[str, str]] = None,
        *,
        handle_signals: bool = True,
        wait_for_reader: float = 10.0,
        batch_interval: float = 0.2,
    ) -> None:
        env = os.environ if environ is None else environ

        def get(name: str) -> Optional[str]:
            value = env.get(name, "")
            return value if value != "" else None

        self.job_id: str = get("TRAINWIRE_JOB_ID") or "local"
        self.what: str = get("TRAINWIRE_RUN_NAME") or self.job_id
        self.config_path: Optional[str] = get("TRAINWIRE_CONFIG")
        self.run_dir: str = get("TRAINWIRE_RUN_DIR") or os.getcwd()
        self.checkpoint_dir: str = get("TRAINWIRE_CHECKPOINT_DIR") or os.path.join(
            self.run_dir, "checkpoints"
        )
        self.resume: Optional[str] = get("TRAINWIRE_RESUME")
        self.device: str = get("TRAINWIRE_DEVICE") or "cpu"
        self.base_model: Optional[str] = get("TRAINWIRE_BASE_MODEL")
        self.fine_tune: bool = get("TRAINWIRE_FINE_TUNE") in ("1", "true")
        self.dataset_dir: Optional[str] = get("TRAINWIRE_DATASET_DIR")
        self.mode: str = get("TRAINWIRE_MODE") or "train"
        self.model: Optional[str] = get("TRAINWIRE_MODEL")
        self.predictions: Optional[str] = get("TRAINWIRE_PREDICTIONS")
        self.inputs: Dict[str, str] = {
            name[len("TRAINWIRE_INPUT_") :].lower(): value
            for name, value in env.items()
            if name.startswith("TRAINWIRE_INPUT_") and value != ""
        }
        self.predict_input: Optional[str] = self.inputs.get("input")
        if self.mode not in MODES:
            raise ContractError(f"TRAINWIRE_MODE is {self.mode!r}; it must be one of {', '.join(MODES)}")
        if self.mode == "predict":
            if self.model is None or not os.path.isfile(self.model):
                raise ContractError(f"TRAINWIRE_MODEL names {self.model!r}, which is not a file; a predict job needs the model file")
            if self.predictions is None:
                raise ContractError("TRAINWIRE_PREDICTIONS is not set; a predict job needs the path to write its predictions to")
        if self.device not in DEVICES:
            raise ContractError(
                f"TRAINWIRE_DEVICE is {self.device!r}; it must be one of {', '.join(DEVICES)}"
            )
        for name, path in (("TRAINWIRE_RESUME", self.resume), ("TRAINWIRE_BASE_MODEL", self.base_model)):
            if path is not None and not os.path.isfile(path):
                raise ContractError(f"{name} names {path}, which is not a file; pick an existing checkpoint")
        os.makedirs(self.checkpoint_dir, exist_ok=True)

        self.batch_interval = batch_interval
        self.stop_reason: Optional[str] = None
        self._sigint = False
        self._last_batch_at = -math.inf
        self._seq = 0
        self._stream = str(uuid.uuid4())
        self._closed = False
        self._ctx = None
        self._pub = None
        self._control = None
        if handle_signals and threading.current_thread() is threading.main_thread():
            # Only a flag here: printing from a signal handler can collide with a print under way.
            signal.signal(signal.SIGINT, lambda *_: setattr(self, "_sigint", True))
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        publish = get("TRAINWIRE_ZMQ_PUBLISH")
        control = get("TRAINWIRE_ZMQ_CONTROL")
        if publish is not None or control is not None:
            self._open_sockets(publish, control, wait_for_reader)

    # -- configuration -------------------------------------------------------------

    def read_config(self) -> Dict[str, Any]:
        """The job's config: JSON, or YAML (with PyYAML) for a ``configFormat: yaml`` profile.

        Returns ``{}`` when there is no TRAINWIRE_CONFIG (run by hand).
        """
        if self.config_path is None:
            return {}
        try:
            with open(self.config_path, encoding="utf-8") as f:
                text = f.read()
        except OSError as error:
            raise ContractError(f"cannot read the config file {self.config_path}: {error.strerror}") from error
        if self.config_path.endswith((".yaml", ".yml")):
            try:
                import yaml  # type: ignore[import-untyped]
            except ImportError as error:
                raise ContractError(
                    f"the config {self.config_path} is YAML but PyYAML is not installed; "
                    "install it (python3-yaml) or use configFormat: json in the profile"
                ) from error
            try:
                config = yaml.safe_load(text)
            except yaml.YAMLError as error:
                raise ContractError(f"the config {self.config_path} is not valid YAML: {error}") from error
        else:
            try:
                config = json.loads(text)
            except ValueError as error:
                raise ContractError(f"the config {self.config_path} is not valid JSON: {error}") from error
        if config is None:
            return {}
        if not isinstance(config, dict):
            raise ContractError(f"the config {self.config_path} must hold an object (key: value), not {type(config).__name__}")
        return config

    def checkpoint_path(self, name: str) -> str:
        """``<TRAINWIRE_CHECKPOINT_DIR>/<name>``; ``best.*`` and ``last.*`` are labelled by the worker."""
        return os.path.join(self.checkpoint_dir, name)

    def save_checkpoint(self, name: str, write: Callable[[str], Any]) -> str:
        """Writes checkpoint ``name`` through ``write(path)`` (e.g. ``lambda p: torch.save(state, p)``).

        ``write`` gets a path of the same name in ``<run dir>/.partial``, which is renamed
        into the checkpoint folder once written (:func:`atomic_write`): the worker never
        sees half a checkpoint, and the name keeps its extension for writers that check it.
        """
        partial = os.path.join(self.run_dir, ".partial")
        os.makedirs(partial, exist_ok=True)
        tmp = os.path.join(partial, os.path.basename(name))
        return atomic_write(self.checkpoint_path(name), write, tmp)

    def torch_device(self):
        """``torch.device`` for TRAINWIRE_DEVICE; a clear :class:`ContractError` when CUDA is asked for and absent."""
        import torch

        if self.device == "cuda" and not torch.cuda.is_available():
            build = "a CPU-only build" if torch.version.cuda is None else f"built for CUDA {torch.version.cuda}"
            raise ContractError(
                f"TRAINWIRE_DEVICE is cuda but torch {torch.__version__} ({build}) sees no CUDA device; "
                "run the job on the CPU (device cpu) or install a CUDA build of PyTorch on this worker"
            )
        return torch.device(self.device)

    # -- progress ------------------------------------------------------------------

    def train_begin(self, total_epochs: Optional[int] = None, **fields: Any) -> None:
        """``{"event": "train_begin", "total_epochs": N}``."""
        if total_epochs is not None:
            fields["total_epochs"] = int(total_epochs)
        self.publish("train_begin", **fields)

    def epoch_begin(self, epoch: int) -> None:
        """``{"event": "epoch_begin", "epoch": epoch}`` (0-based)."""
        self.publish("epoch_begin", epoch=int(epoch))

    def batch_end(self, epoch: int, batch: int, logs: Mapping[str, Any], force: bool = False) -> bool:
        """``batch_end``, at most one per ``batch_interval`` unless ``force``; True when sent."""
        now = time.monotonic()
        if not force and now - self._last_batch_at < self.batch_interval:
            return False
        self._last_batch_at = now
        self.publish("batch_end", epoch=int(epoch), batch=int(batch), logs=_logs(logs))
        return True

    def predict_progress(self, done: int, total: Optional[int] = None, force: bool = False) -> bool:
        """A predict job's progress: ``batch_end`` with ``items_done`` / ``items_total`` (and
        no loss, so loss viewers leave it out), at most one per ``batch_interval`` unless
        ``force`` (send the last one forced); True when sent."""
        now = time.monotonic()
        if not force and now - self._last_batch_at < self.batch_interval:
            return False
        self._last_batch_at = now
        fields: Dict[str, Any] = {"batch": max(int(done) - 1, 0), "logs": {}, "items_done": int(done)}
        if total is not None:
            fields["items_total"] = int(total)
        self.publish("batch_end", **fields)
        return True

    def save_predictions(self, write: Callable[[str], Any]) -> str:
        """Writes the predictions through ``write(path)`` to ``TRAINWIRE_PREDICTIONS``, atomically
        (the worker registers the file once the trainer exits 0)."""
        if self.predictions is None:
            raise ContractError("TRAINWIRE_PREDICTIONS is not set; run this as a predict job")
        return atomic_write(self.predictions, write)

    def epoch_end(self, epoch: int, logs: Mapping[str, Any]) -> None:
        """``epoch_end`` with its metrics, e.g. ``{"train/loss": 0.4, "val/loss": 0.5}``."""
        self.publish("epoch_end", epoch=int(epoch), logs=_logs(logs))

    def train_end(self, **fields: Any) -> None:
        """``{"event": "train_end"}``: the run finished (also when stopped early)."""
        self.publish("train_end", **fields)

    def publish(self, event: str, **fields: Any) -> None:
        """Sends one progress message (any event; ``what`` is added)."""
        if self._pub is None:
            return
        self._seq += 1
        message = {"event": event, "what": self.what, **fields, SEQ_FIELD: self._seq, STREAM_FIELD: self._stream}
        # json writes NaN / Infinity bare, as Python trainers do; the reader reads them.
        self._pub.send_string(json.dumps(message))

    # -- stop ------------------------------------------------------------------------

    def request_stop(self, reason: str) -> None:
        """Asks the loop to stop after this epoch (SIGINT and the stop command call it)."""
        if self.stop_reason is None:
            self.stop_reason = reason
            print(f"stop requested ({reason}): finishing the epoch and saving a checkpoint", flush=True)

    def should_stop(self) -> bool:
        """True once a stop command or SIGINT came; check it after each epoch's checkpoint."""
        if self._sigint:
            self.request_stop("SIGINT")
        control = self._control
        while control is not None and control.poll(0):
            frame = control.recv()
            try:
                command = json.loads(frame.decode("utf-8"))
            except ValueError:
                continue
            if isinstance(command, dict) and command.get("command") == "stop":
                self.request_stop("stop command")
        return self.stop_reason is not None

    # -- lifetime --------------------------------------------------------------------

    def close(self) -> None:
        """Delivers what is still queued (up to 5 s) and closes the sockets. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._pub is not None:
            self._pub.close(linger=CLOSE_LINGER_MS)
        if self._control is not None:
            self._control.close(linger=0)
        if self._ctx is not None:
            self._ctx.term()

    def __enter__(self) -> "Trainwire":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def _open_sockets(self, publish: Optional[str], control: Optional[str], wait_for_reader: float) -> None:
        try:
            import zmq
        except ImportError as error:
            raise ContractError(
                "the trainwire worker asked for progress over ZeroMQ but pyzmq is not installed; "
                "install it (python3-zmq, or pip install pyzmq)"
            ) from error
        self._ctx = zmq.Context()
        if publish is not None:
            # XPUB hears the reader's subscription, so nothing is sent before it joined.
            pub = self._ctx.socket(zmq.XPUB)
            pub.setsockopt(zmq.SNDHWM, HIGH_WATER_MARK)
            pub.setsockopt(zmq.XPUB_NODROP, 1)
            pub.connect(publish)
            self._pub = pub
            if pub.poll(int(wait_for_reader * 1000), zmq.POLLIN):
                pub.recv()
            else:
                print(
                    f"trainwire: no progress reader subscribed at {publish} within {wait_for_reader:g} s; "
                    "progress sent before it joins is lost",
                    file=sys.stderr,
                    flush=True,
                )
        if control is not None:
            sub = self._ctx.socket(zmq.SUB)
            sub.setsockopt(zmq.SUBSCRIBE, b"")
            sub.connect(control)
            self._control = sub


def _logs(logs: Mapping[str, Any]) -> Dict[str, Optional[float]]:
    """Metric values as floats (tensor and numpy scalars included); None stays null."""
    out: Dict[str, Optional[float]] = {}
    for key, value in logs.items():
        if not isinstance(key, str):
            raise TypeError(f"a metric name must be a string, not {key!r}")
        if value is None:
            out[key] = None
            continue
        try:
            out[key] = float(value)
        except (TypeError, ValueError) as error:
            raise TypeError(f"metric {key!r} must be a number, not {value!r}") from error
    return out
