// Package browsertest drives the h5 flow end to end in a headless Chromium, with
// chromedp. It is a module of its own, so that the SDK's go.mod does not carry the
// browser's dependencies:
//
//	cd h5/browsertest && go test ./...
//
// The test skips when no Chromium is installed (Debian: apt-get install chromium),
// unless CI is set in the environment: then it fails. It saves a PNG screenshot of
// each page in artifacts/.
package browsertest
