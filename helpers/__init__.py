"""Helpers for the tutorial notebooks (dataset import, solutions, campaigns, PutEvents, clean-up).

They arrive with the tutorial-suite issue (#4); until then the end-to-end demo lives in
`personalize_emulator.demo`.
"""
