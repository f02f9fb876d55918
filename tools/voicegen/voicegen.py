#!/usr/bin/env python3
"""Generate a Piper-format VITS test voice with random weights.

Builds Piper's own model (piper.train.vits.models.SynthesizerTrn from the
piper-tts wheel), fills it with deterministic random weights, and exports it
the way Piper's export_onnx does (decoder weight norm removed, forward = infer,
opset 15, inputs input/input_lengths/scales[/sid], output `output` [1,1,1,T]).
Writes PATH.onnx and PATH.onnx.json.

    voicegen.py --preset tiny --seed 1 --output tests/voices/vi_VN-test-tiny.onnx

Needs only torch and numpy (plus onnxruntime for the self-check).
"""

import argparse
import hashlib
import inspect
import io
import json
import math
import os
import sys
import time
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np
import torch

from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP
from piper.train.vits import modules as vits_modules
from piper.train.vits.models import SynthesizerTrn

OPSET_VERSION = 15
HOP_LENGTH = 256
NUM_SYMBOLS = 256  # Piper's VitsModel default; the espeak map uses ids 0..165

# Decoder shared by every preset: Piper's "low"/"medium" HiFi-GAN settings.
_DECODER_MEDIUM = dict(
    resblock="2",
    resblock_kernel_sizes=(3, 5, 7),
    resblock_dilation_sizes=((1, 2), (2, 6), (3, 12)),
    upsample_rates=(8, 8, 4),
    upsample_kernel_sizes=(16, 16, 8),
)

PRESETS = {
    # Same graph as medium (6 attention layers, 2 heads, SDP with 4 flows,
    # 4 coupling layers, 3 upsamplings x 3 resblocks) with tiny channels.
    "tiny": dict(
        inter_channels=16,
        hidden_channels=16,
        filter_channels=64,
        upsample_initial_channel=32,
        multi_gin_channels=16,
        quality="x_low",
        **_DECODER_MEDIUM,
    ),
    # Piper's --quality x-low: 96/96/384, decoder otherwise as medium
    # (upsample_initial_channel stays 256).
    "x_low": dict(
        inter_channels=96,
        hidden_channels=96,
        filter_channels=384,
        upsample_initial_channel=256,
        multi_gin_channels=512,
        quality="x_low",
        **_DECODER_MEDIUM,
    ),
    "medium": dict(
        inter_channels=192,
        hidden_channels=192,
        filter_channels=768,
        upsample_initial_channel=256,
        multi_gin_channels=512,
        quality="medium",
        **_DECODER_MEDIUM,
    ),
}

# Target: about 5 s of audio for 100 phoneme ids at length_scale 1
# (4.3 frames per id at 22050 Hz).
TARGET_SECONDS_PER_100_IDS = 5.0
# Target RMS of the raw model output (before Piper's peak normalisation).
TARGET_RMS = 0.15

LANGUAGE = {
    "code": "vi_VN",
    "family": "vi",
    "region": "VN",
    "name_native": "Tiếng Việt",
    "name_english": "Vietnamese",
    "country_english": "Viet Nam",
}


def build_model(preset: dict, num_speakers: int) -> SynthesizerTrn:
    gin_channels = preset["multi_gin_channels"] if num_speakers > 1 else 0
    return SynthesizerTrn(
        n_vocab=NUM_SYMBOLS,
        spec_channels=1024 // 2 + 1,  # filter_length // 2 + 1 (enc_q, not exported)
        segment_size=8192 // HOP_LENGTH,
        inter_channels=preset["inter_channels"],
        hidden_channels=preset["hidden_channels"],
        filter_channels=preset["filter_channels"],
        n_heads=2,
        n_layers=6,
        kernel_size=3,
        p_dropout=0.1,
        resblock=preset["resblock"],
        resblock_kernel_sizes=preset["resblock_kernel_sizes"],
        resblock_dilation_sizes=preset["resblock_dilation_sizes"],
        upsample_rates=preset["upsample_rates"],
        upsample_initial_channel=preset["upsample_initial_channel"],
        upsample_kernel_sizes=preset["upsample_kernel_sizes"],
        n_speakers=num_speakers,
        gin_channels=gin_channels,
        use_sdp=True,
    )


def calibration_ids(n: int = 100) -> torch.Tensor:
    """Piper-like id sequence: ^ _ p _ p _ ... $ with phonemes from the espeak map."""
    rng = np.random.RandomState(12345)
    phoneme_ids = rng.randint(14, 160, size=(n - 3) // 2)
    ids = [1, 0]
    for p in phoneme_ids:
        ids += [int(p), 0]
    ids.append(2)
    return torch.LongTensor([ids])


def randomize_zero_layers(model: SynthesizerTrn, gen: torch.Generator) -> None:
    """VITS zero-initialises the last layer of every flow: fill them with small
    random values so the flows (and the SDP splines) really transform."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, vits_modules.ResidualCouplingLayer):
                # ~25 % change of z through the 4 coupling layers
                post_std = 0.4 / math.sqrt(module.hidden_channels)
                module.post.weight.normal_(0.0, post_std, generator=gen)
                module.post.bias.normal_(0.0, 0.02, generator=gen)
            elif isinstance(module, vits_modules.ConvFlow):
                module.proj.weight.normal_(0.0, 0.05, generator=gen)
                module.proj.bias.normal_(0.0, 0.05, generator=gen)
            elif isinstance(module, vits_modules.ElementwiseAffine):
                module.m.normal_(0.0, 0.05, generator=gen)
                module.logs.normal_(0.0, 0.05, generator=gen)


def rescale_decoder(model: SynthesizerTrn, gen: torch.Generator) -> None:
    """HiFi-GAN's init (N(0, 0.01) for the upsampling and resblock convs) shrinks
    the signal by orders of magnitude and leaves the last conv to produce mostly
    a DC offset. Use fan-in scaled weights instead so every stage keeps O(1)
    activations, and make each conv_post kernel zero-sum so the output has no
    DC (call after remove_weight_norm)."""
    dec = model.dec
    with torch.no_grad():
        for up, rate in zip(dec.ups, dec_upsample_rates(dec)):
            w = up.weight  # [in, out, k] for ConvTranspose1d
            fan_in = w.size(0) * w.size(2) / rate
            w.normal_(0.0, 1.0 / math.sqrt(fan_in), generator=gen)
        for block in dec.resblocks:
            for conv in block.convs:
                w = conv.weight  # [out, in, k]
                conv_std = 0.5 / math.sqrt(w.size(1) * w.size(2))
                w.normal_(0.0, conv_std, generator=gen)
        w = dec.conv_post.weight  # [1, ch, 7]
        w.sub_(w.mean(dim=2, keepdim=True))


def dec_upsample_rates(dec) -> list:
    return [up.stride[0] for up in dec.ups]


def infer(model, ids, sid, noise_scale, length_scale, noise_w, seed=0):
    torch.manual_seed(seed)
    lengths = torch.LongTensor([ids.size(1)])
    with torch.no_grad():
        o, attn, y_mask, _ = model.infer(
            ids,
            lengths,
            sid=sid,
            noise_scale=noise_scale,
            length_scale=length_scale,
            noise_scale_w=noise_w,
        )
    return o, y_mask


def calibrate(model: SynthesizerTrn, num_speakers: int, sample_rate: int) -> dict:
    """Duration bias (SDP's first ElementwiseAffine, applied last in reverse:
    logw = (z0 - m) * exp(-logs)) and output level (decoder conv_post)."""
    ids = calibration_ids()
    sid = torch.LongTensor([0]) if num_speakers > 1 else None
    n = ids.size(1)
    affine = model.dp.flows[0]
    target = TARGET_SECONDS_PER_100_IDS * sample_rate / HOP_LENGTH / 100 * n

    # Frames with the default noise_w 0.8, averaged over a few fixed noise draws.
    def frames() -> float:
        total = 0.0
        for s in range(4):
            torch.manual_seed(1000 + s)
            x, _, _, x_mask = model.enc_p(ids, torch.LongTensor([n]))
            g = model.emb_g(sid).unsqueeze(-1) if sid is not None else None
            with torch.no_grad():
                logw = model.dp(x, x_mask, g=g, reverse=True, noise_scale=0.8)
            total += float(torch.ceil(torch.exp(logw) * x_mask).sum())
        return total / 4

    with torch.no_grad():
        for _ in range(8):
            f = frames()
            if abs(f - target) / target < 0.02:
                break
            # logw shifts by -delta_m * exp(-logs0)
            step = math.log(target / max(f, 1.0)) * math.exp(float(affine.logs[0, 0]))
            # ceil() makes the relation sub-linear: move in smaller steps
            affine.m[0, 0] -= step * 0.9
        frames_per_id = frames() / n

        conv_post = model.dec.conv_post
        for _ in range(6):
            o, _ = infer(model, ids, sid, 0.667, 1.0, 0.8, seed=7)
            rms = float(o.pow(2).mean().sqrt())
            if abs(rms - TARGET_RMS) / TARGET_RMS < 0.05:
                break
            # tanh(x) ~ x for small x: scale the last conv linearly
            conv_post.weight.mul_(TARGET_RMS / max(rms, 1e-6))
    return {"frames_per_id": frames_per_id, "rms": rms}


def count_inference_weights(model: SynthesizerTrn) -> int:
    """Number of torch weights inference uses: everything but the posterior
    encoder, the SDP's posterior part and the SDP flow dropped in reverse mode
    (weight_g of the weight-normed flow convs is folded into the weights). The
    ONNX file holds slightly fewer numbers after constant folding."""
    skip = ("enc_q.", "dp.post_", "dp.flows.1.")
    return sum(
        p.numel()
        for name, p in model.named_parameters()
        if not name.startswith(skip) and not name.endswith("weight_g")
    )


def export_onnx(model: SynthesizerTrn, num_speakers: int) -> bytes:
    def infer_forward(text, text_lengths, scales, sid=None):
        noise_scale = scales[0]
        length_scale = scales[1]
        noise_scale_w = scales[2]
        audio = model.infer(
            text,
            text_lengths,
            noise_scale=noise_scale,
            length_scale=length_scale,
            noise_scale_w=noise_scale_w,
            sid=sid,
        )[0].unsqueeze(1)
        return audio

    model.forward = infer_forward  # type: ignore[method-assign]

    ids = calibration_ids(51)
    lengths = torch.LongTensor([ids.size(1)])
    scales = torch.FloatTensor([0.667, 1.0, 0.8])
    input_names = ["input", "input_lengths", "scales"]
    dynamic_axes = {
        "input": {0: "batch_size", 1: "phonemes"},
        "input_lengths": {0: "batch_size"},
        "output": {0: "batch_size", 2: "time"},
    }
    if num_speakers > 1:
        args = (ids, lengths, scales, torch.LongTensor([0]))
        input_names.append("sid")
        dynamic_axes["sid"] = {0: "batch_size"}
    else:
        args = (ids, lengths, scales)

    kwargs = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # the dynamo exporter fails on this model

    buf = io.BytesIO()
    torch.manual_seed(0)
    with warnings.catch_warnings():
        # TracerWarnings (python bools of shapes in attention/splines) and
        # constant-folding notes: expected, same as Piper's own export
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            args,
            buf,
            verbose=False,
            opset_version=OPSET_VERSION,
            input_names=input_names,
            output_names=["output"],
            dynamic_axes=dynamic_axes,
            **kwargs,
        )
    return buf.getvalue()


def make_config(preset_name: str, preset: dict, num_speakers: int, sample_rate: int,
                dataset: str) -> dict:
    if num_speakers > 1:
        speaker_id_map = {f"speaker_{i}": i for i in range(num_speakers)}
    else:
        speaker_id_map = {}
    try:
        piper_version = metadata.version("piper-tts")
    except metadata.PackageNotFoundError:
        piper_version = "1.8.0"
    return {
        "dataset": dataset,
        "audio": {"sample_rate": sample_rate, "quality": preset["quality"]},
        "espeak": {"voice": "vi"},
        "language": dict(LANGUAGE),
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_map": {},
        "phoneme_id_map": {k: list(v) for k, v in DEFAULT_PHONEME_ID_MAP.items()},
        "num_symbols": NUM_SYMBOLS,
        "num_speakers": num_speakers,
        "speaker_id_map": speaker_id_map,
        "piper_version": piper_version,
        "vtts_voicegen": {
            "preset": preset_name,
            "random_weights": True,
            "note": "test voice with random weights: speaks noise, not Vietnamese",
        },
    }


def check_onnx(path: Path, num_speakers: int, sample_rate: int) -> dict:
    """Run the exported voice with onnxruntime: noise-like, finite, and
    deterministic when noise_scale = noise_w = 0."""
    import onnxruntime

    opts = onnxruntime.SessionOptions()
    opts.intra_op_num_threads = 2
    opts.inter_op_num_threads = 1
    sess = onnxruntime.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    ids = calibration_ids(100).numpy()

    def run(noise, length, noise_w, sid=0):
        feeds = {
            "input": ids,
            "input_lengths": np.array([ids.shape[1]], dtype=np.int64),
            "scales": np.array([noise, length, noise_w], dtype=np.float32),
        }
        if num_speakers > 1:
            feeds["sid"] = np.array([sid], dtype=np.int64)
        return sess.run(None, feeds)[0]

    audio = run(0.667, 1.0, 0.8)
    assert audio.ndim == 4 and audio.shape[:3] == (1, 1, 1), audio.shape
    assert np.all(np.isfinite(audio)), "NaN/inf in output"
    peak = float(np.max(np.abs(audio)))
    rms = float(np.sqrt(np.mean(audio.astype(np.float64) ** 2)))
    assert rms > 1e-3 and peak < 1.0, (peak, rms)
    d1 = run(0.0, 1.0, 0.0)
    d2 = run(0.0, 1.0, 0.0)
    assert np.array_equal(d1, d2), "not deterministic with noise_scale = noise_w = 0"
    slow = run(0.0, 1.5, 0.0)
    assert slow.shape[3] > d1.shape[3], "length_scale has no effect"
    result = {
        "peak": peak,
        "rms": rms,
        "seconds_100_ids": audio.shape[3] / sample_rate,
        "seconds_100_ids_deterministic": d1.shape[3] / sample_rate,
    }
    if num_speakers > 1:
        outs = [run(0.0, 1.0, 0.0, sid=s) for s in range(num_speakers)]
        for a in range(num_speakers):
            for b in range(a + 1, num_speakers):
                same = outs[a].shape == outs[b].shape and np.allclose(outs[a], outs[b])
                assert not same, f"speakers {a} and {b} give the same audio"
        result["speaker_lengths"] = [o.shape[3] for o in outs]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), required=True)
    parser.add_argument("--speakers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--sample-rate", type=int, default=22050)
    parser.add_argument("--dataset", help="dataset name in the config (default vtts-test-PRESET)")
    parser.add_argument("--output", required=True, help="PATH.onnx (PATH.onnx.json is written too)")
    parser.add_argument("--no-check", action="store_true", help="skip the onnxruntime check")
    args = parser.parse_args()

    if args.speakers < 1:
        parser.error("--speakers must be >= 1")
    out = Path(args.output)
    if out.suffix != ".onnx":
        parser.error("--output must end in .onnx")
    out.parent.mkdir(parents=True, exist_ok=True)

    torch.set_num_threads(min(2, os.cpu_count() or 1))
    torch.use_deterministic_algorithms(True)
    start = time.monotonic()
    preset = PRESETS[args.preset]

    torch.manual_seed(args.seed)
    model = build_model(preset, args.speakers)
    gen = torch.Generator().manual_seed(args.seed + 1)
    randomize_zero_layers(model, gen)
    model.eval()
    with torch.no_grad():
        model.dec.remove_weight_norm()
    rescale_decoder(model, gen)
    cal = calibrate(model, args.speakers, args.sample_rate)
    weights = count_inference_weights(model)

    onnx_bytes = export_onnx(model, args.speakers)
    out.write_bytes(onnx_bytes)
    dataset = args.dataset or f"vtts-test-{args.preset}"
    config = make_config(args.preset, preset, args.speakers, args.sample_rate, dataset)
    config_path = Path(f"{out}.json")
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    elapsed = time.monotonic() - start

    info = {
        "output": str(out),
        "preset": args.preset,
        "speakers": args.speakers,
        "seed": args.seed,
        "bytes": len(onnx_bytes),
        "sha256": hashlib.sha256(onnx_bytes).hexdigest(),
        "weights": weights,
        "calibration": cal,
        "generate_seconds": round(elapsed, 2),
    }
    if not args.no_check:
        info["check"] = check_onnx(out, args.speakers, args.sample_rate)
    print(json.dumps(info, indent=2), file=sys.stderr)


if __name__ == "__main__":
    main()
