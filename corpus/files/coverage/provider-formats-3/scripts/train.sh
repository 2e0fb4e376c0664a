#!/bin/sh
set -e
wandb login 89c5b430f4cd13c5ff1dbc610951c4a0f3cb4f4b
python train.py --epochs 3
