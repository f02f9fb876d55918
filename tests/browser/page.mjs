// Drives vtts's web page in headless Chromium: types Vietnamese text, picks a
// speed, presses play, and reports what the page received as one JSON line.
// The first run streams MP3 through Media Source Extensions over a network
// throttled below the stream's length in real time, so the audio must start
// before the response has ended; the second hides MediaSource, as Firefox
// has no MP3 in it, and plays the WAV stream through Web Audio instead.
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

async function speak(page, text) {
  await page.fill("#text", text);
  await page.selectOption("#speed", "slow");
  await page.click("#play");
  await page.waitForSelector("body[data-audio-seconds]", { timeout: 120000 });
  const attribute = async (name) => page.getAttribute("body", "data-" + name);
  return {
    mode: await attribute("mode"),
    audioSeconds: Number(await attribute("audio-seconds")),
    audioBytes: Number(await attribute("audio-bytes")),
    playedWhileStreaming: Number(await attribute("played-while-streaming")),
    status: await page.textContent("#status"),
    echo: await page.textContent("#echo"),
  };
}

const result = {};
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(60000);
  await page.goto(base + "/");
  result.title = await page.title();
  result.mse = await page.evaluate(() => !!(window.MediaSource && MediaSource.isTypeSupported("audio/mpeg")));
  // 12 kB/s: an MP3 of about 48 kbit/s arrives only about twice as fast as it plays.
  const cdp = await browser.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false, latency: 0, downloadThroughput: 12 * 1024, uploadThroughput: -1,
  });
  const long = "Chào buổi sáng, Hà Nội! Hôm nay trời đẹp quá. ".repeat(6);
  result.streamed = await speak(page, long);
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
  });
  await page.screenshot({ path: screenshot, fullPage: true });
  const text = "Chào buổi sáng, Hà Nội! Hôm nay trời đẹp quá.";
  // The text, sent by the browser and echoed by /tts, comes back unchanged.
  result.roundTrip = await page.evaluate(async (t) => {
    const r = await fetch("tts?speed=slow&text=" + encodeURIComponent(t));
    return (await r.json()).text;
  }, text);
  result.sent = text;
  // An error from the server is shown on the page.
  await page.fill("#text", "☃");
  await page.click("#play");
  await page.waitForFunction(() => document.querySelector("#error").textContent.length > 0);
  result.error = await page.textContent("#error");

  const fallback = await browser.newPage();
  await fallback.addInitScript(() => { Object.defineProperty(window, "MediaSource", { value: undefined }); });
  await fallback.goto(base + "/");
  result.fallback = await speak(fallback, text);
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
