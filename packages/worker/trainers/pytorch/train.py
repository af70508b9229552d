#!/usr/bin/env python3
"""The worker's PyTorch trainer: a small CNN regressing keypoints on synthetic images.

    python3 train.py                # train (or, with TRAINWIRE_MODE=predict, predict: predict.py)
    python3 train.py --self-check   # one JSON line: python, torch, CUDA, pyzmq; exit 1 if one is missing

It follows docs/trainers.md through trainwire_trainer.py (../python): progress over
ZeroMQ in sleap-nn's format, the stop command and SIGINT finish the epoch and save,
SIGTERM ends it at once, best.pt / last.pt / epoch-NNNN.pt checkpoints, and an exact
resume from TRAINWIRE_RESUME. Exit codes: 0 done or stopped early, 1 failed, 2 bad config
or environment (the message names what to fix).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
from typing import Any, Dict, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(1, os.path.join(HERE, "..", "python"))
# The package folder is the worker's installation, not a place to write __pycache__ into.
sys.dont_write_bytecode = True

# Neither imports torch or zmq at import time, so --self-check can report them missing.
from trainer_config import MODEL_FIELDS, RUN_FIELDS, ConfigError, differing, parse_config  # noqa: E402
from trainwire_trainer import ContractError, Trainwire  # noqa: E402

CHECKPOINT_FORMAT = "trainwire-pytorch-keypoints"
CHECKPOINT_VERSION = 1


def self_check() -> int:
    """Prints what this Python can run the trainer with; 0 when torch and pyzmq import."""
    report: Dict[str, Any] = {"python": platform.python_version(), "executable": sys.executable}
    missing = []
    try:
        import torch

        report["torch"] = torch.__version__
        report["cuda"] = torch.cuda.is_available()
        report["cudaVersion"] = torch.version.cuda
        report["cudaDevices"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        report["device"] = "cuda" if report["cuda"] else "cpu"
        report["threads"] = torch.get_num_threads()
    except Exception as error:  # an ImportError, or a broken install (missing shared library)
        missing.append("torch")
        report["torchError"] = f"{type(error).__name__}: {error}"
    try:
        import zmq

        report["pyzmq"] = zmq.__version__
        report["libzmq"] = zmq.zmq_version()
    except Exception as error:
        missing.append("pyzmq")
        report["pyzmqError"] = f"{type(error).__name__}: {error}"
    report["ok"] = not missing
    report["missing"] = missing
    print(json.dumps(report))
    if missing:
        packages = " ".join("python3-torch" if m == "torch" else "python3-zmq" for m in missing)
        print(
            f"{sys.executable} cannot import {', '.join(missing)}: install them "
            f"(apt-get install {packages}, or {sys.executable} -m pip install {' '.join(missing)})",
            file=sys.stderr,
        )
        return 1
    return 0


def load_checkpoint(path: str, what: str) -> Dict[str, Any]:
    import torch

    try:
        # weights_only: a checkpoint may have been uploaded; it must not run code when loaded.
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ConfigError(f"cannot read the {what} {path}: {error}") from error
    if not isinstance(saved, dict) or saved.get("format") != CHECKPOINT_FORMAT:
        raise ConfigError(f"the {what} {path} is not a checkpoint of this trainer ({CHECKPOINT_FORMAT})")
    if saved.get("version") != CHECKPOINT_VERSION:
        raise ConfigError(f"the {what} {path} is version {saved.get('version')!r}; this trainer reads version {CHECKPOINT_VERSION}")
    return {**saved, **json.loads(saved["meta"])}


def checkpoint_state(model, optimizer, meta: Dict[str, Any]) -> Dict[str, Any]:
    """What a checkpoint holds: tensors, and the rest as one JSON string.

    torch 1.13's ``weights_only`` loader reads tensors, ints and strings but not Python
    floats, so the numbers (config, metrics, the optimizer's hyper-parameters) travel as JSON.
    """
    optimizer_state = optimizer.state_dict()
    return {
        "format": CHECKPOINT_FORMAT,
        "version": CHECKPOINT_VERSION,
        "meta": json.dumps({**meta, "optimizerGroups": optimizer_state["param_groups"]}),
        "model": model.state_dict(),
        "optimizerState": optimizer_state["state"],
    }


def train(tw) -> int:
    config = parse_config(tw.read_config())  # before torch's import, which takes seconds
    import torch
    from keypoints import KeypointNet, make_dataset, pixel_error, split

    device = tw.torch_device()
    if config["threads"] > 0:
        torch.set_num_threads(config["threads"])
    if device.type == "cuda":
        # Deterministic cuBLAS, so a resumed run matches an uninterrupted one on a GPU too.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=True)

    images, targets = make_dataset(config)
    (train_x, train_y), (val_x, val_y) = split(images, targets, config)
    train_x, train_y, val_x, val_y = (t.to(device) for t in (train_x, train_y, val_x, val_y))
    torch.manual_seed(config["seed"])
    model = KeypointNet(config).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=config["learningRate"])
    start = 0
    best: Optional[float] = None
    if tw.resume:
        saved = load_checkpoint(tw.resume, "checkpoint to resume from")
        diff = differing(RUN_FIELDS, saved["config"], config)
        if diff:
            raise ConfigError(
                f"the checkpoint {tw.resume} was trained with another config ({diff}); "
                "resume with the config it was trained with (only epochs, checkpointEvery and threads may change)"
            )
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict({"state": saved["optimizerState"], "param_groups": saved["optimizerGroups"]})
        start, best = saved["epoch"], saved["bestValLoss"]
        print(f"resuming from {tw.resume} at epoch {start + 1}/{config['epochs']}")
    elif tw.base_model:
        saved = load_checkpoint(tw.base_model, "base model")
        diff = differing(MODEL_FIELDS, saved["config"], config)
        if diff:
            raise ConfigError(f"the base model {tw.base_model} has another shape ({diff}); use its imageSize, keypoints and filters")
        model.load_state_dict(saved["model"])
        print(f"fine-tuning from {tw.base_model}")
    print(
        f"training on {train_x.shape[0]} images ({val_x.shape[0]} for validation), "
        f"{config['imageSize']}x{config['imageSize']} px, {config['keypoints']} keypoints, on {device}"
    )

    loss_fn = torch.nn.MSELoss()
    epochs, batch_size, size = config["epochs"], config["batchSize"], config["imageSize"]
    count = train_x.shape[0]
    stopped_early = False
    done = start
    tw.train_begin(total_epochs=epochs)
    for epoch in range(start, epochs):
        tw.epoch_begin(epoch)
        model.train()
        # The order comes from (seed, epoch) alone, so a resumed run batches as the first did.
        order = torch.randperm(count, generator=torch.Generator().manual_seed(config["seed"] * 1_000_003 + epoch))
        total = 0.0
        for batch, begin in enumerate(range(0, count, batch_size)):
            index = order[begin : begin + batch_size].to(device)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(train_x[index]), train_y[index])
            loss.backward()
            optimizer.step()
            value = loss.item()
            total += value * index.shape[0]
            tw.batch_end(epoch, batch, {"loss": value})
        logs = {"train/loss": total / count, "val/loss": None, "val/pixel_error": None}
        if val_x.shape[0] > 0:
            model.eval()
            with torch.no_grad():
                predicted = model(val_x)
                logs["val/loss"] = loss_fn(predicted, val_y).item()
                logs["val/pixel_error"] = pixel_error(predicted, val_y, size).item()
        tw.epoch_end(epoch, logs)
        done = epoch + 1

        score = logs["val/loss"] if logs["val/loss"] is not None else logs["train/loss"]
        improved = best is None or score < best
        if improved:
            best = score
        # "epoch": epochs done, so a resume starts at this index.
        state = checkpoint_state(model, optimizer, {"epoch": epoch + 1, "config": config, "bestValLoss": best, "metrics": logs})
        last = tw.save_checkpoint("last.pt", lambda path: torch.save(state, path))
        if improved:
            tw.save_checkpoint("best.pt", lambda path: shutil.copyfile(last, path))
        every = config["checkpointEvery"]
        if every > 0 and (epoch + 1) % every == 0:
            # Named by the 0-based epoch, as the worker reads it (and Lightning's epoch=N).
            tw.save_checkpoint(f"epoch-{epoch:04d}.pt", lambda path: shutil.copyfile(last, path))
        print(
            f"epoch {epoch + 1}/{epochs} train/loss={logs['train/loss']:.6f} "
            + (f"val/loss={logs['val/loss']:.6f} val/pixel_error={logs['val/pixel_error']:.3f}" if logs["val/loss"] is not None else "")
        )
        if tw.should_stop() and epoch + 1 < epochs:
            stopped_early = True
            break
    tw.train_end()
    print(
        f"{'stopped early' if stopped_early else 'finished'} after epoch {done}/{epochs}"
        + (f"; last checkpoint {tw.checkpoint_path('last.pt')}" if epochs > start else "; nothing left to train")
    )
    return 0


def main(argv) -> int:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description="trainwire's PyTorch keypoint trainer (see README.md)")
    parser.add_argument("--self-check", action="store_true", help="report torch, CUDA and pyzmq as JSON and exit")
    args = parser.parse_args(argv)
    if args.self_check:
        return self_check()
    try:
        with Trainwire() as tw:
            if tw.mode == "predict":
                from predict import predict

                return predict(tw, load_checkpoint)
            return train(tw)
    except (ContractError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except ImportError as error:
        print(f"error: {error}; run `{sys.executable} {__file__} --self-check` to see what is missing", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
