// Command releasetool keeps the version of this repository's modules in one place and
// lays them out as a Go module proxy, for scripts/release, scripts/check-versions and
// the outside-install check of .ci/run. It is a module of its own so that the SDK's
// go.mod needs no golang.org/x/mod.
//
//	releasetool version                print the version in version.go ("0.2.0")
//	releasetool modules                list the published modules' directories
//	releasetool check                  check every require of a module of the repository
//	releasetool set VERSION            write VERSION into version.go and every require
//	releasetool proxy [-time T] DIR    lay the published modules out as a proxy in DIR
//	releasetool breaking               check that CHANGELOG.md's Unreleased "Breaking"
//	                                   section names every incompatible change read
//	                                   from standard input (for scripts/check-api)
//
// Every command runs from the repository's root directory, found from the current one.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "releasetool:", err)
		os.Exit(1)
	}
}

const usage = "usage: releasetool version | modules | check | set VERSION | proxy [-time RFC3339] DIR | breaking"

// run runs the command of args with the repository found from the current directory.
func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("no command (%s)", usage)
	}
	root, err := findRoot()
	if err != nil {
		return err
	}
	repo, err := loadRepo(root)
	if err != nil {
		return err
	}
	switch cmd, rest := args[0], args[1:]; {
	case cmd == "version" && len(rest) == 0:
		_, err := fmt.Fprintln(stdout, repo.version)
		return err
	case cmd == "modules" && len(rest) == 0:
		for _, m := range repo.published() {
			if _, err := fmt.Fprintln(stdout, m.dir); err != nil {
				return err
			}
		}
		return nil
	case cmd == "check" && len(rest) == 0:
		return repo.check()
	case cmd == "set" && len(rest) == 1:
		return repo.setVersion(rest[0])
	case cmd == "breaking" && len(rest) == 0:
		changes, err := parseChanges(stdin)
		if err != nil {
			return err
		}
		changelog, err := os.ReadFile(filepath.Join(root, "CHANGELOG.md"))
		if err != nil {
			return err
		}
		return checkBreaking(changes, string(changelog), stdout)
	case cmd == "proxy":
		fs := flag.NewFlagSet("proxy", flag.ContinueOnError)
		at := fs.String("time", "", "the versions' time in .info, RFC 3339 (default now)")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return fmt.Errorf("proxy needs one directory (%s)", usage)
		}
		t := time.Now().UTC()
		if *at != "" {
			if t, err = time.Parse(time.RFC3339, *at); err != nil {
				return err
			}
		}
		return repo.writeProxy(fs.Arg(0), t)
	}
	return fmt.Errorf("unknown command %q (%s)", args, usage)
}
