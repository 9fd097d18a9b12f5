"""Hostile content in Chromium: no payload runs, in any `raw_html` mode (issue 14).

For each mode one small site is built whose answers and front-matter fields (summary, tip, checklist,
takeaways) carry script payloads, served over HTTP and opened in Chromium. Every payload calls
`alert(ID)` with an ID of its own; the pages' dialogs (and their popups' dialogs) and a hook on
`window.alert` installed by an init script record every ID that runs. On each page the test focuses
every element of the content and fires the usual handler events on it, hovers the innermost blocks
with the mouse, and clicks every link, button and summary of the content with the mouse (so that a
`javascript:` link would run; what the mouse cannot reach gets `element.click()`), going back when a
click leaves the page. It also reads the DOM: no `on*` attribute in the page, no `javascript:`,
`vbscript:` or `data:text/html` URL in an `href`, `src` or the like, no script, iframe, object or
`<base>` in the content. Text that shows a payload literally is fine.

A build that refuses a payload with an error (exit 1, no traceback) is safe too: the payloads it
refuses are left out, the site is built from the rest, and the refusals are printed (`-rA` or `-s`).

Under `raw_html: allow` raw HTML is the author's own choice, so that mode gets only what the issue
promises in every mode: no script URL in an href or src, no handler from `{: ...}`, escaped MathML,
and front-matter fields that never run HTML.
"""

from __future__ import annotations

import base64
import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from conftest import run_cli, write_files
from tests.browser.conftest import serve_folder

MODES = ["allow", "escape", "sanitize"]

# An address that never answers (port 9 is one Chromium refuses outright): an <img> there fails at once
# and fires its onerror, while the build's link check leaves external addresses alone.
DEAD = "https://127.0.0.1:9/x.png"


@dataclass(frozen=True)
class Payload:
    label: str   # what the payload is, for the report
    text: str    # Markdown or YAML text; HOOK is where the script goes


def _links(with_reference: bool) -> list[Payload]:
    payloads = [
        Payload("[x](javascript:...)", "[x](javascript:HOOK)"),
        Payload("[x](JaVaScRiPt:...)", "[x](JaVaScRiPt:HOOK)"),
        Payload("[x](java&#x09;script:...)", "[x](java&#x09;script:HOOK)"),
        Payload("[x](  javascript:...)", "[x](  javascript:HOOK)"),
        Payload("[x](&#106;avascript:...)", "[x](&#106;avascript:HOOK)"),
        Payload("[x](javascript&colon;...)", "[x](javascript&colon;HOOK)"),
        Payload("[x](<javascript:...>)", "[x](<javascript:HOOK>)"),
        Payload("<javascript:...> autolink", "<javascript:HOOK>"),
        Payload("![i](javascript:...)", "![i](javascript:HOOK)"),
        Payload("[x](vbscript:msgbox)", "[x](vbscript:msgbox(HOOK))"),
        Payload("[x](data:text/html,<script>...)", "[x](data:text/html,<script>HOOK</script>)"),
        Payload("[x](data:text/html;base64,...)", "[x](data:text/html;base64,BASE64)"),
    ]
    if with_reference:
        payloads.append(Payload("[x][r] with [r]: javascript:...", "[x][rID]\n\n[rID]: javascript:HOOK"))
    return payloads


MATH = [
    Payload(r"$\text{<img src=x onerror=...>}$", r"$\text{<img src=x onerror=HOOK>}$"),
    Payload(r"$\text{<img/src/onerror=...>}$", r"$\text{<img/src/onerror=HOOK>}$"),
    Payload(r"$$\text{<svg onload=...>}$$", "$$\n\\text{<svg onload=HOOK>}\n$$"),
    Payload(r"$$\text{<svg/onload=...>}$$", "$$\n\\text{<svg/onload=HOOK>}\n$$"),
    Payload(r"\(\text{<img/src/onerror=...>}\)", r"\(\text{<img/src/onerror=HOOK>}\)"),
]

ATTR_LIST = [
    Payload('{: autofocus onfocus="..." }', 'A paragraph to focus.\n{: autofocus onfocus="HOOK" }'),
    Payload('{: tabindex="0" autofocus onfocus="..." }',
            'A paragraph to tab to.\n{: tabindex="0" autofocus onfocus="HOOK" }'),
    Payload('{: onclick="..." }', 'A paragraph to click.\n{: onclick="HOOK" }'),
    Payload('{: onmouseover="..." }', 'A paragraph to hover.\n{: onmouseover="HOOK" }'),
    Payload('### heading {: onmouseover="..." }', '### A heading to hover {: onmouseover="HOOK" }'),
    Payload('[x](https://...){: onclick="..." }', '[a link to click](https://example.com/){: onclick="HOOK" }'),
    Payload('[x](https://...){: href="javascript:..." }',
            '[a link to click](https://example.com/){: href="javascript:HOOK" }'),
]

RAW_HTML = [  # escape and sanitize
    Payload("<script>", "<script>HOOK</script>"),
    Payload("<img src=x onerror=...>", "<img src=x onerror=HOOK>"),
    Payload("<img src=(unreachable) onerror=...>", f"<img src={DEAD} onerror=HOOK>"),
    Payload('<a href="javascript:...">', '<a href="javascript:HOOK">raw link</a>'),
    Payload("<svg><script>", "<svg><script>HOOK</script></svg>"),
    Payload("<details open ontoggle=...>", "<details open ontoggle=HOOK><summary>s</summary>t</details>"),
    Payload('<iframe srcdoc="<script>...">', '<iframe srcdoc="<script>HOOK</script>"></iframe>'),
    Payload("<math><mtext><table><mglyph><style><img onerror> (mutation XSS)",
            f"<math><mtext><table><mglyph><style><img src={DEAD} onerror=HOOK>"),
    Payload('<noscript><p title="</noscript><img onerror>">',
            f'<noscript><p title="</noscript><img src={DEAD} onerror=HOOK>"></noscript>'),
]

RAW_URLS = [  # allow: the author's HTML stays, but no script URL reaches an href or src in any mode
    Payload('<a href="javascript:...">', '<a href="javascript:HOOK">raw link</a>'),
    Payload('<a href=" JaVaScRiPt:...">', '<a href=" JaVaScRiPt:HOOK">raw link</a>'),
    Payload('<a href="java&#x09;script:...">', '<a href="java&#x09;script:HOOK">raw link</a>'),
    Payload('<a href="vbscript:...">', '<a href="vbscript:msgbox(HOOK)">raw link</a>'),
    Payload('<a href="data:text/html,...">', '<a href="data:text/html,<script>HOOK</script>">raw link</a>'),
    Payload('<img src="javascript:...">', '<img alt="raw" src="javascript:HOOK">'),
]

# tip, checklist, summary, takeaways: inline Markdown at most, HTML shown as text, in every mode.
FIELD = [*_links(with_reference=False),
         Payload(r"$\text{<img/src/onerror=...>}$", r"$\text{<img/src/onerror=HOOK>}$"),
         Payload("<img src=(unreachable) onerror=...>", f"<img src={DEAD} onerror=HOOK>"),
         Payload('<a href="javascript:...">', '<a href="javascript:HOOK">raw link</a>')]
SUMMARY = [*FIELD,  # the summary also goes into search-index.js, a script
           Payload('"+alert()+" (search index)', '"+HOOK+"'),
           Payload("</script><script> (search index)", "</script><script>HOOK</script>")]


def _answers(name: str, payloads: list[tuple[int, str]]) -> str:
    body = "".join(f"## Payload {ident}? [easy]\n\n{text}\n\n" for ident, text in payloads)
    body = body or "## Nothing? [easy]\n\nNothing.\n"
    return f"---\ntitle: {name}\nsummary: Hostile answers.\n---\n\n{body}"


def _front(fields: dict, body: str = "## A question? [easy]\n\nAn answer.\n") -> str:
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=10**6)
    return f"---\n{front}---\n\n{body}"


@dataclass(frozen=True)
class Group:
    payloads: list[Payload]
    pages: tuple         # the pages that show them, relative to the site
    modes: tuple = tuple(MODES)


# Each group of answers has a topic of its own; tip, checklist and summary share one (nn/fields.md).
GROUPS = {
    "math": Group(MATH, ("nn/math.html",)),
    "attr-list": Group(ATTR_LIST, ("nn/attr-list.html",)),
    "answer-links": Group(_links(with_reference=True), ("nn/answer-links.html",)),
    "raw-html": Group(RAW_HTML, ("nn/raw-html.html",), ("escape", "sanitize")),
    "raw-urls": Group(RAW_URLS, ("nn/raw-urls.html",), ("allow",)),
    "tip": Group(FIELD, ("nn/fields.html",)),
    "checklist": Group(FIELD, ("nn/fields.html", "checklist.html")),
    "summary": Group(SUMMARY, ("nn/fields.html", "index.html", "tags/xss.html")),  # + search results
    "takeaways": Group(FIELD, ("nn/takeaways-tutorial.html",)),
}
ANSWER_GROUPS = ["math", "attr-list", "answer-links", "raw-html", "raw-urls"]
FIRST_ID = {name: 7000 + 100 * number + 1 for number, name in enumerate(GROUPS)}


def _group_of(ident: int) -> str:
    return list(GROUPS)[(ident - 7000) // 100]


def _site_yml(mode: str) -> str:
    return f"title: XSS probe\nraw_html: {mode}\n"


def _site_files(mode: str, payloads: dict[int, str]) -> dict[str, str]:
    """site.yml and the content: `payloads` maps each ID to its filled-in text."""
    by_group: dict[str, list[tuple[int, str]]] = {name: [] for name in GROUPS}
    for ident, text in sorted(payloads.items()):
        by_group[_group_of(ident)].append((ident, text))

    def joined(name):
        return " ".join(text for _, text in by_group[name]) or "Nothing."

    def listed(name):
        return [text for _, text in by_group[name]] or ["Nothing."]

    files = {"site.yml": _site_yml(mode)}
    for name in ANSWER_GROUPS:
        if mode in GROUPS[name].modes:
            files[f"content/nn/{name}.md"] = _answers(name, by_group[name])
    files["content/nn/fields.md"] = _front({"title": "fields", "summary": joined("summary"), "tags": ["xss"],
                                            "tip": joined("tip"), "checklist": listed("checklist")})
    files["content/nn/takeaways.tutorial.md"] = _front(
        {"title": "takeaways", "summary": "Takeaways.", "takeaways": listed("takeaways")}, "## A section\n\nText.\n")
    return files


CASES = [(mode, name) for name, group in GROUPS.items() for mode in group.modes]
HOOK_ID = re.compile(r"(?<!\d)(7\d{3})(?!\d)")


def _hook(ident: int) -> str:
    return f"alert({ident})"


def _fill(payload: Payload, ident: int) -> str:
    script = base64.b64encode(f"<script>{_hook(ident)}</script>".encode()).decode()
    return payload.text.replace("BASE64", script).replace("rID", f"r{ident}").replace("HOOK", _hook(ident))


def _ids_in(text: str) -> set[int]:
    """The payload IDs a text names, also inside base64."""
    found = {int(i) for i in HOOK_ID.findall(text)}
    for chunk in re.findall(r"base64,([A-Za-z0-9+/=]+)", text):
        with contextlib.suppress(ValueError):
            found |= {int(i) for i in HOOK_ID.findall(base64.b64decode(chunk).decode("utf-8", "replace"))}
    return found


# ---------------------------------------------------------------------------------------------- build

def _build(root: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_cli(root, "build")
    text = out.getvalue() + err.getvalue()
    assert "Traceback" not in text and "internal error" not in text, text
    assert code in (0, 1), text
    return code, text


@dataclass
class ModeSite:
    root: Path
    payloads: dict[int, tuple[str, Payload]]   # id -> (group, payload), those on the site
    refused: dict[int, str]                     # id -> the build's message


def _files(mode: str, active: dict[int, tuple[str, Payload]]) -> dict[str, str]:
    return _site_files(mode, {ident: _fill(payload, ident) for ident, (_, payload) in active.items()})


def _blame(text: str, mode: str, active: dict, files: dict[str, str], scratch: Path) -> dict[int, str]:
    """The payloads a failed build refused, each with the build's message for it."""
    blamed: dict[int, str] = {}
    errors = re.findall(r"^(?!warning)(\S+?\.(?:md|yml|yaml|svg)):(?:(\d+):)? ([^\n]*(?:\n  [^\n]*)*)",
                        text, re.MULTILINE)
    for path, line, message in errors:
        ids = _ids_in(message) & active.keys()
        if not ids:
            # The message names no payload: the payloads on its line, or else every payload of its file,
            # each built alone beside the same page.
            source = next((name for name in files if path.endswith(name)), None)
            assert source, f"the build failed on something that is not a payload:\n{text}"
            lines = files[source].split("\n")
            near = _ids_in(lines[int(line) - 1]) if line and int(line) <= len(lines) else set()
            candidates = (near & active.keys()) or (_ids_in(files[source]) & active.keys())
            ids = set()
            for ident in candidates:
                solo = scratch / f"solo-{ident}"
                write_files(solo, _files(mode, {ident: active[ident]}))
                if _build(solo)[0] == 1:
                    ids.add(ident)
            assert ids, f"no payload alone makes the build fail:\n{text}"
        for ident in ids:
            blamed.setdefault(ident, f"{Path(path).name}:{line}: {message.splitlines()[0]}")
    return blamed


def build_mode_site(mode: str, scratch: Path) -> ModeSite:
    active = {FIRST_ID[name] + n: (name, payload) for name, group in GROUPS.items() if mode in group.modes
              for n, payload in enumerate(group.payloads)}
    refused: dict[int, str] = {}
    for attempt in range(8):
        root = scratch / f"site-{attempt}"
        files = _files(mode, active)
        write_files(root, files)
        code, text = _build(root)
        if code == 0:
            return ModeSite(root, dict(active), refused)
        blamed = _blame(text, mode, active, files, scratch / f"blame-{attempt}")
        assert blamed, text
        refused.update(blamed)
        for ident in blamed:
            del active[ident]
    raise AssertionError(f"the build still fails after leaving out {len(refused)} payloads")


@pytest.fixture(scope="module")
def mode_sites(tmp_path_factory):
    """mode -> (ModeSite, base URL): each mode's site built once, when first asked for, and served."""
    sites, servers = {}, []

    def get(mode: str):
        if mode not in sites:
            site = build_mode_site(mode, tmp_path_factory.mktemp(f"xss-{mode}"))
            server, origin = serve_folder(site.root / "_site")
            servers.append(server)
            sites[mode] = (site, origin + "/")
        return sites[mode]
    yield get
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="module")
def visits():
    """(mode, page) -> the Probe that visited it: a page that shows several groups is opened once."""
    return {}


# ---------------------------------------------------------------------------------------- browser

INIT_SCRIPT = r"""
(() => {
  window.__xssDoc = Math.random();
  const record = (value) => {
    try { (window.top.__xss = window.top.__xss || []).push(String(value)); }
    catch (e) { (window.__xss = window.__xss || []).push(String(value)); }
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    const original = window[name];
    if (typeof original !== "function") continue;
    window[name] = function (...args) { record(args[0]); return original.apply(this, args); };
  }
  // Trusted clicks, to know which targets the mouse reached. Off-page http(s) links are not followed
  // (such an href cannot run script; handlers on the link still run); every other link, javascript:
  // or not, is followed as a click follows it.
  window.__xssClicked = [];
  document.addEventListener("click", (event) => {
    if (event.isTrusted) window.__xssClicked.push(event.target);
    const a = event.target.closest && event.target.closest("a[href]");
    if (a && /^(https?|file):$/.test(a.protocol) &&
        (a.origin !== location.origin || a.pathname !== location.pathname)) event.preventDefault();
  }, true);

  const SKIP = ".study-bar, dialog, .breadcrumb, .pager, .filters, .card__tools, .card__reveal, " +
               ".card__marks, .empty-note, .related, [data-announce]";
  const root = () => document.querySelector("main") || document.documentElement;
  const all = (selector) => [...root().querySelectorAll(selector)].filter((el) => !el.closest(SKIP));
  // What a click can make run script: links, buttons, summaries (a details' toggle), anything with a
  // handler or made focusable. The mouse moves onto each of them to click it; besides, it hovers the
  // innermost blocks, images and formulas, which reaches their ancestors too (mouseover bubbles,
  // mouseenter fires on each element entered).
  const TARGETS = "a, area, button, summary, [onclick], [tabindex]";
  const HOVER = "p, li, h1, h2, h3, h4, h5, h6, td, th, dt, dd, pre, blockquote, img, math, svg, label, " +
                "rect, image, foreignObject";
  const spot = (el) => {
    for (const rect of el.getClientRects()) {
      if (rect.width < 1 || rect.height < 1) continue;
      const x = rect.left + Math.min(rect.width / 2, 4), y = rect.top + rect.height / 2;
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      const hit = document.elementFromPoint(x, y);
      if (hit && (hit === el || el.contains(hit))) return {x, y};
    }
    return null;
  };
  const BAD_URL = (value) => {
    const s = String(value).replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+/, "").toLowerCase();
    return s.startsWith("javascript:") || s.startsWith("vbscript:") ||
           /^data:[\u0000-\u0020]*(text\/html|application\/xhtml\+xml)/.test(s);
  };
  const URL_ATTRS = new Set(["href", "src", "xlink:href", "action", "formaction", "data", "poster",
                             "background", "codebase", "cite", "ping", "to", "from", "values", "by"]);
  const describe = (el) => `<${el.localName}${el.id ? " id=" + el.id : ""}>`;
  window.__xssTools = {
    scan() {
      const found = [], scope = document.body || document.documentElement;
      for (const el of [scope, ...scope.querySelectorAll("*")]) {
        for (const attribute of el.attributes) {
          const name = attribute.name.toLowerCase(), value = attribute.value;
          if (name.startsWith("on") || name === "srcdoc" ||
              ((URL_ATTRS.has(name) || name.endsWith(":href")) &&
               (name === "values" ? value.split(";") : [value]).some(BAD_URL)))
            found.push(`${describe(el)} has ${name}="${value.slice(0, 100)}"`);
        }
        // And as the browser itself reads a link's URL.
        if (typeof el.protocol === "string" && /^(javascript|vbscript):$/i.test(el.protocol) &&
            !BAD_URL(el.getAttribute("href") || ""))
          found.push(`${describe(el)} links to ${el.protocol} (href="${(el.getAttribute("href") || "").slice(0, 100)}")`);
      }
      // Script, frames, plug-ins and <base> in the content (the theme's own scripts aside).
      const themeStatic = document.body && document.body.dataset.root !== undefined
        ? new URL(document.body.dataset.root + "static/", location.href).pathname : null;
      const theme = (el) => el.localName === "script" && themeStatic && !el.textContent.trim() &&
                            new URL(el.getAttribute("src") || "", location.href).pathname.startsWith(themeStatic);
      const content = document.querySelector("main") ? all("script, iframe, frame, object, embed, base, meta") : [];
      for (const el of new Set([...content, ...document.querySelectorAll("svg script, math script")]))
        if (!theme(el)) found.push(`${describe(el)} element in the content: ${el.outerHTML.slice(0, 100)}`);
      return found;
    },
    poke() {
      // Focus everything, and fire the handler events on every element of the content (not bubbling).
      const kinds = [["focus", FocusEvent], ["focusin", FocusEvent], ["mouseover", MouseEvent],
                     ["mouseenter", MouseEvent], ["mousemove", MouseEvent], ["mousedown", MouseEvent],
                     ["mouseup", MouseEvent], ["pointerover", PointerEvent], ["pointerenter", PointerEvent],
                     ["toggle", Event], ["animationstart", AnimationEvent], ["begin", Event]];
      for (const el of all("*")) {
        try { el.focus && el.focus({preventScroll: true}); } catch (e) {}
        for (const [type, Kind] of kinds) {
          try { el.dispatchEvent(new Kind(type, {bubbles: false, cancelable: true})); } catch (e) {}
        }
      }
      document.activeElement && document.activeElement.blur && document.activeElement.blur();
    },
    hoverPoints() {
      const elements = all(HOVER);
      return elements.filter((el) => !elements.some((other) => other !== el && el.contains(other)))
                     .map(spot).filter(Boolean);
    },
    start() {
      // The markup as served, then focus and events; and the page's height, for a viewport as tall.
      const found = this.scan();
      this.poke();
      return {doc: window.__xssDoc, found, height: document.documentElement.scrollHeight || 0};
    },
    plan() {
      // Where the mouse hovers, and what it clicks: bottom to top, so that what a click opens (a
      // <details>) moves only what comes after it.
      window.__xssClicked = [];
      return {hover: this.hoverPoints(),
              click: all(TARGETS).map((el) => ({tag: describe(el), point: spot(el),
                script: typeof el.protocol === "string" && !/^(https?|file|about):$/.test(el.protocol)})).reverse()};
    },
    after() {
      const clicked = window.__xssClicked;
      return {doc: window.__xssDoc, xss: window.__xss || [],
              missed: all(TARGETS).map((el, index) => clicked.some((t) => t === el || el.contains(t)) ? -1 : index)
                                  .filter((index) => index >= 0)};
    },
    spotOf(index) { const el = all(TARGETS)[index]; return el ? spot(el) : null; },
    jsClick(index) { const el = all(TARGETS)[index]; if (el) el.click(); },
  };
})();
"""


@pytest.fixture(scope="module")
def xss_context(browser):
    """One browser context for the module; every page in it records the payloads that run."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    context.add_init_script(INIT_SCRIPT)
    yield context
    context.close()


class Probe:
    """Opens pages and pokes at them; keeps the evidence: payloads that ran, markup left, JS errors."""

    def __init__(self, context):
        self.ran: dict[tuple[str, int], set[str]] = {}
        self.markup: list[str] = []
        self.errors: list[str] = []
        self.where = ""
        self.page = context.new_page()
        self._watch(self.page)
        self.page.on("popup", self._popup)

    def _ran(self, text: str, how: str):
        for ident in _ids_in(str(text)):
            self.ran.setdefault((self.where, ident), set()).add(how)

    def _watch(self, page):
        def on_dialog(dialog):
            self._ran(dialog.message, f"{dialog.type}() dialog")
            dialog.dismiss()
        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: self.errors.append(f"{self.where}: {error}"))

    def _popup(self, popup):
        self._watch(popup)
        self.markup.append(f"{self.where}: a click opened a window at {popup.url[:120]}")
        with contextlib.suppress(Exception):
            popup.wait_for_timeout(100)
            popup.close()

    def collect(self):
        with contextlib.suppress(Exception):
            self._ran(" ".join(self.page.evaluate("() => window.__xss || []")), "window.alert hook")

    def _open(self, url: str, evaluate: str = "() => window.__xssDoc"):
        self.page.goto(url, wait_until="load")  # after every image, broken or not, and SVG onload
        self.page.wait_for_timeout(50)
        return self.page.evaluate(evaluate)

    def _left(self, token) -> bool:
        try:
            return self.page.evaluate("() => window.__xssDoc") != token
        except Exception:  # a click is navigating away
            return True

    def _back(self, url: str, what: str):
        with contextlib.suppress(Exception):
            self.page.wait_for_load_state("load")
        if not self.page.url.startswith(("http://", "https://")):
            self.markup.append(f"{self.where}: clicking {what} opened {self.page.url[:120]}")
        self.collect()
        return self._open(url)

    def visit(self, url: str, label: str):
        page, self.where = self.page, label
        # The markup as served; then focus every element and fire the handler events on it.
        start = self._open(url, "() => __xssTools.start()")
        token = start["doc"]
        self.markup += [f"{label}: {finding}" for finding in start["found"]]
        # A viewport as tall as the page: the mouse reaches every element without scrolling.
        page.set_viewport_size({"width": 1280, "height": min(max(start["height"], 720), 4000)})
        plan = page.evaluate("() => __xssTools.plan()")
        # Hover every innermost element of the content with the mouse.
        for point in plan["hover"]:
            page.mouse.move(point["x"], point["y"])
        page.mouse.move(0, 0)
        # Click every link, button and summary of the content with the mouse; then, one at a time, what
        # the mouse missed (by element.click() where the mouse cannot reach it).
        for step in plan["click"]:
            if step["point"]:
                page.mouse.click(step["point"]["x"], step["point"]["y"])
                if step["script"]:  # let a javascript: URL run before the next click can cancel it
                    page.wait_for_timeout(60)
        page.wait_for_timeout(50)
        try:
            after = page.evaluate("() => __xssTools.after()")
        except Exception:  # a click is navigating away
            after = {"doc": None}
        if after["doc"] != token:
            token = self._back(url, "a link")
            missed = list(range(len(plan["click"])))
        else:
            self._ran(" ".join(after["xss"]), "window.alert hook")
            missed = after["missed"]
        tags = [step["tag"] for step in reversed(plan["click"])]
        for index in missed:
            point = page.evaluate("i => __xssTools.spotOf(i)", index)
            if point:
                page.mouse.click(point["x"], point["y"])
            else:
                page.evaluate("i => __xssTools.jsClick(i)", index)
            page.wait_for_timeout(30)
            if self._left(token):
                token = self._back(url, tags[index] if index < len(tags) else "an element")
        page.wait_for_timeout(50)
        self.collect()

    def close(self):
        self.page.close()


def _report(where: str, payloads: dict[int, tuple[str, Payload]], probes: list[Probe], keep=lambda ident: True):
    """One line per payload and page: whether it ran and what it left in the markup; then the rest."""
    def name(ident: int) -> str:
        return f"{payloads[ident][0]} {payloads[ident][1].label}" if ident in payloads else f"payload {ident}"

    found: dict[tuple[str, int], list[str]] = {}
    other: list[str] = []
    for probe in probes:
        for (page, ident), how in sorted(probe.ran.items()):
            if keep(ident):
                found.setdefault((page, ident), []).append(f"RAN ({', '.join(sorted(how))})")
        for finding in dict.fromkeys(probe.markup):
            page, _, what = finding.partition(": ")
            ids = sorted(_ids_in(what))
            for ident in filter(keep, ids):
                found.setdefault((page, ident), []).append(what)
            if not ids:
                other.append(f"{where}: {finding}")
        other += [f"{where}: JS error on {error}" for error in probe.errors]
    return [f"{where}: {page}: {name(ident)}: " + "; ".join(dict.fromkeys(what))
            for (page, ident), what in sorted(found.items(), key=lambda item: (item[0][1], item[0][0]))] + other


# ------------------------------------------------------------------------------------------ tests

@pytest.mark.parametrize(("mode", "group_name"), CASES, ids=[f"{m}-{g}" for m, g in CASES])
def test_no_payload_runs(mode, group_name, mode_sites, visits, xss_context):
    site, base = mode_sites(mode)
    group = GROUPS[group_name]
    mine = lambda ident: _group_of(ident) == group_name  # noqa: E731
    for ident, message in site.refused.items():
        if mine(ident):
            print(f"refused by the build ({mode}/{group_name}): {group.payloads[ident - FIRST_ID[group_name]].label}:"
                  f" {message}")
    probes = []
    for page in group.pages:
        assert (site.root / "_site" / page).is_file(), f"{page} was not built"
        if (mode, page) not in visits:
            probe = visits[mode, page] = Probe(xss_context)
            try:
                probe.visit(base + page, page)
            finally:
                probe.close()
        probes.append(visits[mode, page])
    if group_name == "summary":
        # The summary is also in the search index (a script, loaded on first use): search, read the results.
        probe = Probe(xss_context)
        probe.where = "search results"
        try:
            probe.page.goto(base + "index.html")
            probe.page.locator("#search-input").fill("fields")
            try:
                probe.page.locator("#search-results a").first.wait_for(timeout=5000)
            except PlaywrightTimeoutError:
                probe.errors.append("search results: no result for 'fields' (did search-index.js load and run?)")
            probe.page.wait_for_timeout(100)
            probe.markup += [f"search results: {f}" for f in probe.page.evaluate("() => __xssTools.scan()")]
            probe.collect()
        finally:
            probe.close()
        probes.append(probe)
    problems = _report(f"{mode}/{group_name}", site.payloads, probes, mine)
    assert not problems, "payloads ran, or left script in the markup:\n" + "\n".join(problems)


# An SVG from content, shown as an image and opened on its own (on GitHub Pages it shares the origin of
# every project site of its owner).
EVIL_SVG = f"""\
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="120" onload="alert(7001)">
  <script>alert(7002)</script>
  <script type="application/ecmascript"><![CDATA[ alert(7003) ]]></script>
  <a xlink:href="javascript:alert(7004)"><rect x="0" y="0" width="60" height="60" fill="red"/></a>
  <a href="javascript:alert(7005)"><rect x="60" y="0" width="60" height="60" fill="blue"/></a>
  <rect x="0" y="60" width="60" height="60" onmouseover="alert(7006)" onclick="alert(7007)"/>
  <animate attributeName="x" dur="0.01s" onbegin="alert(7008)"/>
  <foreignObject x="60" y="60" width="60" height="60">
    <img xmlns="http://www.w3.org/1999/xhtml" src="{DEAD}" onerror="alert(7009)"/>
  </foreignObject>
</svg>
"""
SVG_PAYLOADS = {7001: "onload on <svg>", 7002: "<script>", 7003: "<script type=application/ecmascript>",
                7004: "<a xlink:href=javascript:>", 7005: "<a href=javascript:>", 7006: "onmouseover on <rect>",
                7007: "onclick on <rect>", 7008: "onbegin on <animate>", 7009: "<foreignObject><img onerror>"}


@pytest.mark.parametrize("mode", ["escape", "sanitize"])
def test_svg_from_content_runs_no_script(mode, make_site, xss_context):
    root = make_site({"site.yml": _site_yml(mode), "content/nn/img/evil.svg": EVIL_SVG,
                      "content/nn/diagram.md": "---\ntitle: Diagram\nsummary: An SVG.\n---\n\n"
                                               "## A diagram? [easy]\n\n![A diagram](img/evil.svg)\n"},
                     with_default=False)
    code, text = _build(root)
    if code != 0:
        # Refusing the SVG is one of the two documented choices: an error naming it, nothing written.
        assert "evil.svg" in text, text
        assert not (root / "_site" / "nn" / "img" / "evil.svg").exists()
        return
    server, origin = serve_folder(root / "_site")
    probe = Probe(xss_context)
    try:
        probe.visit(f"{origin}/nn/diagram.html", "nn/diagram.html")
        sources = probe.page.evaluate("() => [...document.querySelectorAll('main img')].map(i => i.src)")
        for url in dict.fromkeys([f"{origin}/nn/img/evil.svg", *sources]):
            if ".svg" in url and probe.page.request.get(url).status != 404:
                probe.visit(url, url.removeprefix(origin + "/") + " opened directly")
    finally:
        probe.close()
        server.shutdown()
    payloads = {i: ("svg", Payload(label, "")) for i, label in SVG_PAYLOADS.items()}
    problems = _report(f"{mode}/svg", payloads, [probe])
    assert not problems, "the published SVG runs script, or keeps it:\n" + "\n".join(problems)
