"""PyTorch reference of the attend encoder (training, export, golden files)."""
