"""Injection payloads: each must come out inert wherever it is shown or exported."""

PAYLOADS = [
    "<b>bold</b>",
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "' onmouseover='alert(1)",
    '" autofocus onfocus="alert(1)',
    "</textarea><script>alert(1)</script>",
    "{{ 7|add:7 }} {{ request.user.password }}",
    "{% debug %}{% load static %}",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "&lt;already escaped&gt; &amp;",
    "\u202eevil\u202c right-to-left override",
]

# Characters a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
