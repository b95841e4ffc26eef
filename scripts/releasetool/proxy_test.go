package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestWriteProxy lays out a repository of two published modules and an unpublished
// one, with a tracked file, an untracked one and an ignored binary, and checks the
// files of the GOPROXY protocol and the zips' contents.
func TestWriteProxy(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	root := writeTree(t, map[string]string{
		"go.mod":                     rootMod,
		"version.go":                 "package tcredit\n\nconst Version = \"0.2.0\"\n",
		".gitignore":                 "tcredit\n!tcredit/\n",
		"cmd/tcredit/main.go":        "package main\n\nfunc main() {}\n",
		"cmd/tcredit/tcredit":        "\x7fELF a built binary",
		"redisstore/go.mod":          "module github.com/tcredit-go/tcredit/redisstore\n\nrequire github.com/tcredit-go/tcredit v0.2.0\n",
		"redisstore/store.go":        "package redisstore\n",
		"redisstore/new.go":          "package redisstore\n", // untracked, not ignored
		"examples/h5/go.mod":         "module github.com/tcredit-go/tcredit/examples/h5\n",
		"examples/h5/main.go":        "package main\n",
		"scripts/releasetool/go.mod": "module github.com/tcredit-go/tcredit/scripts/releasetool\n",
	})
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "go.mod", "version.go", ".gitignore", "cmd/tcredit/main.go", "redisstore/go.mod", "redisstore/store.go", "examples/h5")
	r, err := loadRepo(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	if err := r.writeProxy(dir, at); err != nil {
		t.Fatal(err)
	}

	for path, want := range map[string][]string{
		"github.com/tcredit-go/tcredit":            {".gitignore", "cmd/tcredit/main.go", "go.mod", "version.go"},
		"github.com/tcredit-go/tcredit/redisstore": {"go.mod", "new.go", "store.go"},
	} {
		vdir := filepath.Join(dir, filepath.FromSlash(path), "@v")
		list, err := os.ReadFile(filepath.Join(vdir, "list"))
		if err != nil || string(list) != "v0.2.0\n" {
			t.Errorf("%s/@v/list: %q, %v", path, list, err)
		}
		var info struct {
			Version string
			Time    time.Time
		}
		b, err := os.ReadFile(filepath.Join(vdir, "v0.2.0.info"))
		if err != nil || json.Unmarshal(b, &info) != nil || info.Version != "v0.2.0" || !info.Time.Equal(at) {
			t.Errorf("%s/@v/v0.2.0.info: %s, %v", path, b, err)
		}
		mod, err := os.ReadFile(filepath.Join(vdir, "v0.2.0.mod"))
		if err != nil || !strings.HasPrefix(string(mod), "module "+path+"\n") {
			t.Errorf("%s/@v/v0.2.0.mod: %s, %v", path, mod, err)
		}
		zr, err := zip.OpenReader(filepath.Join(vdir, "v0.2.0.zip"))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, strings.TrimPrefix(f.Name, path+"@v0.2.0/"))
		}
		zr.Close()
		sort.Strings(names)
		if strings.Join(names, " ") != strings.Join(want, " ") {
			t.Errorf("%s zip holds %v, want %v (no binary, no nested module)", path, names, want)
		}
	}
	for _, unpublished := range []string{"examples/h5", "scripts/releasetool"} {
		if _, err := os.Stat(filepath.Join(dir, "github.com/tcredit-go/tcredit", unpublished)); !os.IsNotExist(err) {
			t.Errorf("%s is served: %v", unpublished, err)
		}
	}
}
