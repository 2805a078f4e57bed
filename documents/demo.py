"""Demo data of documents: a visa letter request waiting in the organisers' queue
(documents/visa/demo.py)."""

from gmc.demo_loading import demo_loader

from .visa import demo as visa_demo


@demo_loader("documents", after=["gmc", "registration"])
def load(stdout) -> None:
    visa_demo.load(stdout)
