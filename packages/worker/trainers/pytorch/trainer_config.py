"""The PyTorch keypoint trainer's config: defaults, checks, and what a resume must keep.

Every field is optional; an unknown field or a bad value is a ConfigError that names the
field, what it must be and what it got (the trainer exits 2 with it).
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, NamedTuple, Optional


class ConfigError(ValueError):
    """A config value the trainer cannot use; the message names the field."""

    exit_code = 2


class Field(NamedTuple):
    default: Any
    kind: type
    low: Optional[float]
    high: Optional[float]
    meaning: str


FIELDS: Dict[str, Field] = {
    "epochs": Field(10, int, 1, 100_000, "total epochs; a resumed run continues up to it"),
    "batchSize": Field(16, int, 1, 65_536, "mini-batch size"),
    "learningRate": Field(0.003, float, 1e-8, 10.0, "Adam step size"),
    "seed": Field(0, int, 0, 2**31 - 1, "weights and the order of batches"),
    "samples": Field(640, int, 8, 1_000_000, "synthetic images generated"),
    "validationFraction": Field(0.2, float, 0.0, 0.9, "share held out for val/loss"),
    "imageSize": Field(32, int, 16, 256, "image width and height in pixels (a multiple of 8)"),
    "keypoints": Field(2, int, 1, 16, "keypoints per image"),
    "noise": Field(0.05, float, 0.0, 1.0, "pixel noise added to the images"),
    "dataSeed": Field(7, int, 0, 2**31 - 1, "what the synthetic images look like"),
    "filters": Field(8, int, 1, 256, "channels of the first convolution (doubled twice)"),
    "checkpointEvery": Field(1, int, 0, 100_000, "write epoch-NNNN.pt every N epochs; 0: only best.pt and last.pt"),
    "threads": Field(0, int, 0, 1024, "CPU threads for torch; 0 keeps torch's default"),
}

# What makes a run: a resume with another value would not continue the same run.
RUN_FIELDS = (
    "batchSize",
    "learningRate",
    "seed",
    "samples",
    "validationFraction",
    "imageSize",
    "keypoints",
    "noise",
    "dataSeed",
    "filters",
)
# What decides the model's shape: a base model to fine-tune must match these.
MODEL_FIELDS = ("imageSize", "keypoints", "filters")


def _describe(field: Field) -> str:
    kind = "an integer" if field.kind is int else "a number"
    return f"{kind} from {field.low:g} to {field.high:g}"


def _check(name: str, field: Field, value: Any) -> Any:
    # bool is an int in Python; true/false in a config is a mistake for these fields.
    ok_type = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ok_type and field.kind is int and isinstance(value, float):
        ok_type = value.is_integer()
    if not ok_type or value != value or not (field.low <= value <= field.high):
        raise ConfigError(f"config field {name} must be {_describe(field)} ({field.meaning}); got {value!r}")
    return field.kind(value)


def parse_config(raw: Mapping[str, Any]) -> Dict[str, Any]:
    """The config with defaults filled in; raises ConfigError naming the first bad field."""
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise ConfigError(
            f"config field {unknown[0]} is not known to the pytorch trainer; known fields: {', '.join(FIELDS)}"
        )
    config = {name: _check(name, field, raw[name]) if name in raw else field.default for name, field in FIELDS.items()}
    if config["imageSize"] % 8 != 0:
        raise ConfigError(f"config field imageSize must be a multiple of 8 (three 2x poolings); got {config['imageSize']}")
    return config


def differing(fields: tuple, saved: Mapping[str, Any], config: Mapping[str, Any]) -> Optional[str]:
    """The first of ``fields`` whose value differs, as ``"name: saved → now"``, or None."""
    for name in fields:
        if saved.get(name) != config.get(name):
            return f"{name}: {saved.get(name)!r} in the checkpoint, {config.get(name)!r} now"
    return None

