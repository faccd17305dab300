"""Saving resources and trained models as plain data, and loading them back without running anything from the file.

`dumps` turns an object graph into tensors, numbers, strings, lists and dicts, saved with `torch.save`; `loads`
reads it with `torch.load(weights_only=True)`, which refuses anything else, then rebuilds objects only of classes
defined in this package (`personalize_emulator.*`), by setting their attributes: no constructor, no pickled code.
Three kinds of reference are cut on the way out and tied back on the way in by the caller: other resources (by
ARN), a dataset's records (kept row by row in the store) and a solution version's model (kept apart).
"""

from __future__ import annotations

import importlib
import io
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

PACKAGE = "personalize_emulator."
_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


class UnsafeState(ValueError):
    """The saved state names something this package does not define."""


def dumps(obj: Any, cut: Callable[[Any], dict[str, Any] | None] | None = None) -> bytes:
    """`obj` as bytes; `cut(value)` may replace any value by a marker dict (kept as is) before it is encoded."""
    buffer = io.BytesIO()
    torch.save(_encode(obj, cut or (lambda _: None)), buffer)
    return buffer.getvalue()


def loads(data: bytes, tie: Callable[[dict[str, Any]], Any] | None = None) -> Any:
    """The object `dumps` saved; `tie(marker)` turns each marker that `cut` made back into a value."""
    tree = torch.load(io.BytesIO(data), weights_only=True)
    return _decode(tree, tie or (lambda marker: marker))


def _encode(value: Any, cut: Callable[[Any], dict[str, Any] | None]) -> Any:
    marker = cut(value)
    if marker is not None:
        return {"$cut": marker}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Tensor):
        return {"$tensor": value.detach().clone()}
    if isinstance(value, np.ndarray):
        if value.dtype == object or value.dtype.kind in "USM":
            return {"$array": [_encode(v, cut) for v in value.tolist()], "dtype": str(value.dtype)}
        return {"$ndarray": torch.from_numpy(np.ascontiguousarray(value)).clone()}
    if isinstance(value, list):
        return [_encode(v, cut) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v, cut) for v in value]}
    if isinstance(value, set | frozenset):
        return {"$set": [_encode(v, cut) for v in sorted(value, key=repr)]}
    if isinstance(value, dict):
        return {"$dict": [[_encode(k, cut), _encode(v, cut)] for k, v in value.items()]}
    if isinstance(value, _LOCK_TYPES):
        return {"$lock": isinstance(value, _LOCK_TYPES[1])}
    cls = type(value)
    name = f"{cls.__module__}:{cls.__qualname__}"
    if not name.startswith(PACKAGE):
        raise TypeError(f"cannot save a {name}: only this package's classes, arrays and plain data are saved")
    if isinstance(value, nn.Module):
        state = {k: v.detach().clone() for k, v in value.state_dict().items()}
        return {"$module": name, "shape": _encode(value.shape, cut), "state": state, "training": value.training}
    return {"$object": name, "attributes": {k: _encode(v, cut) for k, v in vars(value).items()}}


def _decode(tree: Any, tie: Callable[[dict[str, Any]], Any]) -> Any:
    if isinstance(tree, list):
        return [_decode(v, tie) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if "$cut" in tree:
        return tie(tree["$cut"])
    if "$tensor" in tree:
        return tree["$tensor"]
    if "$ndarray" in tree:
        return tree["$ndarray"].numpy()
    if "$array" in tree:
        return np.array([_decode(v, tie) for v in tree["$array"]], dtype=tree["dtype"])
    if "$tuple" in tree:
        return tuple(_decode(v, tie) for v in tree["$tuple"])
    if "$set" in tree:
        return {_decode(v, tie) for v in tree["$set"]}
    if "$dict" in tree:
        return {_decode(k, tie): _decode(v, tie) for k, v in tree["$dict"]}
    if "$lock" in tree:
        return threading.RLock() if tree["$lock"] else threading.Lock()
    if "$module" in tree:
        module = _class(tree["$module"])(_decode(tree["shape"], tie))
        module.load_state_dict(tree["state"])
        return module.train(tree["training"])
    if "$object" in tree:
        obj: Any = object.__new__(_class(tree["$object"]))
        for key, value in tree["attributes"].items():
            object.__setattr__(obj, key, _decode(value, tie))  # frozen dataclasses too
        return obj
    raise UnsafeState(f"unknown entry in saved state: {sorted(tree)[:3]}")


def _class(name: str) -> type:
    module_name, _, qualname = name.partition(":")
    if not module_name.startswith(PACKAGE) or not qualname.replace(".", "").isidentifier():
        raise UnsafeState(f"saved state names {name!r}, which is not a class of personalize_emulator")
    cls: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    # defined here, not merely imported here from another library
    if not isinstance(cls, type) or not cls.__module__.startswith(PACKAGE):
        raise UnsafeState(f"saved state names {name!r}, which is not a class of personalize_emulator")
    return cls
