"""Lane "newest": a real `hass` process of the newest Home Assistant, run by scripts/test-newest.

It runs in the chroot venv of requirements_newest.txt, which has Home Assistant but not the
test plugin; the other lanes deselect its tests (marker `newest`).
"""
