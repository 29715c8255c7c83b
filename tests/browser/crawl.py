"""Crawl a signed-in user's pages in a real browser: from their home, follow the same-origin links the pages show,
one page per URL pattern, and check each page as it is found (phone overflow, axe-core).

A URL pattern is what Django's ``resolve()`` names (``pupils:detail`` for every pupil), so the crawl stays bounded
however much data a school has, and a new page is visited as soon as some page links to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

# Links a crawl never follows: they sign out, download a file, or lead to a page whose only job is to confirm
# something destructive (harmless to open, but a crawl has no business near them), or to Django's own admin.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {
    "logout",
    "sign_out_everywhere",
    "switch_school",
    "two_factor_remove",
    "pupil_data_export",
    "sen_register_csv",
    "map_xlsx",
    "map_csv",
    "map_pdf",
    "impact_report_pdf",
    "impact_report_xlsx",
}
SKIPPED_WORDS = ("delete", "erase", "withdraw", "remove", "close")
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".pdf", ".zip")

# Same-origin links on the page, as absolute URLs, leaving out fragments, downloads and links opened elsewhere.
LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => !a.hasAttribute('download') && a.origin === location.origin)
  .map(a => a.href.split('#')[0])"""


def route_of(url: str) -> str | None:
    """The URL pattern's name (``namespace:name``), or None for a link the crawl must not follow."""
    path = urlsplit(url).path
    if path.endswith(DOWNLOAD_SUFFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace in SKIPPED_NAMESPACES or match.url_name in SKIPPED_NAMES:
        return None
    if any(word in (match.url_name or "") for word in SKIPPED_WORDS):
        return None
    return match.view_name


@dataclass
class Visit:
    role: str
    route: str
    url: str
    status: int


@dataclass
class CrawlResult:
    visits: list[Visit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def routes(self) -> set[str]:
        return {visit.route for visit in self.visits}


def crawl(
    page,
    base_url: str,
    role: str,
    check: Callable[[object, Visit], list[str]],
    *,
    start: str = "/",
    limit: int = 120,
) -> CrawlResult:
    """Breadth-first from ``start``: open each newly seen URL pattern once (its first link found), run ``check``
    on it and collect its links. A page that fails to load (5xx) or refuses its own user (403/404 behind a link
    the page showed them) is a problem too."""
    result = CrawlResult()
    seen: set[str] = set()
    queue = [(base_url.rstrip("/") + start, "")]
    while queue and len(result.visits) < limit:
        url, source = queue.pop(0)
        route = route_of(url)
        if route is None or route in seen:
            continue
        seen.add(route)
        response = page.goto(url, wait_until="load")
        status = response.status if response else 0
        landed = route_of(page.url) or route
        visit = Visit(role=role, route=landed, url=page.url, status=status)
        content_type = (response.headers.get("content-type", "") if response else "") or ""
        if status >= 400:
            result.problems.append(f"{role} {url}: HTTP {status} (linked from {source})")
            continue
        if "text/html" not in content_type:
            continue
        if landed != route and landed in seen:
            continue  # a redirect to a page already checked
        seen.add(landed)
        result.visits.append(visit)
        result.problems.extend(f"{role} {page.url} ({landed}): {problem}" for problem in check(page, visit))
        for link in page.evaluate(LINKS_JS):
            if route_of(link) not in seen:
                queue.append((link, page.url))
    return result


# What sticks out of a phone's screen. The page itself must not be wider than the viewport; and no visible
# element may reach past the viewport's edges, or past the box of an ancestor that clips it, unless that ancestor
# is a region that scrolls (overflow auto/scroll) - a table a reader can swipe through. Text is measured through
# its element: a word too long for its cell makes the cell's content wider than the cell.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) out.push(`the page is ${page} px wide in a ${width} px viewport`);
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    else if (el.classList.length) name += '.' + Array.from(el.classList).slice(0, 3).join('.');
    const text = (el.innerText || el.getAttribute('aria-label') || el.value || '').trim().replace(/\\s+/g, ' ');
    return text ? `${name} "${text.slice(0, 40)}"` : name;
  };
  const hiddenByDesign = (el) => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
      if (node.classList.contains('visually-hidden') || node.classList.contains('visually-hidden-focusable')) return true;
      if (style.position === 'absolute' && style.clip === 'rect(0px, 0px, 0px, 0px)') return true;
    }
    return false;
  };
  const drawn = (style) => (style.backgroundColor !== 'rgba(0, 0, 0, 0)' && style.backgroundColor !== 'transparent')
    || parseFloat(style.borderLeftWidth) > 0 || parseFloat(style.borderRightWidth) > 0;
  const scrolls = (style) => style.overflowX === 'auto' || style.overflowX === 'scroll';
  const clips = (style) => style.overflowX === 'hidden' || style.overflowX === 'clip';
  const reported = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    if (out.length > 12) break;
    const rect = el.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) continue;
    let inScroller = false;
    let clippedBy = null;
    let spillsOutOf = null;
    let boxSeen = false;
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (scrolls(style)) { inScroller = true; break; }
      const box = node.getBoundingClientRect();
      const outside = rect.right > box.right + 2 || rect.left < box.left - 2;
      if (clips(style)) {
        if (outside) { clippedBy = node; break; }
      } else if (!boxSeen && drawn(style)) {
        // The nearest box that has a background or a side border: content spilling out of it runs under the
        // next box or over its edge.
        boxSeen = true;
        if (outside) spillsOutOf = node;
      }
    }
    if (inScroller) continue;
    const offScreen = rect.right > width + 1 || rect.left < -1;
    if (!offScreen && !clippedBy && !spillsOutOf) continue;
    if (hiddenByDesign(el)) continue;
    // Report the outermost culprit only: its children stick out with it.
    let parentReported = false;
    for (let node = el.parentElement; node; node = node.parentElement) if (reported.has(node)) { parentReported = true; break; }
    reported.add(el);
    if (parentReported) continue;
    if (offScreen) out.push(`${describe(el)} reaches ${Math.round(rect.left)}-${Math.round(rect.right)} px, off a ${width} px screen`);
    else if (clippedBy) out.push(`${describe(el)} is cut off inside ${describe(clippedBy)}`);
    else out.push(`${describe(el)} spills out of ${describe(spillsOutOf)}`);
  }
  // A region that scrolls sideways must be reachable by keyboard (to scroll it with the arrow keys) and say
  // what it holds when it gets the focus.
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (!scrolls(style) || el.scrollWidth <= el.clientWidth + 1 || hiddenByDesign(el)) continue;
    const named = el.getAttribute('role') === 'region' && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
    if (el.tabIndex < 0 || !named)
      out.push(`${describe(el)} scrolls sideways but is not a focusable region with a name (tabindex="0", role="region", aria-label)`);
  }
  return out;
}"""


# Open every <details> (a chart's table, a list of names): what it shows must fit too. app.js names the regions
# that now scroll on the toggle event, a task and an animation frame later.
OPEN_DETAILS_JS = """async () => {
  const closed = Array.from(document.querySelectorAll('details:not([open])'));
  closed.forEach(details => { details.open = true; });
  if (closed.length) {
    await new Promise(resolve => setTimeout(resolve, 30));
    await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  }
  return closed.length;
}"""


def open_details(page) -> int:
    return page.evaluate(OPEN_DETAILS_JS)


def overflow_problems(page) -> list[str]:
    return page.evaluate(OVERFLOW_JS)
