package main

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"strings"
)

// apiChange is an incompatible change that apidiff reports in a public package.
type apiChange struct {
	pkg  string // the package's import path
	line string // apidiff's line without "- ": "NAME: what changed"; "" when the package was removed
}

// parseChanges reads the changes of check-api, one a line: a package's import path, a
// tab, and apidiff's line ("(*Client).CityParams: changed from ..."), or the import
// path alone for a package removed.
func parseChanges(r io.Reader) ([]apiChange, error) {
	var changes []apiChange
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		pkg, line, _ := strings.Cut(sc.Text(), "\t")
		changes = append(changes, apiChange{pkg: pkg, line: strings.TrimPrefix(line, "- ")})
	}
	return changes, sc.Err()
}

// String returns the change as check-api prints it.
func (c apiChange) String() string {
	if c.line == "" {
		return c.pkg + ": package removed"
	}
	return c.pkg + " " + c.line
}

// names returns the spellings of the changed name that the Breaking section may give,
// in back quotes. A name is qualified by its package's name (h5.Options.Field for the
// field Field of h5.Options), except in the root package, which may also give it bare
// (Options.Field); a method is named with or without the pointer of its receiver
// ((*Client).CityParams or Client.CityParams). A package removed is named by its
// import path, or by its directory from the root (redisstore/replicatest).
func (c apiChange) names() []string {
	if c.line == "" {
		return []string{c.pkg, strings.TrimPrefix(c.pkg, rootPath+"/")}
	}
	name, _, _ := strings.Cut(c.line, ": ")
	name, _, _ = strings.Cut(name, ", ") // "(*T).M, method set of U": the method
	if rest, ok := strings.CutPrefix(name, "./"); ok {
		name = path.Base(rest) // an object of a package below: "./sub/pkg.T" is pkg.T
	}
	forms := []string{name}
	if strings.HasPrefix(name, "(*") {
		if recv, method, ok := strings.Cut(name[2:], ")."); ok {
			forms = append(forms, recv+"."+method)
		}
	}
	var names []string
	for _, f := range forms {
		names = append(names, path.Base(c.pkg)+"."+f)
	}
	if c.pkg == rootPath {
		names = append(names, forms...)
	}
	return names
}

// listedIn reports whether section names the change: one of its names, between back
// quotes.
func (c apiChange) listedIn(section string) bool {
	for _, n := range c.names() {
		if strings.Contains(section, "`"+n+"`") {
			return true
		}
	}
	return false
}

// breakingSection returns the part of changelog's Unreleased section under a heading
// with the word Breaking, up to the next heading of its level or above, or the next
// release. There may be several such headings.
func breakingSection(changelog string) string {
	var b strings.Builder
	unreleased, in, level := false, false, 0
	for _, line := range strings.Split(changelog, "\n") {
		if strings.HasPrefix(line, "## [") {
			unreleased, in = strings.HasPrefix(line, "## [Unreleased]"), false
			continue
		}
		if !unreleased {
			continue
		}
		if hashes, _, ok := strings.Cut(line, "# "); ok && strings.Trim(hashes, "#") == "" {
			l := len(hashes) + 1
			if strings.Contains(line, "Breaking") {
				in, level = true, l
				continue
			}
			if in && l <= level {
				in = false
			}
		}
		if in {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// checkBreaking writes, for each change, whether changelog's Breaking section lists
// it, and returns an error when some are not.
func checkBreaking(changes []apiChange, changelog string, w io.Writer) error {
	section := breakingSection(changelog)
	unlisted := 0
	for _, c := range changes {
		if c.listedIn(section) {
			fmt.Fprintln(w, "listed under Breaking:", c)
			continue
		}
		fmt.Fprintf(w, "NOT listed under Breaking: %s (give one of `%s`)\n", c, strings.Join(c.names(), "`, `"))
		unlisted++
	}
	if unlisted > 0 {
		return fmt.Errorf("%d incompatible change(s) are not in CHANGELOG.md's Unreleased \"Breaking\" section", unlisted)
	}
	return nil
}
