"""Predict mode of the PyTorch keypoint trainer: a trained model over images.

The model is a checkpoint of this trainer (TRAINWIRE_MODEL). The images are the input
file (role ``input``: a tensor of shape [N, 1, S, S] or [N, S, S] saved with
``torch.save``), or, without one, synthetic images made as training makes them, from the
checkpoint's config with the predict config's ``samples``, ``dataSeed`` and ``noise`` on
top. One JSON line per image: ``{"index", "keypoints": [[x, y], ...]}`` in pixels, and for
synthetic images ``truth`` and ``pixel_error`` too. Progress is ``batch_end`` with
``items_done`` / ``items_total``; the stop command or SIGINT ends it after the batch in
hand, keeping the predictions made so far.
"""

from __future__ import annotations

import json
from typing import Any, Dict

from trainer_config import ConfigError

# What a predict config may set; everything else comes from the model's checkpoint.
PREDICT_FIELDS = {"samples": (int, 1, 1_000_000), "dataSeed": (int, 0, 2**31 - 1), "noise": (float, 0.0, 1.0), "batchSize": (int, 1, 65_536), "threads": (int, 0, 1024)}


def predict_config(raw: Dict[str, Any], trained: Dict[str, Any]) -> Dict[str, Any]:
    """The trained config with the predict config's fields on top; ConfigError names a bad one."""
    unknown = sorted(set(raw) - set(PREDICT_FIELDS))
    if unknown:
        raise ConfigError(f"predict config field {unknown[0]} is not known; a predict config may set {', '.join(PREDICT_FIELDS)}")
    config = dict(trained)
    for name, (kind, low, high) in PREDICT_FIELDS.items():
        if name not in raw:
            continue
        value = raw[name]
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (kind is float or float(value).is_integer())
        if not ok or not low <= value <= high:
            raise ConfigError(f"predict config field {name} must be a number from {low:g} to {high:g}; got {value!r}")
        config[name] = kind(value)
    return config


def load_images(path: str, size: int):
    """The input images as a float tensor [N, 1, S, S]; ConfigError when they are not."""
    import torch

    try:
        images = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise ConfigError(f"cannot read the input {path} as a tensor saved with torch.save: {error}") from error
    if not isinstance(images, torch.Tensor):
        raise ConfigError(f"the input {path} holds a {type(images).__name__}, not a tensor of images")
    if images.dim() == 3:
        images = images.unsqueeze(1)
    if images.dim() != 4 or images.shape[1] != 1 or images.shape[2] != size or images.shape[3] != size:
        raise ConfigError(f"the input {path} has shape {list(images.shape)}; the model takes [N, 1, {size}, {size}] images")
    return images.float()


def predict(tw, load_checkpoint) -> int:
    raw = tw.read_config()
    import torch
    from keypoints import KeypointNet, make_dataset

    saved = load_checkpoint(tw.model, "model")
    config = predict_config(raw, saved["config"])
    if config["threads"] > 0:
        torch.set_num_threads(config["threads"])
    device = tw.torch_device()
    size, k = config["imageSize"], config["keypoints"]
    truth = None
    if tw.predict_input:
        images = load_images(tw.predict_input, size)
    else:
        images, truth = make_dataset(config)
    model = KeypointNet(config).to(device)
    model.load_state_dict(saved["model"])
    model.eval()
    total = images.shape[0]
    print(f"predicting {total} image(s) of {size}x{size} px ({k} keypoints) on {device} with {tw.model}")
    done = 0
    lines = []
    tw.train_begin()
    with torch.no_grad():
        while done < total and not tw.should_stop():
            end = min(done + config["batchSize"], total)
            points = model(images[done:end].to(device)).cpu().view(end - done, k, 2) * (size - 1)
            for offset in range(end - done):
                row: Dict[str, Any] = {"index": done + offset, "keypoints": [[round(float(x), 4), round(float(y), 4)] for x, y in points[offset]]}
                if truth is not None:
                    true = truth[done + offset].view(k, 2) * (size - 1)
                    row["truth"] = [[round(float(x), 4), round(float(y), 4)] for x, y in true]
                    row["pixel_error"] = round(float((points[offset] - true).norm(dim=1).mean()), 4)
                lines.append(json.dumps(row))
            done = end
            tw.predict_progress(done, total)

    def write(path: str) -> None:
        with open(path, "w", encoding="utf-8") as out:
            out.write("".join(f"{line}\n" for line in lines))

    tw.save_predictions(write)
    tw.predict_progress(done, total, force=True)
    tw.train_end()
    print(f"{'stopped early' if done < total else 'finished'}: {done}/{total} prediction(s) in {tw.predictions}")
    return 0
