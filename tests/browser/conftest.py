"""Session fixtures for browser tests: one static server, one headless Chromium, one page.

The site must be built first (`python3 build.py test` builds, then runs pytest).
Chromium is the system one (build.find_chromium), with WebGL2 through SwiftShader.
"""
import pytest

import build  # the repo root is on sys.path (pyproject: [tool.pytest.ini_options] pythonpath)

BOOT_TIMEOUT_MS = 120_000  # Pyodide + NumPy + webflow take about 5 s; allow a slow machine


def pytest_collection_modifyitems(config, items):
    # The console check must see everything the other browser tests did, so it runs last.
    last = [item for item in items if item.name == "test_no_console_errors"]
    items[:] = [item for item in items if item not in last] + last


@pytest.fixture(scope="session")
def site_url():
    if not (build.DIST / "index.html").exists():
        pytest.fail("dist/site is missing: run `python3 build.py build` first "
                    "(`python3 build.py test` builds, then tests)", pytrace=False)
    server, url = build.start_server(build.DIST)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if build.find_chromium() is None:
        pytest.fail("Chromium not found; install it with: apt-get install -y chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = build.launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def browser_problems():
    """Console errors, page errors and failed requests seen by any page this session."""
    return []


def watch(page, problems):
    page.on("console", lambda m: m.type == "error" and problems.append(
        f"console error on {page.url}: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error on {page.url}: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))


@pytest.fixture(scope="session")
def browser_page(browser, site_url, browser_problems):
    """The home page, with Pyodide and webflow loaded in its Web Worker (window.webflowApp.ready resolved)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(BOOT_TIMEOUT_MS)
    watch(page, browser_problems)
    page.goto(site_url)
    page.wait_for_function("window.webflowApp !== undefined")
    page.evaluate("() => window.webflowApp.ready")  # raises with the boot error, if any
    yield page
    page.close()


@pytest.fixture(scope="session")
def open_site_page(browser, site_url, browser_problems):
    """open_site_page("mnist.html") -> a new page there, its worker booted (webflowApp.ready).

    Every page is watched for console errors and failed requests; closed at the session's end."""
    pages = []

    def open_page(path):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(BOOT_TIMEOUT_MS)
        watch(page, browser_problems)
        pages.append(page)
        page.goto(site_url + path)
        page.wait_for_function("window.webflowApp !== undefined")
        page.evaluate("() => window.webflowApp.ready")
        return page
    yield open_page
    for page in pages:
        page.close()


@pytest.fixture(scope="session")
def run_py(browser_page):
    """run_py(code) runs Python in the home page's worker (Pyodide) and returns the value converted to JS."""
    def run(code):
        return browser_page.evaluate("code => window.webflowApp.runPython(code)", code)
    return run


@pytest.fixture(scope="session")
def run_script(browser, site_url, browser_problems):
    """run_script(code, *argv) runs code as a script on run.html -> (exit status, lines).

    lines are (stream, text) pairs, as `build.py run` would print them."""
    lines = []
    page = build.open_runner(browser, site_url, lambda stream, text: lines.append((stream, text)))
    page.set_default_timeout(BOOT_TIMEOUT_MS)
    watch(page, browser_problems)

    def run(code, *argv):
        lines.clear()
        status = build.run_in_runner(page, "script.py", code, ["script.py", *argv])
        return status, list(lines)
    yield run
    page.close()
