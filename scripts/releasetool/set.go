package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// versionDecl finds the declaration of Version in version.go.
var versionDecl = regexp.MustCompile(`(?m)^const Version = "[^"]*"$`)

// setVersion writes v (such as "0.2.0") into version.go, into every require of a
// module of the repository, in every go.mod, and into go.work's replaces of them.
func (r *repo) setVersion(v string) error {
	if !semver.IsValid("v"+v) || semver.Canonical("v"+v) != "v"+v || semver.Prerelease("v"+v) != "" {
		return fmt.Errorf("version %q is not MAJOR.MINOR.PATCH (such as 0.2.0, without the v)", v)
	}
	vf := filepath.Join(r.root, versionFile)
	src, err := os.ReadFile(vf)
	if err != nil {
		return err
	}
	if !versionDecl.Match(src) {
		return fmt.Errorf("%s has no line `const Version = \"...\"`", vf)
	}
	src = versionDecl.ReplaceAll(src, []byte(fmt.Sprintf("const Version = %q", v)))
	if err := os.WriteFile(vf, src, 0o644); err != nil {
		return err
	}
	r.version = v
	for _, m := range r.modules {
		changed := false
		for _, req := range m.file.Require {
			if _, ok := r.byPath(req.Mod.Path); ok && req.Mod.Version != "v"+v {
				if err := m.file.AddRequire(req.Mod.Path, "v"+v); err != nil {
					return err
				}
				changed = true
			}
		}
		if !changed {
			continue
		}
		m.file.Cleanup()
		data, err := m.file.Format()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(r.root, filepath.FromSlash(m.dir), "go.mod"), data, 0o644); err != nil {
			return err
		}
	}
	return r.setWorkVersion("v" + v)
}

// setWorkVersion makes go.work replace the modules of the repository at version v
// instead of the version it named.
func (r *repo) setWorkVersion(v string) error {
	if r.work == nil {
		return nil
	}
	var moved []modfile.Replace // copies: DropReplace clears the entries it drops
	for _, rep := range r.work.Replace {
		if _, ok := r.byPath(rep.Old.Path); ok && rep.Old.Version != v {
			moved = append(moved, *rep)
		}
	}
	for _, rep := range moved {
		if err := r.work.DropReplace(rep.Old.Path, rep.Old.Version); err != nil {
			return err
		}
		if err := r.work.AddReplace(rep.Old.Path, v, rep.New.Path, rep.New.Version); err != nil {
			return err
		}
	}
	r.work.Cleanup()
	return os.WriteFile(filepath.Join(r.root, workFile), modfile.Format(r.work.Syntax), 0o644)
}
