// Package e2e holds the end-to-end tests of the citizen portal: they run the
// real server (apptest.Start) and drive it with headless Chromium through
// chromedp. The package has no code of its own; see browser_test.go.
package e2e
