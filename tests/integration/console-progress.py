"""wscheck's console as a user sees it, against wscheck-mock: on a terminal
(a pseudo-terminal here) the status line of the running test, redrawn in
place and cleared before every result line; nothing of it when the output
is not a terminal or with --progress never, but a "still running" line for a
long test; colours by --color, NO_COLOR and FORCE_COLOR; -v debug lines and
-vv frame lines labelled with their test."""
import importlib.util
import json
import os
import re
import select
import subprocess
import tempfile
import time

spec = importlib.util.spec_from_file_location(
    "mocklib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mock-lib.py"))
lib = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lib)

WSCHECK = os.environ["WSCHECK"]
TMP = tempfile.mkdtemp(prefix="wscheck-console-test.")
SGR = re.compile(rb"\x1b\[[0-9;]*m")
CLEAR = b"\r\x1b[K"
RESULT = re.compile(r"^(PASS|FAIL|ERROR|SKIP) ")
LIMIT = 60  # seconds any one run may take before it is stopped


def conversation(name, steps):
    return {"name": name, "plugin": "ws-basic", "check": "conversation", "timeout": 10,
            "params": {"url": "${url}", "steps": steps}}


def scenario(path, suite, slow_seconds):
    """A passing test, a slow one (the mock delays its reply), a failing one."""
    tests = [
        conversation("ping", [{"expect": {"type": "welcome"}},
                              {"send": {"type": "ping"}}, {"expect": {"type": "pong"}}]),
        conversation("slow", [{"expect": {"type": "welcome"}},
                              {"send": {"type": "simulate_delay",
                                        "delay_seconds": slow_seconds}},
                              {"expect": {"type": "delay_completed"},
                               "within": slow_seconds + 3}]),
        conversation("wrong", [{"expect": {"type": "welcome"}},
                               {"send": {"type": "ping"}}, {"expect": {"type": "echo"}}]),
    ]
    with open(path, "w") as f:
        json.dump({"name": suite, "vars": {"url": "ws://127.0.0.1:1"}, "tests": tests}, f)
    return path


def run(args, tty, env=None):
    """Runs wscheck with stdout and stderr on a pseudo-terminal (tty) or on a
    pipe; returns (exit status, every byte written)."""
    full_env = dict(os.environ)
    for name in ("NO_COLOR", "FORCE_COLOR", "WSCHECK_STILL_RUNNING_PERIOD"):
        full_env.pop(name, None)
    full_env["TERM"] = "xterm"
    full_env.update(env or {})
    if tty:
        master, slave = os.openpty()
        proc = subprocess.Popen([WSCHECK] + args, stdin=subprocess.DEVNULL, stdout=slave,
                                stderr=slave, env=full_env)
        os.close(slave)
        reader = master
    else:
        proc = subprocess.Popen([WSCHECK] + args, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=full_env)
        reader = proc.stdout.fileno()
    data = b""
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        ready, _, _ = select.select([reader], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(reader, 65536)
        except OSError:  # EIO: the terminal's last writer has gone
            chunk = b""
        if not chunk:
            break
        data += chunk
    if proc.poll() is None and time.monotonic() >= deadline:
        proc.kill()
    rc = proc.wait()
    if tty:
        os.close(master)
    else:
        proc.stdout.close()
    return rc, data


def screen(data):
    """What a terminal shows at the end: carriage returns, clear-to-end-of-
    line and newlines applied, colours dropped."""
    lines, line, col = [], "", 0
    text = SGR.sub(b"", data).decode("utf-8", "replace")
    i = 0
    while i < len(text):
        if text.startswith("\x1b[K", i):
            line = line[:col]
            i += 3
            continue
        c = text[i]
        i += 1
        if c == "\r":
            col = 0
        elif c == "\n":
            lines.append(line)
            line, col = "", 0
        else:
            line = line[:col] + c + line[col + 1:]
            col += 1
    if line:
        lines.append(line)
    return lines


def status_lines(data):
    """The status lines drawn: the text after each clear-line up to the
    next control character."""
    return [m.decode("utf-8", "replace")
            for m in re.findall(rb"\r\x1b\[K([^\r\n\x1b]+)", SGR.sub(b"", data))]


def test_terminal(t, files, url):
    """The status line on a terminal, cleared before each result line."""
    rc, out = run(["run", "--var", "url=" + url, files[0]], tty=True)
    t.eq(rc, 1, "terminal: exit status 1 (one test failed)")
    drawn = status_lines(out)
    t.ok(any("running: progress \u203a slow" in s for s in drawn),
         "terminal: the status line names the running test", out)
    t.ok(any(re.search(r"^\d+ passed.* \u00b7 running: .*\(\d+\.\d s\)", s) for s in drawn),
         "terminal: the status line has the counts so far and the test's elapsed time",
         drawn)
    shown = screen(out)
    t.ok(not any("running:" in s for s in shown),
         "terminal: no status line is left on the screen", shown)
    t.eq([s.split("  (")[0] for s in shown if RESULT.match(s)],
         ["PASS   progress \u203a ping", "PASS   progress \u203a slow",
          "FAIL   progress \u203a wrong"],
         "terminal: the result lines are whole, each on its own line")
    t.ok(re.match(r"^2 passed, 1 failed, 0 errors, 0 skipped in ", shown[-1]),
         "terminal: the summary is the last line", shown)
    t.ok(SGR.search(out), "terminal: PASS and FAIL are coloured", out)

    rc, out = run(["run", "--progress", "never", "--var", "url=" + url, files[0]], tty=True)
    t.ok(rc == 1 and b"\x1b[K" not in out and b"running" not in out and b"\r\n" in out,
         "--progress never: no status line on a terminal", out)


def test_jobs(t, files, url):
    """--jobs 2: the parent names how many tests run, and one of them."""
    rc, out = run(["run", "--jobs", "2", "--var", "url=" + url] + files, tty=True)
    t.eq(rc, 1, "--jobs 2 on a terminal: exit status 1")
    drawn = status_lines(out)
    t.ok(any(re.search(r"2 running: (progress|second) \u203a slow \(.*\) and 1 more", s)
             for s in drawn), "--jobs 2: the status line says two tests run", drawn)
    shown = screen(out)
    results = [s for s in shown if RESULT.match(s)]
    t.ok(len(results) == 6, "--jobs 2: six whole result lines", shown)
    t.ok(not any("running:" in s for s in shown),
         "--jobs 2: no status line is left on the screen", shown)


def test_not_a_terminal(t, files, url):
    rc, out = run(["run", "--var", "url=" + url, files[0]], tty=False)
    t.ok(rc == 1 and b"\r" not in out and b"\x1b" not in out and b"running" not in out,
         "pipe: no status line, no colours, no still-running line for a short test", out)

    env = {"WSCHECK_STILL_RUNNING_PERIOD": "0.2"}
    rc, out = run(["run", "--var", "url=" + url, files[0]], tty=False, env=env)
    lines = out.decode().splitlines()
    still = [i for i, s in enumerate(lines)
             if re.match(r"^still running: progress \u203a slow \(\d+\.\d s\)$", s)]
    done = [i for i, s in enumerate(lines) if s.startswith("PASS   progress \u203a slow")]
    t.ok(still and done and max(still) < done[0] and b"\r" not in out,
         "pipe: a long test is named in whole 'still running' lines while it runs", out)
    rc, out = run(["run", "--progress", "never", "--var", "url=" + url, files[0]],
                  tty=False, env=env)
    t.ok(rc == 1 and b"still running" not in out,
         "pipe: --progress never: no still-running line", out)

    rc, out = run(["run", "--progress", "always", "--var", "url=" + url, files[0]],
                  tty=False)
    t.ok(any("running: progress \u203a slow" in s for s in status_lines(out)) and
         not any("running:" in s for s in screen(out)),
         "pipe: --progress always draws the status line and clears it", out)

    rc, out = run(["run", "--progress", "sometimes", files[0]], tty=False)
    t.ok(rc == 2 and b"--progress must be auto, always or never, got: sometimes" in out,
         "--progress with a bad value: a usage error naming it", out)
    rc, out = run(["run", "--color", "blue", files[0]], tty=False)
    t.ok(rc == 2 and b"--color must be auto, always or never, got: blue" in out,
         "--color with a bad value: a usage error naming it", out)


def test_colours(t, files, url):
    # the quick tests only: one passes, one fails
    base = ["run", "--progress", "never", "--filter", "ping", "--filter", "wrong", "--var",
            "url=" + url, files[0]]
    cases = [
        ("terminal, NO_COLOR=1: no colours", True, [], {"NO_COLOR": "1"}, False),
        ("terminal, NO_COLOR empty: colours", True, [], {"NO_COLOR": ""}, True),
        ("terminal, --color never: no colours", True, ["--color", "never"], {}, False),
        ("terminal, --no-color: no colours", True, ["--no-color"], {}, False),
        ("pipe, FORCE_COLOR=1: colours", False, [], {"FORCE_COLOR": "1"}, True),
        ("pipe, FORCE_COLOR=0: no colours", False, [], {"FORCE_COLOR": "0"}, False),
        ("pipe, NO_COLOR wins over FORCE_COLOR", False, [],
         {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ("pipe, --color always: colours", False, ["--color", "always"], {}, True),
        ("pipe, --color always wins over NO_COLOR", False, ["--color=always"],
         {"NO_COLOR": "1"}, True),
        ("terminal, --color never wins over FORCE_COLOR", True, ["--color", "never"],
         {"FORCE_COLOR": "1"}, False),
    ]
    for desc, tty, opts, env, coloured in cases:
        rc, out = run(base[:1] + opts + base[1:], tty=tty, env=env)
        has = re.search(rb"\x1b\[32mPASS", out) is not None and \
            re.search(rb"\x1b\[1;31m1 passed, 1 failed", out) is not None
        t.ok(rc == 1 and has == coloured and (coloured or b"\x1b[" not in out), desc, out)


def test_verbose(t, files, url):
    rc, out = run(["run", "-v", "--var", "url=" + url, files[0]], tty=False)
    text = out.decode()
    t.ok(re.search(r"^  \[progress \u203a slow\] debug: step 1 \(send\)$", text, re.M),
         "-v: debug lines are labelled with their test", text)
    t.ok("\u2192" not in text and "\u2190" not in text, "-v: no frame lines", text)

    rc, out = run(["run", "-vv", "--var", "url=" + url, files[0]], tty=False)
    text = out.decode()
    t.ok(re.search(r'^  \[progress \u203a slow\] \u2192 text \d+ B '
                   r'\{"type":"simulate_delay","delay_seconds":1\}$', text, re.M),
         "-vv: a sent frame, labelled, with its size and data", text)
    t.ok(re.search(r'^  \[progress \u203a wrong\] \u2190 text \d+ B \{"type":"pong"', text,
                   re.M), "-vv: a received frame, labelled", text)
    lines = text.splitlines()
    sent = [i for i, s in enumerate(lines) if "\u2192 text" in s and "simulate_delay" in s]
    done = [i for i, s in enumerate(lines) if s.startswith("PASS   progress \u203a slow")]
    t.ok(sent and done and sent[0] < done[0],
         "-vv: frames are printed as they go, before their test's result line", text)
    rc, out = run(["run", "--verbose", "--verbose", "--var", "url=" + url, files[0]],
                  tty=False)
    t.ok("\u2192 text" in out.decode(), "--verbose twice is -vv", out)

    rc, out = run(["run", "-vv", "--var", "url=" + url, files[0]], tty=True)
    shown = screen(out)
    t.ok(any("running:" in s for s in status_lines(out)) and
         not any("running:" in s for s in shown) and
         any(re.match(r"^  \[progress \u203a slow\] \u2190 text \d+ B ", s) for s in shown),
         "-vv on a terminal: frame lines replace the status line, never mix with it",
         shown)


def test_redacted(t):
    """-vv prints the trace entry as stored: a registered secret is redacted."""
    path = os.path.join(TMP, "secret.json")
    with open(path, "w") as f:
        json.dump({"name": "secret", "tests": [
            {"name": "token", "plugin": "testkit", "check": "secret",
             "params": {"token": "tok-5ecret-42"}}]}, f)
    env = {"WSCHECK_PLUGIN_PATH":
           os.path.join(os.environ["top_builddir"], "tests", "plugins", ".libs")}
    rc, out = run(["run", "-vv", path], tty=False, env=env)
    t.ok(rc == 1 and re.search(rb"^  \[secret \xe2\x80\xba token\] \xe2\x86\x92 http 13 B \*\*\*$",
                               out, re.M) and b"tok-5ecret-42" not in out,
         "-vv: a frame carrying a secret is printed redacted", out)


async def main(t):
    mock = lib.Mock(mcp=False)
    files = [scenario(os.path.join(TMP, "progress.json"), "progress", 1),
             scenario(os.path.join(TMP, "second.json"), "second", 2)]
    test_terminal(t, files, mock.url)
    test_jobs(t, files, mock.url)
    test_not_a_terminal(t, files, mock.url)
    test_colours(t, files, mock.url)
    test_verbose(t, files, mock.url)
    test_redacted(t)
    t.eq(mock.stop(), 0, "the mock exits 0 on SIGTERM")


lib.run(main)
