"""piper-tts's text front end alone: espeak phonemes and ids for every line of a file.

Prints JSON: characters read, sentences, and seconds spent phonemising (after imports and
espeak initialisation, which are timed separately).

    python piper_phonemize.py FILE
"""

import json
import sys
import time

started = time.perf_counter()
from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP, phonemes_to_ids  # noqa: E402
from piper.phonemize_espeak import EspeakPhonemizer  # noqa: E402

phonemizer = EspeakPhonemizer()
ready = time.perf_counter()
chars = sentences = 0
with open(sys.argv[1], encoding="utf-8") as text:
    for line in text:
        line = line.strip()
        if not line:
            continue
        chars += len(line)
        for phonemes in phonemizer.phonemize("vi", line):
            phonemes_to_ids(phonemes, DEFAULT_PHONEME_ID_MAP)
            sentences += 1
done = time.perf_counter()
print(json.dumps({"chars": chars, "sentences": sentences, "startup_seconds": ready - started,
                  "seconds": done - ready}))
