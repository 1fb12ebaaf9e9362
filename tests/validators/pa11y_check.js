// pa11y with HTML_CodeSniffer at WCAG2AA over pages given on stdin as JSON
// [{"url": ..., "cookie": ...}], in Debian's Chromium; prints {url: [issues]} as JSON.
const pa11y = require("pa11y");

async function main() {
  const pages = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const browser = await require("puppeteer").launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const results = {};
  try {
    for (const { url, cookie } of pages) {
      const outcome = await pa11y(url, {
        browser,
        runners: ["htmlcs"],
        standard: "WCAG2AA",
        includeWarnings: true,
        headers: cookie ? { Cookie: cookie } : {},
        timeout: 60000,
      });
      results[url] = outcome.issues.map(({ type, code, message, selector }) => ({
        type, code, message, selector,
      }));
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
