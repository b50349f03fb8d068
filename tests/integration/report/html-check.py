"""Checks an HTML report of `wscheck report --html`: self-contained (no
script, no URL outside text), well-formed (XML parser and html.parser),
every expected text present, and, when chromium is installed, rendered in
headless Chromium: the screenshot is not blank and the DOM Chromium built
holds the expected texts.

Usage: html-check.py FILE.html SCRATCH_DIR TEXT... ; prints a line per
case, "pass DESCRIPTION" or "fail DESCRIPTION", and "# ..." diagnostics;
the calling script turns them into its TAP cases."""
import html.parser
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

failed = 0


def case(ok, what, why=""):
    global failed
    failed += not ok
    print(("pass" if ok else "fail"), what)
    if not ok and why:
        for line in str(why).splitlines()[:20]:
            print("#", line)


class Collect(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text, self.style = [], [], [], []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [v or "" for _, v in attrs]
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        (self.style if self.in_style else self.text).append(data)


def png_colours(path):
    """The number of distinct pixel colours of an 8-bit RGB(A) PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "not 8-bit RGB(A)"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), w * bpp
    prev, colours = bytearray(stride), set()
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        if y % 4 == 0:
            colours.update(bytes(line[i:i + 3]) for i in range(0, stride, bpp * 2))
        prev = line
    return len(colours)


def main():
    path, scratch, texts = sys.argv[1], sys.argv[2], sys.argv[3:]
    doc = open(path, encoding="utf-8").read()
    case("<script" not in doc.lower(), "no <script")
    p = Collect()
    p.feed(doc)
    p.close()
    urls = [v for v in p.attrs if "http:" in v or "https:" in v or "//" in v]
    case(not urls, "no URL in any attribute", urls)
    style = "".join(p.style)
    case("url(" not in style and "@import" not in style and "http" not in style,
         "the inline style loads nothing")
    case(not {"script", "link", "img", "iframe", "object", "embed"} & set(p.tags),
         "no element that loads anything")
    try:
        ET.fromstring(doc.split("\n", 1)[1])
        case(True, "well-formed markup (XML parser)")
    except ET.ParseError as e:
        case(False, "well-formed markup (XML parser)", e)
    text = " ".join(p.text)
    missing = [t for t in texts if t not in text]
    case(not missing, "every expected text is in the page's text", missing)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        case(True, "rendering in headless Chromium: skipped, chromium is not installed")
        return
    env = dict(os.environ, HOME=scratch)
    base = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
            "--user-data-dir=" + os.path.join(scratch, "profile"), "--window-size=1280,2000"]
    url = "file://" + os.path.abspath(path)
    shot = os.path.join(scratch, "shot.png")
    r = subprocess.run(["timeout", "60"] + base + ["--screenshot=" + shot, url], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    case(r.returncode == 0 and os.path.exists(shot), "chromium takes a screenshot",
         r.stdout.decode(errors="replace")[-2000:])
    if os.path.exists(shot):
        colours = png_colours(shot)
        case(colours >= 6, "the screenshot is not blank (%d colours)" % colours)
    r = subprocess.run(["timeout", "60"] + base + ["--dump-dom", url], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    dom = r.stdout.decode(errors="replace")
    missing = [t for t in texts if html.escape(t, quote=False) not in dom]
    case(r.returncode == 0 and not missing, "Chromium's DOM holds every expected text", missing)
    case(dom.count("<svg") >= 2 and "<script" not in dom, "the DOM has the SVG charts and no script")


main()
sys.exit(1 if failed else 0)
