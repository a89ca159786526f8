"""Hostile strings for the inert-text tests: each tries one active Markdown construct (a link,
an autolink behind a lookalike dot, raw HTML, LaTeX, an emoji shortcode, a Streamlit directive,
an image, emphasis, a spreadsheet formula). Shared by the unit, page and browser tests."""

CORPUS = (
    "[Re-verify your NHS login](http://phish.example/login)",
    "http://phish%EF%BC%8Eexample/x",
    "http://phish．example/x",
    "phish．example",
    "phish。example/login",
    "phish.example/login",
    "www.phish.example",
    "nhs@phish.example",
    "<http://phish.example>",
    "<img src=x onerror=alert(1)>",
    "$\\frac{1}{2}$",
    "$$x^2$$",
    ":smile:",
    ":red[alert]",
    ":material/warning:",
    "**bold**",
    "![logo](http://phish.example/x.png)",
    '=HYPERLINK("http://x")',
)
