"""Turn the CTranslate2 Whisper weights into an openai-whisper checkpoint.

Both engines then run the very same weights, so their accuracy and speed can be
compared fairly. CTranslate2 fuses self-attention query/key/value into one
matrix and cross-attention key/value into another; openai-whisper keeps them
apart (and its key projections have no bias).
"""

import re
from pathlib import Path

import numpy as np

from .ct2_format import read_variables


def _layers(variables, prefix: str) -> int:
    pattern = re.compile(rf"^{prefix}/layer_(\d+)/")
    return len({match.group(1) for name in variables if (match := pattern.match(name))})


def _linear(state, target, variables, source, bias=True):
    state[f"{target}.weight"] = variables[f"{source}/weight"]
    if bias:
        state[f"{target}.bias"] = variables[f"{source}/bias"]


def _norm(state, target, variables, source):
    state[f"{target}.weight"] = variables[f"{source}/gamma"]
    state[f"{target}.bias"] = variables[f"{source}/beta"]


def _split(array: np.ndarray, parts: int) -> list[np.ndarray]:
    return np.split(array, parts, axis=0)


def _attention(state, target, variables, source, fused: str):
    """Self-attention (fused q/k/v in linear_0) or cross-attention (q in linear_0, fused k/v in linear_1)."""
    if fused == "qkv":
        weights, biases = (
            _split(variables[f"{source}/linear_0/weight"], 3),
            _split(variables[f"{source}/linear_0/bias"], 3),
        )
        out = "linear_1"
    else:
        q_w, q_b = variables[f"{source}/linear_0/weight"], variables[f"{source}/linear_0/bias"]
        kv_w, kv_b = _split(variables[f"{source}/linear_1/weight"], 2), _split(variables[f"{source}/linear_1/bias"], 2)
        weights, biases = [q_w, *kv_w], [q_b, *kv_b]
        out = "linear_2"
    for name, weight, bias in zip(("query", "key", "value"), weights, biases, strict=True):
        state[f"{target}.{name}.weight"] = weight
        if name != "key":
            state[f"{target}.{name}.bias"] = bias
    _linear(state, f"{target}.out", variables, f"{source}/{out}")
    _norm(state, f"{target}_ln", variables, f"{source}/layer_norm")


def state_dict_from_ct2(variables: dict[str, np.ndarray]) -> tuple[dict, dict[str, np.ndarray]]:
    """(openai-whisper ModelDimensions as a dict, state dict as NumPy arrays)."""
    state: dict[str, np.ndarray] = {}
    n_audio_layer, n_text_layer = _layers(variables, "encoder"), _layers(variables, "decoder")
    for conv in ("conv1", "conv2"):
        _linear(state, f"encoder.{conv}", variables, f"encoder/{conv}")
    state["encoder.positional_embedding"] = variables["encoder/position_encodings/encodings"]
    for i in range(n_audio_layer):
        source, target = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        _attention(state, f"{target}.attn", variables, f"{source}/self_attention", "qkv")
        _linear(state, f"{target}.mlp.0", variables, f"{source}/ffn/linear_0")
        _linear(state, f"{target}.mlp.2", variables, f"{source}/ffn/linear_1")
        _norm(state, f"{target}.mlp_ln", variables, f"{source}/ffn/layer_norm")
    _norm(state, "encoder.ln_post", variables, "encoder/layer_norm")

    state["decoder.token_embedding.weight"] = variables["decoder/embeddings/weight"]
    state["decoder.positional_embedding"] = variables["decoder/position_encodings/encodings"]
    for i in range(n_text_layer):
        source, target = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        _attention(state, f"{target}.attn", variables, f"{source}/self_attention", "qkv")
        _attention(state, f"{target}.cross_attn", variables, f"{source}/attention", "kv")
        _linear(state, f"{target}.mlp.0", variables, f"{source}/ffn/linear_0")
        _linear(state, f"{target}.mlp.2", variables, f"{source}/ffn/linear_1")
        _norm(state, f"{target}.mlp_ln", variables, f"{source}/ffn/layer_norm")
    _norm(state, "decoder.ln", variables, "decoder/layer_norm")

    conv1 = variables["encoder/conv1/weight"]
    dims = {
        "n_mels": conv1.shape[1],
        "n_audio_ctx": variables["encoder/position_encodings/encodings"].shape[0],
        "n_audio_state": conv1.shape[0],
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": n_audio_layer,
        "n_vocab": variables["decoder/embeddings/weight"].shape[0],
        "n_text_ctx": variables["decoder/position_encodings/encodings"].shape[0],
        "n_text_state": variables["decoder/embeddings/weight"].shape[1],
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": n_text_layer,
    }
    return dims, state


def convert(ct2_model: Path, checkpoint: Path) -> Path:
    """Write an openai-whisper checkpoint (``torch.save``) made from ``ct2_model``."""
    import torch

    spec, variables = read_variables(ct2_model)
    if spec != "WhisperSpec":
        raise ValueError(f"{ct2_model} holds a {spec}, not a Whisper model")
    dims, state = state_dict_from_ct2(variables)
    tensors = {name: torch.from_numpy(np.array(array)) for name, array in state.items()}
    payload = {"dims": dims, "model_state_dict": tensors}
    temporary = checkpoint.with_suffix(".partial")
    torch.save(payload, temporary)
    temporary.replace(checkpoint)
    return checkpoint
