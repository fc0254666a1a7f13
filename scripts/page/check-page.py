#!/usr/bin/env python3
"""Drives the page at GET / in headless Chromium over the Chrome DevTools Protocol, against a running
ser-server, and checks what a person would see.

    .venv/bin/python scripts/page/check-page.py --url http://127.0.0.1:PORT --part upload \
        --stereo examples/call-8k-mulaw-stereo.wav [--api-key KEY] [--screenshot out.png]
    .venv/bin/python scripts/page/check-page.py --url http://127.0.0.1:PORT --part microphone \
        --mic-wav examples/speech.wav [--api-key KEY]

upload: loads the page, uploads the stereo call as a person would (the file input), waits for the
result and checks it: the overall label is the one the API gives for the same file, two channel
timelines with a block per segment, the talk figures of each channel and the conversation block.
With a key, it first uploads without one and checks that the page shows the API's `unauthorized`
error word for word, then enters the key. It uploads a text file and checks that the page shows
`not_audio` with the API's own message. It takes a screenshot and checks that it is not blank.

microphone: Chromium's fake capture device plays --mic-wav in a loop; presses "Start microphone",
waits for segment blocks to appear, presses Stop and waits for the summary. Exits 77 (skipped) when
the server answers 404 on /v1/stream.

Only 127.0.0.1 is contacted: Chromium runs with background networking off and a resolver that
resolves no name. Exit status 0 when every check passed, 1 with the failures listed otherwise.
"""
import argparse
import asyncio
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib

import websockets

SEVEN = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
SKIPPED = 77


class Failures:
    def __init__(self):
        self.items = []

    def check(self, condition, what):
        print(("ok    " if condition else "FAIL  ") + what, flush=True)
        if not condition:
            self.items.append(what)


# ---- Chrome DevTools Protocol ------------------------------------------------------------------

class CDP:
    """A minimal CDP client on one page target: commands by id, events kept for those who wait."""

    def __init__(self, socket):
        self.socket = socket
        self.next_id = 0
        self.pending = {}
        self.events = []
        self.waiters = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        async for raw in self.socket:
            message = json.loads(raw)
            if "id" in message:
                future = self.pending.pop(message["id"], None)
                if future and not future.done():
                    future.set_result(message)
            else:
                self.events.append(message)
                for method, future in list(self.waiters):
                    if message.get("method") == method and not future.done():
                        future.set_result(message)

    async def send(self, method, **params):
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        try:
            reply = await asyncio.wait_for(future, 30)
        except asyncio.TimeoutError:
            raise RuntimeError(f"{method}: no answer from Chromium within 30 s") from None
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def wait_event(self, method, timeout=30):
        future = asyncio.get_running_loop().create_future()
        self.waiters.append((method, future))
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self.waiters.remove((method, future))

    async def evaluate(self, expression, user_gesture=False):
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True,
                                 userGesture=user_gesture)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression, timeout, what):
        """Polls `expression` in the page until it is truthy; returns its value, or None after timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.2)
        print(f"timed out after {timeout} s waiting for {what}", flush=True)
        return None

    def console_problems(self):
        """Console errors, uncaught exceptions and CSP reports seen so far."""
        problems = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                problems.append(json.dumps(params.get("exceptionDetails", {}))[:400])
            elif method == "Log.entryAdded":
                entry = params.get("entry", {})
                text = entry.get("text", "")
                # A failed fetch of the page's own requests (401, 400) is expected in these checks.
                if entry.get("level") == "error" and "the server responded with a status of" not in text:
                    problems.append(text[:400])
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                problems.append("request failed: " + params.get("errorText", "?"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                problems.append(json.dumps(params.get("args", []))[:400])
        return problems


def launch_chromium(chromium, profile, mic_wav):
    arguments = [
        chromium, "--headless=new", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
        "--disable-extensions", "--disable-sync", "--disable-features=Translate,OptimizationHints,MediaRouter",
        "--metrics-recording-only", "--mute-audio", "--password-store=basic", "--use-mock-keychain",
        # Names resolve to nothing, so nothing but 127.0.0.1 can be reached.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1280,900",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    ]
    if mic_wav:
        arguments.append(f"--use-file-for-fake-audio-capture={mic_wav}")
    if os.geteuid() == 0:
        arguments.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    arguments.append("about:blank")
    # Its chatter goes to a file in the profile (a pipe nobody reads would fill and stall it).
    log = open(os.path.join(profile, "chromium.log"), "wb")
    process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if os.path.exists(port_file):
            lines = open(port_file).read().split("\n")
            if len(lines) >= 2 and lines[0].strip():
                return process, int(lines[0])
        if process.poll() is not None:
            raise RuntimeError("chromium exited: " + chromium_log(profile))
        time.sleep(0.1)
    raise RuntimeError("chromium did not open its DevTools port within 30 s")


def chromium_log(profile):
    try:
        return open(os.path.join(profile, "chromium.log"), errors="replace").read()[-3000:]
    except OSError:
        return ""


def stop_chromium(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def open_page(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
        targets = json.load(response)
    page = next(t for t in targets if t.get("type") == "page")
    socket = await websockets.connect(page["webSocketDebuggerUrl"], max_size=64 * 1024 * 1024)
    cdp = CDP(socket)
    for domain in ["Page", "Runtime", "Log", "DOM", "Network"]:
        await cdp.send(f"{domain}.enable")
    await cdp.send("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    return cdp


async def navigate(cdp, url):
    loaded = asyncio.ensure_future(cdp.wait_event("Page.loadEventFired"))
    await cdp.send("Page.navigate", url=url)
    await loaded


async def choose_file(cdp, path):
    document = await cdp.send("DOM.getDocument")
    node = await cdp.send("DOM.querySelector", nodeId=document["root"]["nodeId"], selector="#file")
    await cdp.send("DOM.setFileInputFiles", nodeId=node["nodeId"], files=[os.path.abspath(path)])


async def click(cdp, selector):
    """A real mouse click in the middle of the element (a user gesture, as getUserMedia wants)."""
    box = await cdp.evaluate(f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
                             " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
    for kind in ["mousePressed", "mouseReleased"]:
        await cdp.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)


async def set_field(cdp, selector, value):
    await cdp.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.value = {json.dumps(value)};"
                       " e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); })()")


# ---- talking to the API directly, for the expected answers -------------------------------------

def api(method, url, body=None, content_type=None, key=None):
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    if key:
        request.add_header("Authorization", "Bearer " + key)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


# ---- PNG: enough of a decoder to look at the screenshot's pixels -------------------------------

def png_pixels(data):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat = 8, b""
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(chunk[0:4], "big"), int.from_bytes(chunk[4:8], "big")
            depth, color_type, interlace = chunk[8], chunk[9], chunk[12]
            assert depth == 8 and color_type in (2, 6) and interlace == 0, f"unexpected PNG format {chunk[8:13]!r}"
            channels = 4 if color_type == 6 else 3
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b, c = previous[i], (previous[i - channels] if i >= channels else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def screenshot_statistics(png):
    """Distinct colours (of RGB quantised to 4 bits each) and the share of pixels that are not white."""
    width, height, channels, rows = png_pixels(png)
    colours, coloured = set(), 0
    for row in rows:
        for x in range(0, width * channels, channels):
            r, g, b = row[x], row[x + 1], row[x + 2]
            colours.add((r >> 4, g >> 4, b >> 4))
            if r < 240 or g < 240 or b < 240:
                coloured += 1
    return width, height, len(colours), coloured / (width * height)


async def screenshot(cdp, path, failures):
    height = await cdp.evaluate("Math.min(2200, Math.ceil(document.documentElement.scrollHeight))")
    shot = await cdp.send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1})
    png = base64.b64decode(shot["data"])
    with open(path, "wb") as file:
        file.write(png)
    width, height, colours, coloured = screenshot_statistics(png)
    print(f"      screenshot {path}: {width}x{height}, {len(png)} bytes, {colours} colours, {coloured:.1%} not white", flush=True)
    failures.check(width == 1280 and height > 600, "the screenshot has the page's size")
    failures.check(colours >= 12, "the screenshot has the label colours (at least 12 distinct colours)")
    failures.check(0.03 < coloured < 0.9, "the screenshot is neither blank nor one colour")


# ---- the checks --------------------------------------------------------------------------------

async def check_upload(cdp, base, args, failures):
    await navigate(cdp, base + "/")
    failures.check(await cdp.evaluate("document.title") == "Speech emotion recognition", "the page loads with its title")
    query = "segment=2&channels=split&roles=agent%2Ccustomer"
    stereo = open(args.stereo, "rb").read()
    await set_field(cdp, "#roles", "agent,customer")
    await set_field(cdp, "#segment", "2")

    if args.api_key:
        await set_field(cdp, "#key", "")
        status, _, body = api("POST", f"{base}/v1/predict?{query}", stereo, "audio/wav")
        expected = json.loads(body)["error"]
        await choose_file(cdp, args.stereo)
        shown = await cdp.wait_for("!document.getElementById('error').hidden && document.getElementById('error').textContent", 30, "the 401 error")
        failures.check(status == 401 and shown is not None and expected["code"] in shown and expected["message"] in shown,
                       f"without the key the page shows the API's error verbatim ({expected['code']}: {expected['message']!r}; shown {shown!r})")
        await set_field(cdp, "#key", args.api_key)
        failures.check(await cdp.evaluate("localStorage.getItem('ser.apiKey')") == args.api_key, "the key is kept in localStorage")
        await cdp.evaluate("document.getElementById('again').click()")
    else:
        await choose_file(cdp, args.stereo)

    done = await cdp.wait_for("document.getElementById('status').textContent.startsWith('Analysed') && document.getElementById('status').textContent", 90, "the result")
    failures.check(done is not None, f"the upload is analysed ({done!r})")
    error = await cdp.evaluate("document.getElementById('error').hidden ? '' : document.getElementById('error').textContent")
    failures.check(not error, f"no error is shown after the upload ({error!r})")

    status, _, body = api("POST", f"{base}/v1/predict?{query}", stereo, "audio/wav", args.api_key)
    answer = json.loads(body)
    failures.check(status == 200, "the API answers the same upload directly")
    label = await cdp.evaluate("document.getElementById('overall-label').textContent")
    failures.check(label == answer["overall"]["label"] and label in SEVEN, f"the overall label is the API's ({label!r} vs {answer['overall']['label']!r})")
    text = await cdp.evaluate("document.body.innerText")
    timelines = await cdp.evaluate("document.querySelectorAll('svg.timeline').length")
    failures.check(timelines == 2, f"two channel timelines for the stereo call ({timelines})")
    blocks = await cdp.evaluate("[...document.querySelectorAll('svg.timeline')].map(s => s.querySelectorAll('rect.seg').length)")
    expected_blocks = [len(c["segments"]) for c in answer["channels"]]
    failures.check(blocks == expected_blocks, f"one block per segment ({blocks} vs {expected_blocks})")
    grey = await cdp.evaluate("document.querySelectorAll('rect.seg[data-label=none]').length")
    silent = sum(1 for c in answer["channels"] for s in c["segments"] if not s["speech"])
    failures.check(grey == silent, f"segments without speech are grey blocks ({grey} vs {silent})")
    lines = await cdp.evaluate("document.querySelectorAll('path.valence').length")
    failures.check(lines == 2, f"a valence line over each timeline ({lines})")
    legend = await cdp.evaluate("document.getElementById('legend').innerText")
    failures.check(all(name in legend for name in SEVEN + ["no speech", "valence"]), "the legend names the seven labels, no speech and valence")
    for channel in answer["channels"]:
        talk = f"{channel['conversation']['talk_s']:.1f} s"
        failures.check(f"Channel {channel['index']} · {channel['role']}" in text, f"channel {channel['index']} is headed with its role")
        failures.check(talk in text, f"channel {channel['index']}'s talk time {talk} is shown")
    for word in ["Talk", "Silence", "Turns", "Speech rate", "Loudness", "Pitch", "Talk ratio", "Overlap", "Interruptions", "Response gap"]:
        failures.check(word in text, f"the page shows {word!r}")
    ratio = answer["conversation"]["talk_ratio"][0]
    failures.check(f"{ratio['role']} {int(ratio['ratio'] * 100 + 0.5)}%" in text, "the talk ratio is shown per role")
    bars = await cdp.evaluate("document.querySelectorAll('#overall .fill').length")
    failures.check(bars == len(answer["labels"]), f"a probability bar per label ({bars})")

    if args.screenshot:
        await screenshot(cdp, args.screenshot, failures)

    # An upload that is not audio: the page shows the API's own error.
    junk = os.path.join(tempfile.mkdtemp(prefix="ser-page-"), "notes.txt")
    with open(junk, "w") as file:
        file.write("These are meeting notes, not audio.\n" * 20)
    status, _, body = api("POST", f"{base}/v1/predict?{query}", open(junk, "rb").read(), "application/octet-stream", args.api_key)
    expected = json.loads(body)["error"]
    await choose_file(cdp, junk)
    shown = await cdp.wait_for("!document.getElementById('error').hidden && document.getElementById('error').textContent", 30, "the not_audio error")
    failures.check(status == 400 and expected["code"] == "not_audio", "the API calls a text file not_audio")
    failures.check(shown is not None and "not_audio" in shown and expected["message"] in shown,
                   f"the page shows not_audio with the API's message ({shown!r})")
    shutil.rmtree(os.path.dirname(junk), ignore_errors=True)


async def check_microphone(cdp, base, args, failures):
    status, _, _ = api("GET", f"{base}/v1/stream", key=args.api_key)
    if status == 404:
        print("SKIP  /v1/stream not available (the server answers 404): the microphone part was not run", flush=True)
        return SKIPPED
    await navigate(cdp, base + "/")
    if args.api_key:
        await set_field(cdp, "#key", args.api_key)
    await set_field(cdp, "#segment", "2")
    await set_field(cdp, "#roles", "agent,customer")  # one channel: the page sends the first role only
    await click(cdp, "#mic-start")
    ready = await cdp.wait_for("document.getElementById('mic-info').textContent.startsWith('Sent') && document.getElementById('mic-info').textContent", 20, "audio to be sent")
    failures.check(ready is not None, f"the microphone streams ({ready!r})")
    blocks = await cdp.wait_for("document.querySelectorAll('svg.timeline rect.seg').length >= 2 && document.querySelectorAll('svg.timeline rect.seg').length", 40, "two segments")
    failures.check(blocks is not None, f"segment blocks appear while streaming ({blocks})")
    rows = await cdp.evaluate("document.querySelectorAll('tr.segment-row').length")
    failures.check(rows >= 2, f"segment rows appear while streaming ({rows})")
    await click(cdp, "#mic-stop")
    done = await cdp.wait_for("document.getElementById('status').textContent.startsWith('Stream finished') && document.getElementById('status').textContent", 30, "the summary")
    failures.check(done is not None, f"after Stop the summary arrives ({done!r})")
    error = await cdp.evaluate("document.getElementById('error').hidden ? '' : document.getElementById('error').textContent")
    failures.check(not error, f"no error is shown after the stream ({error!r})")
    text = await cdp.evaluate("document.body.innerText")
    label = await cdp.evaluate("(document.getElementById('overall-label') || {}).textContent")
    failures.check(label in SEVEN + ["no speech"], f"the summary's overall label is shown ({label!r})")
    failures.check("Talk" in text and "Turns" in text, "the summary shows the channel's talk figures")
    failures.check("Channel 0 · agent" in text, "the microphone's channel is headed with the first role")
    timelines = await cdp.evaluate("document.querySelectorAll('svg.timeline').length")
    failures.check(timelines == 1, f"one timeline for the mono microphone ({timelines})")
    buttons = await cdp.evaluate("[document.getElementById('mic-start').disabled, document.getElementById('mic-stop').disabled]")
    failures.check(buttons == [False, True], f"the microphone can be started again ({buttons})")
    if args.screenshot:
        await screenshot(cdp, args.screenshot, failures)
    return 0


async def main_async(args):
    base = args.url.rstrip("/")
    failures = Failures()
    profile = tempfile.mkdtemp(prefix="ser-page-chromium-")
    process, port = launch_chromium(args.chromium, profile, os.path.abspath(args.mic_wav) if args.mic_wav else None)
    outcome = 0
    try:
        cdp = await open_page(port)
        status, headers, _ = api("GET", base + "/")
        failures.check(status == 200 and headers.get("Content-Type") == "text/html; charset=utf-8", "GET / is an HTML page")
        if args.part == "upload":
            await check_upload(cdp, base, args, failures)
        else:
            outcome = await check_microphone(cdp, base, args, failures)
        problems = cdp.console_problems()
        failures.check(not problems, "no script errors or Content-Security-Policy reports in the console" + ("".join("\n      " + p for p in problems)))
        cdp.reader.cancel()
        await cdp.socket.close()
    except Exception:
        print("chromium's log ends with:\n" + chromium_log(profile), flush=True)
        raise
    finally:
        stop_chromium(process)
        shutil.rmtree(profile, ignore_errors=True)
    if failures.items:
        print(f"{len(failures.items)} check(s) failed", flush=True)
        return 1
    return outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the running server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--part", choices=["upload", "microphone"], required=True)
    parser.add_argument("--stereo", default="examples/call-8k-mulaw-stereo.wav", help="a stereo call to upload")
    parser.add_argument("--mic-wav", default="examples/speech.wav", help="what the fake microphone plays (PCM WAV)")
    parser.add_argument("--api-key", help="the server's API key (the page is then also checked without it)")
    parser.add_argument("--screenshot", help="where to write a PNG screenshot of the result")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--timeout", type=float, default=150, help="seconds for the whole run")
    args = parser.parse_args()
    if not base_is_loopback(args.url):
        parser.error("--url must be on 127.0.0.1 (the check only talks to loopback)")
    try:
        sys.exit(asyncio.run(asyncio.wait_for(main_async(args), args.timeout)))
    except asyncio.TimeoutError:
        print(f"FAIL  the run took longer than {args.timeout} s", flush=True)
        sys.exit(1)


def base_is_loopback(url):
    return url.startswith("http://127.0.0.1:") or url.startswith("http://127.0.0.1/")


if __name__ == "__main__":
    main()
