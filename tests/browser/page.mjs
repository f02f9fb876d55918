// Drives vtts's web page in headless Chromium: types Vietnamese text, picks a
// speed, presses play, and reports what the page received as one JSON line.
// Usage: node page.mjs BASE_URL SCREENSHOT.png
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, screenshot] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), "vtts-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
  ],
});
const result = {};
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(60000);
  await page.goto(base + "/");
  result.title = await page.title();
  const text = "Chào buổi sáng, Hà Nội! Hôm nay trời đẹp quá.";
  await page.fill("#text", text);
  await page.selectOption("#speed", "slow");
  await page.click("#play");
  await page.waitForSelector("body[data-audio-seconds]");
  result.audioSeconds = Number(await page.getAttribute("body", "data-audio-seconds"));
  result.audioBytes = Number(await page.getAttribute("body", "data-audio-bytes"));
  result.status = await page.textContent("#status");
  result.echo = await page.textContent("#echo");
  // The text, sent by the browser and echoed by /tts, comes back unchanged.
  result.roundTrip = await page.evaluate(async (t) => {
    const r = await fetch("tts?speed=slow&text=" + encodeURIComponent(t));
    return (await r.json()).text;
  }, text);
  result.sent = text;
  await page.screenshot({ path: screenshot, fullPage: true });
  // An error from the server is shown on the page.
  await page.fill("#text", "☃");
  await page.click("#play");
  await page.waitForFunction(() => document.querySelector("#error").textContent.length > 0);
  result.error = await page.textContent("#error");
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
