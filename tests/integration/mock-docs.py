"""wscheck-mock(1) documents the error replies the server sends: each
{"type":"error","error":"TEXT ..."} of the rendered page (as a reader sees
it, after groff) is checked against what the mock answers to a message
that is not JSON and to a message of an unknown type."""
import importlib.util
import os
import re
import shutil
import subprocess

spec = importlib.util.spec_from_file_location(
    "mocklib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mock-lib.py"))
lib = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lib)

PAGE = os.path.join(os.environ["top_srcdir"], "docs", "wscheck-mock.1")


def rendered_page():
    """The page as text, lines joined (hyphenation and adjustment off)."""
    out = subprocess.run(["groff", "-man", "-Tutf8", "-P-c", "-rHY=0", "-dAD=l", PAGE],
                         capture_output=True, check=True, env=dict(os.environ, LC_ALL="C.UTF-8"))
    text = re.sub(r".\x08", "", out.stdout.decode("utf-8"))
    return " ".join(text.split())


def documented_errors(text):
    """The documented texts before the "..." of each error reply."""
    return re.findall(r'\{"type":"error","error":"([^"]*?) ?\.\.\."\}', text)


async def main(t):
    docs = documented_errors(rendered_page())
    t.ok(len(docs) == 2, "the page documents two error replies", docs)
    mock = lib.Mock(mcp=False)
    ws, _ = await lib.connect_client(mock)
    sent = []
    for msg in ["not json", '{"type":"nope"}']:
        sent.append((await lib.request(ws, msg))["error"])
    await ws.close()
    for doc, got in zip(docs, sent):
        t.ok(got.startswith(doc + " ") and got != doc + " ",
             "documented %r is what the server sends (%r)" % (doc, got))
    t.eq(mock.stop(), 0, "the mock exits 0 on SIGTERM")


if not shutil.which("groff"):
    lib.skip_all("groff is not installed")
lib.run(main)
