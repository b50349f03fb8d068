"""Runs a command on a pseudo-terminal, as a person at a terminal would,
and keeps everything it writes there. Standard library only.

    pty_run.py [--cols N] [--timeout S] [--interrupt-on REGEX] OUT -- CMD...

The command's standard input, output and error are the terminal (of N
columns, default 100). Its output goes to the file OUT byte for byte
(escape sequences included; the terminal turns "\\n" into "\\r\\n").
--interrupt-on sends SIGINT to the command, once, when its output first
matches REGEX, as Ctrl-C would. After --timeout seconds (default 60) the
command is killed and the exit status is 124; otherwise it is the
command's (128 + N when a signal N ended it).
"""
import argparse
import fcntl
import os
import re
import select
import signal
import struct
import sys
import termios
import time


def spawn(cmd, cols):
    pid, fd = os.forkpty()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    return pid, fd


def read_all(pid, fd, out, deadline, interrupt_on):
    """Copies the terminal's output to out until it closes; False on timeout."""
    seen = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], min(left, 0.2))
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the command and its children closed the terminal
            return True
        if not data:
            return True
        out.write(data)
        out.flush()
        if interrupt_on is not None:
            seen += data
            if interrupt_on.search(seen):
                os.kill(pid, signal.SIGINT)
                interrupt_on = None


def main():
    p = argparse.ArgumentParser(description="run a command on a pseudo-terminal")
    p.add_argument("--cols", type=int, default=100)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--interrupt-on")
    p.add_argument("out")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    opts = p.parse_args()
    cmd = opts.cmd[1:] if opts.cmd[:1] == ["--"] else opts.cmd
    if not cmd:
        p.error("no command given")
    pattern = re.compile(opts.interrupt_on.encode()) if opts.interrupt_on else None
    pid, fd = spawn(cmd, opts.cols)
    with open(opts.out, "wb") as out:
        finished = read_all(pid, fd, out, time.monotonic() + opts.timeout, pattern)
    if not finished:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        print(f"pty_run: {cmd[0]} did not end within {opts.timeout:g} s", file=sys.stderr)
        return 124
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else \
        128 + os.WTERMSIG(status)


if __name__ == "__main__":
    sys.exit(main())
