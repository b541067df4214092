// Package browsertest holds the console's real-browser tests: headless Chromium, driven from
// Go with chromedp, signs the demo people in through the development OpenID provider and
// walks the story through the console only, takes screenshots of the key pages at 360×800 and
// 1280×800 (into test-output/console/), runs axe-core on them, and checks the console's
// security headers, cookies, CSRF and output escaping.
//
// The tests need Chromium: LIENKET_CHROMIUM (set by `make test`, which finds or installs it with
// `make chromium`), else chromium on PATH. Without one they fail with the command to run; they
// never skip.
package browsertest
