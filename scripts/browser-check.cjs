// Loads every page of a built dashboard site in headless Chromium and reports what a reader
// would trip over: console errors, images or links that do not load, tables and figures wider
// than the article column, and chart text drawn under 11 px at the column's width.
//
//   node scripts/browser-check.cjs SITE_DIR        (WIDTH=1024 for a narrower window; 1400 by default)
//
// Prints one line per problem ("PAGE: what") and a closing tally; exits 1 when there is a
// problem. The site is served from 127.0.0.1 by this script. Requests to other hosts (the
// theme's fonts and style sheets on public CDNs) are blocked, so the check behaves the same
// with or without network: they and the console lines about them are listed, not judged.
"use strict";

const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const puppeteer = require("puppeteer-core");

const VIEWPORT = { width: Number(process.env.WIDTH || 1400), height: 1000 };
const SMALLEST_CHART_TEXT_PX = 11;

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".csv": "text/csv",
  ".pdf": "application/pdf",
  ".woff2": "font/woff2",
  ".ico": "image/x-icon",
};

/// The file a site path names, as a static host serves a MyST site: `/a` and `/a/` are
/// `a/index.html`; `null` when there is none.
function fileFor(root, urlPath) {
  const relative = decodeURIComponent(urlPath.split("?")[0]).replace(/^\/+/, "");
  const candidate = path.resolve(root, relative);
  if (!candidate.startsWith(root)) return null;
  for (const file of [candidate, path.join(candidate, "index.html"), `${candidate}.html`]) {
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  return null;
}

function serve(root) {
  const server = http.createServer((request, response) => {
    const file = fileFor(root, request.url);
    if (!file) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/// Every page of the site: each `index.html` below it, as a site path.
function pages(root) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== "build") walk(full);
      else if (entry.name === "index.html") {
        const relative = path.relative(root, dir).split(path.sep).join("/");
        found.push(relative ? `/${relative}` : "/");
      }
    }
  };
  walk(root);
  return found.sort();
}

/// Runs in the page: the layout problems and the links and chart images to follow up.
/// The article column is where the body paragraphs sit.
async function measure(smallestPx) {
  const problems = [];
  const paragraphs = [...document.querySelectorAll("article > p, article .col-body")];
  const columnRight = Math.max(...paragraphs.map((p) => p.getBoundingClientRect().right));
  const columnWidth = Math.max(...paragraphs.map((p) => p.getBoundingClientRect().width));
  const describe = (element) => {
    const text = (element.textContent || element.getAttribute("src") || "").trim().replace(/\s+/g, " ");
    return `${element.tagName.toLowerCase()} "${text.slice(0, 60)}"`;
  };
  for (const element of document.querySelectorAll("article table, article figure, article img, article pre")) {
    const box = element.getBoundingClientRect();
    if (box.width > columnWidth + 1 || box.right > columnRight + 1) {
      problems.push(`${describe(element)} is ${Math.round(box.width)} px wide, wider than its ${Math.round(columnWidth)} px column`);
    }
  }
  for (const image of document.querySelectorAll("img")) {
    if (!image.complete || image.naturalWidth === 0) {
      problems.push(`image ${image.getAttribute("src")} did not load`);
    }
  }
  for (const image of document.querySelectorAll("article img")) {
    const source = image.getAttribute("src") || "";
    if (!source.endsWith(".svg") || image.naturalWidth === 0) continue;
    const svg = new DOMParser().parseFromString(await (await fetch(source)).text(), "image/svg+xml");
    const drawnWidth = parseFloat(svg.documentElement.getAttribute("width")) || image.naturalWidth;
    const scale = image.getBoundingClientRect().width / drawnWidth;
    for (const text of svg.querySelectorAll("text")) {
      const size = parseFloat(text.getAttribute("font-size") || "16") * scale;
      if (size < smallestPx - 0.01) {
        problems.push(`chart ${source}: "${text.textContent.trim()}" shows at ${size.toFixed(1)} px, under ${smallestPx} px`);
      }
    }
  }
  const links = [...document.querySelectorAll("a[href]")].map((a) => a.href);
  return { problems, links };
}

async function checkPage(browser, base, sitePath, outsideHosts) {
  const problems = [];
  const page = await browser.newPage();
  await page.setViewport(VIEWPORT);
  await page.setRequestInterception(true);
  const outside = (url) => {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    return parsed !== null && parsed.protocol.startsWith("http") && parsed.host !== new URL(base).host;
  };
  const mentionsOutside = (text) => (text.match(/https?:\/\/[^\s'"]+/g) || []).some(outside);
  page.on("request", (request) => {
    if (outside(request.url())) {
      outsideHosts.add(new URL(request.url()).host);
      request.abort("blockedbyclient");
    } else {
      request.continue();
    }
  });
  page.on("console", (message) => {
    const about = message.location()?.url || "";
    if (message.type() === "error" && !outside(about) && !mentionsOutside(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  page.on("requestfailed", (request) => {
    if (!outside(request.url())) problems.push(`${request.url()} failed: ${request.failure().errorText}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.url()} answered ${response.status()}`);
  });
  await page.goto(base + sitePath, { waitUntil: "networkidle0", timeout: 60000 });
  const measured = await page.evaluate(measure, SMALLEST_CHART_TEXT_PX);
  await page.close();
  return { problems: problems.concat(measured.problems), links: measured.links };
}

async function main() {
  const root = path.resolve(process.argv[2] || "");
  if (!process.argv[2] || !fs.existsSync(path.join(root, "index.html"))) {
    console.error("usage: node scripts/browser-check.cjs SITE_DIR (a built site with an index.html)");
    process.exit(2);
  }
  const server = await serve(root);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  const outsideHosts = new Set();
  const links = new Set();
  let problemCount = 0;
  const sitePaths = pages(root);
  try {
    for (const sitePath of sitePaths) {
      const found = await checkPage(browser, base, sitePath, outsideHosts);
      found.links.forEach((link) => links.add(link.split("#")[0]));
      for (const problem of found.problems) console.log(`${sitePath}: ${problem}`);
      problemCount += found.problems.length;
    }
    for (const link of [...links].filter((link) => link.startsWith(base)).sort()) {
      const response = await fetch(link);
      if (!response.ok) {
        console.log(`link ${link.slice(base.length)}: answered ${response.status}`);
        problemCount += 1;
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  const outside = outsideHosts.size ? `; blocked requests to ${[...outsideHosts].sort().join(", ")}` : "";
  console.log(`${sitePaths.length} pages, ${links.size} links: ${problemCount} problems${outside}`);
  process.exit(problemCount ? 1 : 0);
}

main().catch((error) => {
  console.error(`browser check failed to run: ${error.stack || error}`);
  process.exit(2);
});
