"""Hostile text for every free-text field: if any of it runs, it sets ``window.__pwned``.

Each payload that could execute script either assigns ``window.__pwned=1`` or
calls ``alert``/``confirm``/``prompt`` (which the tests watch as dialogs). The
rest checks that text meant to look like markup, templates or formatting is
shown exactly as typed. None contains control characters (the services strip
those), and none is longer than the largest text field (1000 characters).
"""

from __future__ import annotations

MARK = "window.__pwned=1"

PAYLOADS: list[str] = [
    # Script elements
    f"<script>{MARK}</script>",
    f"<SCRIPT>{MARK};alert(1)</SCRIPT>",
    f'<script src="data:text/javascript,{MARK}"></script>',
    f"<scr<script>ipt>{MARK}</scr</script>ipt>",
    f"</textarea><script>{MARK}</script>",
    f"</title><script>{MARK}</script>",
    f'"><script>{MARK}</script>',
    f"'><script>{MARK}</script>",
    # Event-handler attributes
    f"<img src=x onerror={MARK}>",
    f'<img src="x" onerror="{MARK};alert(1)">',
    f"<svg onload={MARK}>",
    f"<body onload={MARK}>",
    f'<div onmouseover="{MARK}" style="position:fixed;inset:0">hover</div>',
    f"<input autofocus onfocus={MARK}>",
    f"<details open ontoggle={MARK}>",
    f"<video><source onerror={MARK}></video>",
    f"<marquee onstart={MARK}>x</marquee>",
    f'" onmouseover="{MARK}" x="',
    f"' onfocus='{MARK}' autofocus='",
    # javascript: and data: URLs
    f"javascript:{MARK}",
    f"JaVaScRiPt:alert(1)//{MARK}",
    f'<a href="javascript:{MARK}">click me</a>',
    f"<iframe src=javascript:{MARK}></iframe>",
    f'<iframe srcdoc="<script>parent.{MARK}</script>"></iframe>',
    f'<object data="data:text/html,<script>{MARK}</script>"></object>',
    f'<form action="javascript:{MARK}"><button>go</button></form>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{MARK}">',
    # SVG and MathML
    f"<svg><script>{MARK}</script></svg>",
    f'<svg><a xlink:href="javascript:{MARK}"><text y="20">x</text></a></svg>',
    f"<svg><animate onbegin={MARK} attributeName=x dur=1s>",
    f'<math><mtext><table><mglyph><style><img src=x onerror="{MARK}">',
    f'<math href="javascript:{MARK}">click</math>',
    # Broken, nested and obfuscated markup
    f"<img src=x onerror={MARK}//",
    f"<<img src=x onerror={MARK}>>",
    f"<img/src=x/onerror={MARK}>",
    f"<!--<img src=x onerror={MARK}>-->",
    f"<![CDATA[<script>{MARK}</script>]]>",
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "&#60;img src=x onerror=window.__pwned=1&#62;",
    f'<noscript><p title="</noscript><img src=x onerror={MARK}>">',
    f"<style><img src=x onerror={MARK}></style>",
    # Template, JSX and Reflex-looking text
    "{window.__pwned=1}",
    "${window.__pwned=1}",
    "`${window.__pwned=1}`",
    "{{constructor.constructor('window.__pwned=1')()}}",
    "{{7*7}} ${7*7} #{7*7} <%= 7*7 %>",
    "{__html: '<img src=x onerror=window.__pwned=1>'}",
    '"+(window.__pwned=1)+"',
    "');window.__pwned=1;//",
    '\\";window.__pwned=1;//',
    # Markdown
    f"[click me](javascript:{MARK})",
    f'![x](x "onerror={MARK}")',
    f"[a]: javascript:{MARK}\n[a]",
    "**bold** _em_ `code` # heading\n> quote",
    f"<https://example.com/?q=<script>{MARK}</script>>",
    # CSS injection
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:window.__pwned=1)">css</div>',
    "</style><style>*{color:red!important}</style>",
    "expression(window.__pwned=1)",
    "@import url(data:text/css,body{display:none});",
    # Unicode, RTL and look-alikes
    "\u202egnp.exe\u202c <b>RTL override</b>",
    "\u200f\u05e9\u05dc\u05d5\u05dd <script>window.__pwned=1</script> \u0645\u0631\u062d",
    "\uff1cscript\uff1ewindow.__pwned=1\uff1c/script\uff1e",
    "\u2028\u2029<img src=x onerror=window.__pwned=1>",
    "Zo\u0308e\u0301 \u200b\u200d\U0001f469\u200d\U0001f4bb \ufeffBOM",
    # Null-ish, prototype-ish and number-ish text
    "null",
    "undefined",
    "None",
    "NaN",
    "[object Object]",
    "__proto__",
    "constructor",
    "0",
    "false",
    "true",
    # Long text within the caps
    ("<img src=x onerror=" + MARK + ">" + "A" * 80)[:120],
    ("<script>" + MARK + "</script>" + "x" * 300)[:300],
    "<b>" + ("long " * 190) + f"<script>{MARK}</script>",
]

# Refused by the services (see services/validation.py): Reflex's own var tag, which
# would make the backend loop when the text reaches a toast, and a lone surrogate.
REFUSED: list[str] = [
    '<reflex.Var>{"state": ""}</reflex.Var>window.__pwned=1',
    "<reflex.Var>1</reflex.Var>",
    "lone \ud800 surrogate",
]

assert len(PAYLOADS) >= 50
assert len(set(PAYLOADS)) == len(PAYLOADS), "payloads must be distinct"
assert all(len(p) <= 1000 for p in PAYLOADS)
