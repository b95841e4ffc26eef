package main

import (
	"strings"
	"testing"
)

const testChangelog = "# Changelog\n\n" +
	"## [Unreleased]\n\n" +
	"### Added\n\n" +
	"- `h5.Options.Theme`, `Options.Banner`, `(*Client).Wake`: new.\n\n" +
	"### Breaking\n\n" +
	"- `h5.Options.Consent` is a pointer; Options of h5 say more.\n" +
	"- `Client.CityParams` returns []LoginMethod.\n" +
	"- `tcredit.FundResult.Loans`, `redisstore.(*Store).Save`, `tcredittest.Scenario`.\n" +
	"- `redisstore/replicatest` is gone.\n\n" +
	"#### Renames\n\n" +
	"- `summary.Active` became `summary.Open`.\n\n" +
	"### Changed\n\n" +
	"- `h5.Options` and `Session.User`: changed.\n\n" +
	"## [0.1.0]\n\n" +
	"### Breaking\n\n" +
	"- `h5.Session.User`.\n"

func TestBreakingSection(t *testing.T) {
	section := breakingSection(testChangelog)
	for _, want := range []string{"`h5.Options.Consent`", "`Client.CityParams`", "`redisstore/replicatest`", "`summary.Active`"} {
		if !strings.Contains(section, want) {
			t.Errorf("the section has no %s:\n%s", want, section)
		}
	}
	for _, not := range []string{"Theme", "### Changed", "`h5.Options` and", "`h5.Session.User`"} {
		if strings.Contains(section, not) {
			t.Errorf("the section has %q, from outside Unreleased's Breaking:\n%s", not, section)
		}
	}
}

func TestChangeListedIn(t *testing.T) {
	section := breakingSection(testChangelog)
	const h5, store = rootPath + "/h5", rootPath + "/redisstore"
	for _, tt := range []struct {
		pkg, line string
		listed    bool
	}{
		{h5, "Options.Consent: changed from string to *Agreement", true},
		{h5, "Options: old is comparable, new is not", false},    // Options in a sentence, not named
		{h5, "Options.Theme: removed", false},                    // named outside Breaking
		{h5, "Session.User: changed from string to User", false}, // only in a release's section
		{rootPath, "(*Client).CityParams: changed from func() to func()", true},
		{rootPath, "Client.CityParams: removed", true},
		{rootPath, "FundResult.Loans: changed from []Loan to []*Loan", true},
		{rootPath, "(*Client).Wake: removed", false},
		{store, "(*Store).Save: changed from func() to func(int)", true},
		{store, "Store.Save: removed", false}, // a value method, not the one listed
		{store, "(*Store).Load, method set of *Cache: removed", false},
		{rootPath + "/tcredittest", "Scenario: changed from int to string", true},
		{rootPath + "/summary", "Active: removed", true},
		{store, "Options: removed", false},                // h5.Options is another package's
		{rootPath, "Options.Consent: removed", false},     // so is h5.Options.Consent
		{rootPath, "./h5.Options.Consent: removed", true}, // an object of a package below
		{store + "/replicatest", "", true},
		{rootPath + "/wakeup", "", false},
	} {
		c := apiChange{pkg: tt.pkg, line: tt.line}
		t.Run(c.String(), func(t *testing.T) {
			if got := c.listedIn(section); got != tt.listed {
				t.Errorf("listed = %v, want %v (names %q)", got, tt.listed, c.names())
			}
		})
	}
}

func TestCheckBreaking(t *testing.T) {
	changes, err := parseChanges(strings.NewReader(
		rootPath + "/h5\t- Options.Consent: changed from string to *Agreement\n" +
			rootPath + "/h5\t- Options: old is comparable, new is not\n\n" +
			rootPath + "/wakeup\n"))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err = checkBreaking(changes, testChangelog, &out)
	if err == nil || err.Error() != `2 incompatible change(s) are not in CHANGELOG.md's Unreleased "Breaking" section` {
		t.Errorf("err = %v", err)
	}
	want := "listed under Breaking: " + rootPath + "/h5 Options.Consent: changed from string to *Agreement\n" +
		"NOT listed under Breaking: " + rootPath + "/h5 Options: old is comparable, new is not (give one of `h5.Options`)\n" +
		"NOT listed under Breaking: " + rootPath + "/wakeup: package removed (give one of `" + rootPath + "/wakeup`, `wakeup`)\n"
	if out.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	if err := checkBreaking(changes[:1], testChangelog, &out); err != nil {
		t.Errorf("a listed change: %v", err)
	}
}
