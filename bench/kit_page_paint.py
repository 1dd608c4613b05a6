"""First paint of the kit story page (what the QR on the jar opens) on a throttled 3G connection.

    .venv/bin/python bench/kit_page_paint.py --url http://127.0.0.1:8765/kits/yanglang-spicy-chicken-350g/ [--runs 7]

Headless Chromium (the Debian package) through Playwright; the connection is throttled over
the DevTools protocol (Network.emulateNetworkConditions) with Chromium's own "3G" preset
(DevTools' "Fast 3G": 562.5 ms latency per request, 1.44 Mbit/s down, 675 kbit/s up), the
cache disabled, a 360 × 740 phone viewport. Each run is a fresh context (new connection, no
cache). Prints first-paint and first-contentful-paint (Performance paint timing) per run and
the median, and the server's own time (Navigation Timing: request to first byte, less the
emulated latency), which on a loaded machine is most of it. The server must be running
(e.g. `make demo`); not a test — the looser check is tests/browser/test_kit_story_page.py.
"""

import argparse
import statistics
import sys

CHROMIUM = "/usr/bin/chromium"
# Chromium DevTools' throttling presets (front_end/core/sdk/NetworkManager.ts): bytes per second.
PROFILES = {
    "3g": {
        "latency": 150 * 3.75,
        "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,
        "uploadThroughput": 750 * 1000 / 8 * 0.9,
    },
    "slow-3g": {
        "latency": 400 * 5,
        "downloadThroughput": 500 * 1000 / 8 * 0.8,
        "uploadThroughput": 500 * 1000 / 8 * 0.8,
    },
}
# Paint timing, and the server's own time (request sent to first byte, less the emulated latency).
PAINT = """() => {
  const paints = Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));
  const nav = performance.getEntriesByType('navigation')[0];
  return { ...paints, wait: nav.responseStart - nav.requestStart, bytes: nav.transferSize };
}"""


def first_paint(browser, url: str, profile: str = "3g") -> dict[str, float]:
    """One cold load of ``url`` under ``profile``: {"first-paint": ms, "first-contentful-paint": ms}."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="zh-CN")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", {"offline": False, **PROFILES[profile]})
        page.goto(url, wait_until="load")
        # Polled from here: wait_for_function evaluates its predicate in a way the page's CSP forbids.
        for _ in range(300):
            paints = page.evaluate(PAINT)
            if "first-contentful-paint" in paints:
                paints["server"] = max(0.0, paints["wait"] - PROFILES[profile]["latency"])
                return paints
            page.wait_for_timeout(100)
        raise RuntimeError(f"no paint timing after 30 s: {paints}")
    finally:
        context.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="3g")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        first_paint(browser, args.url, args.profile)  # warm the server (renditions), not counted
        runs = [first_paint(browser, args.url, args.profile) for _ in range(args.runs)]
        browser.close()
    print(f"{args.url} · profile {args.profile} {PROFILES[args.profile]} · {args.runs} cold loads")
    for n, run in enumerate(runs, start=1):
        print(
            f"  run {n}: first-paint {run['first-paint']:.0f} ms, FCP {run['first-contentful-paint']:.0f} ms, "
            f"server {run['server']:.0f} ms, HTML {run['bytes']} bytes"
        )
    # On a loaded machine the server's time dominates; the page's own cost is what is left.
    for run in runs:
        run["FCP less server time"] = run["first-contentful-paint"] - run["server"]
    for name in ("first-paint", "first-contentful-paint", "server", "FCP less server time"):
        values = [run[name] for run in runs]
        print(f"{name}: median {statistics.median(values):.0f} ms, max {max(values):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
