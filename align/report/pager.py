"""Paging long output without losing its colours.

Python's default pager runs plain ``less``, which prints escape codes as
``ESC[1m`` garbage; ``less -R`` passes colours through.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess

from rich.pager import Pager

DEFAULT_PAGER = "less -R"


def pager_command() -> str | None:
    """The user's $PAGER, else ``less -R``; None when neither can be run."""
    command = os.environ.get("PAGER") or DEFAULT_PAGER
    words = shlex.split(command)
    return command if words and shutil.which(words[0]) else None


class CommandPager(Pager):
    """Feeds rendered output to a pager program and waits for the reader to quit it."""

    def __init__(self, command: str) -> None:
        self.command = command

    def show(self, content: str) -> None:
        process = subprocess.Popen(self.command, shell=True, stdin=subprocess.PIPE, text=True, errors="backslashreplace")
        try:
            with process.stdin:  # type: ignore[union-attr]
                process.stdin.write(content)  # type: ignore[union-attr]
        except OSError:
            pass  # the reader quit before reaching the end
        while True:
            try:
                process.wait()
                return
            except KeyboardInterrupt:
                continue  # Ctrl-C belongs to the pager; leaving now would wreck the terminal
