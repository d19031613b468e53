"""The data-juicer peer chain, run inside the bench-only venv (.bench/dj).

Reads file paths on argv, cleans each as one sample through data-juicer's
fix_unicode, chinese_convert(t2s), whitespace_normalization,
punctuation_normalization and remove_repeat_sentences mappers, and prints
one JSON line: {"seconds": total processing time, "bytes": input bytes}.
"""

import json
import sys
import time

from data_juicer.ops.mapper import (
    ChineseConvertMapper,
    FixUnicodeMapper,
    PunctuationNormalizationMapper,
    RemoveRepeatSentencesMapper,
    WhitespaceNormalizationMapper,
)


def main() -> None:
    ops = [
        FixUnicodeMapper(),
        ChineseConvertMapper(mode="t2s"),
        WhitespaceNormalizationMapper(),
        PunctuationNormalizationMapper(),
        RemoveRepeatSentencesMapper(),
    ]
    texts = [open(p, encoding="utf-8").read() for p in sys.argv[1:]]
    for op in ops:  # warm-up: lazy imports and dictionary loads are not counted
        op.process_batched({"text": ["预热文本，預熱。"]})
    t0 = time.perf_counter()
    for text in texts:
        sample = {"text": [text]}
        for op in ops:
            sample = op.process_batched(sample)
    secs = time.perf_counter() - t0
    print(json.dumps({"seconds": secs, "bytes": sum(len(t.encode("utf-8")) for t in texts)}))


if __name__ == "__main__":
    main()
