"""attend training-data pipeline: clean speech (real + synthetic with exact times), noise,
and on-the-fly mixing.  Entry point: `bash Training/make_data.sh [--scale small|full]`."""
