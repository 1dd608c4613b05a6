"""Read a CTranslate2 ``model.bin`` into NumPy arrays.

The layout is the one ``ctranslate2/specs/model_spec.py`` (``_serialize``) writes:
version, spec name, revision, then each variable as name, rank, dims, dtype id,
byte count and raw bytes, then aliases.
"""

import struct
from pathlib import Path

import numpy as np

DTYPES = (np.float32, np.int8, np.int16, np.int32, np.float16, None)  # id 5 is bfloat16


def read_variables(path: Path) -> tuple[str, dict[str, np.ndarray]]:
    variables: dict[str, np.ndarray] = {}
    with path.open("rb") as handle:

        def unpack(fmt):
            return struct.unpack(fmt, handle.read(struct.calcsize(fmt)))[0]

        def string():
            return handle.read(unpack("H"))[:-1].decode("utf-8")

        version = unpack("I")
        if version < 5:
            raise ValueError(f"unsupported CTranslate2 model version {version}")
        spec = string()
        unpack("I")  # spec revision
        for _ in range(unpack("I")):
            name = string()
            shape = [unpack("I") for _ in range(unpack("B"))]
            dtype = DTYPES[unpack("B")]
            data = handle.read(unpack("I"))
            if dtype is None:
                raise ValueError(f"{name}: bfloat16 weights are not supported")
            variables[name] = np.frombuffer(data, dtype=dtype).reshape(shape)
        for _ in range(unpack("I")):
            alias, target = string(), string()
            variables[alias] = variables[target]
    return spec, variables
