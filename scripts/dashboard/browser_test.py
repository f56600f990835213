#!/usr/bin/env python3
"""The dashboard in a real browser: Debian's headless Chromium driven by Selenium.

Expects a running router with two agents (one `cpu`, one forced `vulkan` with an exclusion) and
a hub serving REPO. Logs in (a wrong key first), checks both nodes and their backends, opens a
node's detail, clears the exclusion, registers REPO and watches its download reach `ready`,
checks the traffic charts and the recent-requests table, and adds ENDPOINT_URL (a plain
llama-server) as an endpoint with the form (a bad URL first), in a wide and a narrow window.
On failure it saves a screenshot and the page source to ARTIFACTS and exits 1. With
SCREENSHOTS set it also saves a screenshot of each view there (for docs/dashboard.md).

Environment: DASHBOARD_URL, ADMIN_KEY, REPO, ENDPOINT_URL, ARTIFACTS, [SCREENSHOTS], [CHROMIUM],
[CHROMEDRIVER].
"""

import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

URL, KEY, REPO = os.environ["DASHBOARD_URL"], os.environ["ADMIN_KEY"], os.environ["REPO"]
ENDPOINT = os.environ["ENDPOINT_URL"]
ARTIFACTS, SCREENSHOTS = os.environ["ARTIFACTS"], os.environ.get("SCREENSHOTS")

options = webdriver.ChromeOptions()
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
wait = WebDriverWait(driver, 60, poll_frequency=0.2)
step = "start"


def find(css):
    return driver.find_elements(By.CSS_SELECTOR, css)


def visible(css):
    return lambda _: next((e for e in find(css) if e.is_displayed()), None)


def shot(name):
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        driver.save_screenshot(os.path.join(SCREENSHOTS, name + ".png"))


def check(condition, message):
    if not condition:
        raise AssertionError(message)


try:
    step = "the login form appears"
    driver.get(URL + "/dashboard")
    wait.until(visible("#login-form"))

    step = "a wrong key is refused"
    driver.find_element(By.ID, "key").send_keys("not-the-key")
    driver.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(lambda _: driver.find_element(By.ID, "login-error").text.strip())
    check(not driver.find_element(By.ID, "app").is_displayed(), "the app showed without a valid key")

    step = "the admin key logs in, and the session is an HttpOnly cookie"
    driver.find_element(By.ID, "key").clear()
    driver.find_element(By.ID, "key").send_keys(KEY)
    driver.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait.until(visible("#app"))
    check(driver.execute_script("return document.cookie") == "", "the session cookie is readable from JavaScript")

    step = "two nodes show with their backends and devices"
    wait.until(lambda _: len(find("article.node")) == 2)
    backends = sorted(e.text for e in find("article.node .backend"))
    check(backends == ["cpu", "vulkan"], f"backends shown: {backends}")
    check(all(node.find_elements(By.CSS_SELECTOR, ".chip") for node in find("article.node")), "a node shows no devices")
    wait.until(lambda _: find('[data-excluded]'))
    shot("nodes")

    step = "a node's detail shows its detection report and model verdicts"
    vulkan = next(n for n in find("article.node") if n.find_element(By.CSS_SELECTOR, ".backend").text == "vulkan")
    next(b for b in vulkan.find_elements(By.TAG_NAME, "button") if b.text == "Details").click()
    wait.until(lambda _: len(find("#detail-body table")) == 2)
    detail = driver.find_element(By.ID, "detail-body").text
    check("vulkan (forced)" in detail and "Models on this node" in detail, f"detail: {detail[:300]}")
    shot("node-detail")
    driver.find_element(By.ID, "detail-close").click()

    step = "clearing the exclusion removes it"
    excluded = find("[data-excluded]")[0]
    excluded.find_element(By.TAG_NAME, "button").click()
    wait.until(lambda _: not find("[data-excluded]"))

    step = "registering a model shows the hub's answer and its download progress until ready"
    driver.find_element(By.ID, "tab-models").click()
    wait.until(visible("#register-form"))
    driver.find_element(By.ID, "repo").send_keys(REPO)
    driver.find_element(By.CSS_SELECTOR, "#register-form button").click()
    wait.until(lambda _: "Registered" in driver.find_element(By.ID, "register-result").text)
    saw_progress = False
    deadline = time.time() + 120
    while time.time() < deadline and not find('[data-state="ready"]'):
        if find("#registered progress"):
            if not saw_progress:
                shot("models-downloading")
            saw_progress = True
        time.sleep(0.2)
    check(find('[data-state="ready"]'), "the registered model never became ready")
    check(saw_progress, "no download progress was shown")
    wait.until(lambda _: REPO in driver.find_element(By.ID, "served").text)
    shot("models")

    step = "registering a repository the hub does not have shows the error inline"
    driver.find_element(By.ID, "repo").clear()
    driver.find_element(By.ID, "repo").send_keys("local-test/does-not-exist")
    driver.find_element(By.CSS_SELECTOR, "#register-form button").click()
    wait.until(lambda _: "no repository" in driver.find_element(By.ID, "register-result").text)

    step = "the traffic view charts the last hour and lists recent requests"
    driver.find_element(By.ID, "tab-traffic").click()
    wait.until(lambda _: len(find("svg.chart")) == 4 and len(find("#recent tbody tr")) >= 10 and find("svg.chart circle"))
    check("404 model_not_found" in driver.find_element(By.ID, "charts").text, "the errors by code miss the 404")
    check(" in, " in driver.find_element(By.ID, "recent").text, "no token counts in the recent requests")
    shot("traffic")

    step = "an endpoint is added with the form: a bad URL is refused inline, a llama-server joins the nodes"
    driver.find_element(By.ID, "tab-nodes").click()
    wait.until(visible("#endpoint-form"))
    driver.find_element(By.ID, "endpoint-url").send_keys("ftp://nowhere")
    driver.find_element(By.CSS_SELECTOR, "#endpoint-form button").click()
    wait.until(lambda _: "must be an http or https" in driver.find_element(By.ID, "endpoint-result").text)
    driver.find_element(By.ID, "endpoint-url").clear()
    driver.find_element(By.ID, "endpoint-url").send_keys(ENDPOINT)
    driver.find_element(By.ID, "endpoint-name").send_keys("plain-llama")
    driver.find_element(By.CSS_SELECTOR, "#endpoint-form button").click()
    wait.until(lambda _: "Added plain-llama (llama-server" in driver.find_element(By.ID, "endpoint-result").text)
    wait.until(lambda _: find('[data-node="plain-llama"] [data-endpoint="llama-server"]'))
    check("agentless" in find('[data-node="plain-llama"]')[0].text, "the endpoint's card does not say it has no agent")
    shot("endpoint")

    step = "a narrow window has no horizontal page scroll"
    driver.set_window_size(400, 900)
    driver.find_element(By.ID, "tab-nodes").click()
    time.sleep(0.5)
    width = driver.execute_script("return document.documentElement.scrollWidth")
    check(width <= 400, f"the page is {width} px wide in a 400 px window")
    shot("narrow")

    step = "the dark theme follows the system"
    driver.set_window_size(1280, 1000)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    check(background != "rgb(246, 247, 249)", f"the background stayed light: {background}")
    shot("nodes-dark")
    print("dashboard browser checks passed")
except Exception as error:  # noqa: BLE001 - any failure is reported with its evidence
    os.makedirs(ARTIFACTS, exist_ok=True)
    driver.save_screenshot(os.path.join(ARTIFACTS, "failure.png"))
    with open(os.path.join(ARTIFACTS, "failure.html"), "w") as page:
        page.write(driver.page_source)
    print(f"FAILED at step '{step}': {type(error).__name__}: {error}")
    print(f"screenshot and page source in {ARTIFACTS}")
    sys.exit(1)
finally:
    driver.quit()
