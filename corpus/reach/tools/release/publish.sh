#!/usr/bin/env bash
# Publishes the CLI to the public registries after a tag.
export NPM_TOKEN=npm_8AP8JxBMgevWOfXLzX6BCg7KCVuUlOXYP9K3
export TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmcVefiI8U6fe5Xr4nd-f7vruVzGN28H_5_dkfqHlK1dTJHQEV9lMpd--OaLkOtGiGaSof96Yf2svW_EpVNmwEKGnfvDjVmDdtLwDB8GnM7_z4z6kKuKYWmiQCN
npm publish && twine upload dist/*
