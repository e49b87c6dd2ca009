"""Print the measured minutes per source of a build as Markdown: `python3 -m data_pipeline.stats_table [DATA]`."""
import json
import os
import sys


def main() -> None:
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
    s = json.load(open(os.path.join(data, "stats.json")))
    for group in ("speech", "noise"):
        unit = "files" if group == "speech" else "pieces (≤ 60 s)"
        print(f"\n| {group} source | {unit} | speakers/voices | train min | val min |\n|---|---:|---:|---:|---:|")
        for k, v in sorted(s[group].items(), key=lambda kv: -kv[1]["train_min"]):
            spk = v["speakers"] if group == "speech" else "–"
            print(f"| {k} | {v['files']} | {spk} | {v['train_min']:.1f} | {v['val_min']:.1f} |")
    t = s["totals_min"]
    print(f"\nTotals: speech {t['speech_train'] / 60:.2f} h train + {t['speech_val'] / 60:.2f} h val; "
          f"noise {t['noise_train'] / 60:.2f} h train + {t['noise_val'] / 60:.2f} h val.")


if __name__ == "__main__":
    main()
