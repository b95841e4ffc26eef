package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// writeProxy lays every published module out in dir at the repository's version, as
// the GOPROXY protocol serves it: <escaped path>/@v/list, and v<version>.info, .mod and
// .zip. A module's files are those of the working tree that git tracks or would track
// (ignored files, such as built binaries, are left out), less nested modules.
func (r *repo) writeProxy(dir string, at time.Time) error {
	v := "v" + r.version
	for _, m := range r.published() {
		escaped, err := module.EscapePath(m.path)
		if err != nil {
			return err
		}
		vdir := filepath.Join(dir, filepath.FromSlash(escaped), "@v")
		if err := os.MkdirAll(vdir, 0o755); err != nil {
			return err
		}
		files, err := r.files(m)
		if err != nil {
			return err
		}
		var zip bytes.Buffer
		if err := modzip.Create(&zip, module.Version{Path: m.path, Version: v}, files); err != nil {
			return fmt.Errorf("%s: %w", m.path, err)
		}
		mod, err := os.ReadFile(filepath.Join(r.root, filepath.FromSlash(m.dir), "go.mod"))
		if err != nil {
			return err
		}
		info, err := json.Marshal(struct {
			Version string
			Time    time.Time
		}{v, at.UTC()})
		if err != nil {
			return err
		}
		for name, data := range map[string][]byte{
			"list":      []byte(v + "\n"),
			v + ".info": info,
			v + ".mod":  mod,
			v + ".zip":  zip.Bytes(),
		} {
			if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// files returns the files of module m in the working tree: tracked, or untracked and
// not ignored, and still present. modzip.Create leaves out those of nested modules.
func (r *repo) files(m gomod) ([]modzip.File, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", m.dir)
	cmd.Dir = r.root
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files %s: %w", m.dir, err)
	}
	prefix := ""
	if m.dir != "." {
		prefix = m.dir + "/"
	}
	var files []modzip.File
	seen := make(map[string]bool)
	for _, name := range strings.Split(string(out), "\x00") {
		if name == "" || seen[name] || !strings.HasPrefix(name, prefix) {
			continue
		}
		seen[name] = true
		p := filepath.Join(r.root, filepath.FromSlash(name))
		fi, err := os.Lstat(p)
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		files = append(files, treeFile{rel: path.Clean(strings.TrimPrefix(name, prefix)), abs: p, info: fi})
	}
	return files, nil
}

// treeFile is a file of the working tree, as modzip.Create reads it.
type treeFile struct {
	rel  string // slash-separated, from the module's directory
	abs  string
	info os.FileInfo
}

func (f treeFile) Path() string                 { return f.rel }
func (f treeFile) Lstat() (os.FileInfo, error)  { return f.info, nil }
func (f treeFile) Open() (io.ReadCloser, error) { return os.Open(f.abs) }
