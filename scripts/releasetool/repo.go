package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
)

// rootPath is the module path of the SDK, the repository's root module.
const rootPath = "github.com/tcredit-go/tcredit"

// versionFile is the file, in the root directory, that holds the const Version.
const versionFile = "version.go"

// unpublished are the directories (slash-separated, from the root) whose modules are
// never tagged nor served: examples, benchmarks, browser tests and this tool, which
// exist for work inside the repository. A module anywhere under one of them, or in a
// directory named like one of the last elements (browsertest), is unpublished; every
// other go.mod found is a published module, tagged at each release.
var unpublished = []string{"examples", "bench", "scripts"}

// unpublishedBase are directory names whose modules are unpublished wherever they are.
var unpublishedBase = []string{"browsertest"}

// gomod is one go.mod of the repository.
type gomod struct {
	dir  string // slash-separated, from the root; "." for the root module
	path string // module path
	file *modfile.File
}

// published reports whether the module is tagged and served at a release.
func (m gomod) published() bool {
	if m.dir == "." {
		return true
	}
	for _, u := range unpublished {
		if m.dir == u || strings.HasPrefix(m.dir, u+"/") {
			return false
		}
	}
	for _, elem := range strings.Split(m.dir, "/") {
		for _, b := range unpublishedBase {
			if elem == b {
				return false
			}
		}
	}
	return true
}

// tag returns the module's tag at version v: "v0.2.0", "redisstore/v0.2.0".
func (m gomod) tag(v string) string {
	if m.dir == "." {
		return "v" + v
	}
	return m.dir + "/v" + v
}

// repo is the repository's modules and its version.
type repo struct {
	root    string
	version string // without "v": "0.2.0"
	modules []gomod
}

// findRoot returns the nearest directory at or above the current one whose go.mod
// declares rootPath.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modfile.ModulePath(data) == rootPath {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no directory above the current one has the go.mod of %s", rootPath)
		}
		dir = parent
	}
}

// loadRepo reads the version and every go.mod under root, skipping hidden directories
// and testdata.
func loadRepo(root string) (*repo, error) {
	r := &repo{root: root}
	var err error
	if r.version, err = readVersion(filepath.Join(root, versionFile)); err != nil {
		return nil, err
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() != "go.mod" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := modfile.Parse(p, data, nil)
		if err != nil {
			return err
		}
		if f.Module == nil {
			return fmt.Errorf("%s declares no module", p)
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		r.modules = append(r.modules, gomod{dir: filepath.ToSlash(rel), path: f.Module.Mod.Path, file: f})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(r.modules, func(i, j int) bool { return r.modules[i].dir < r.modules[j].dir })
	return r, nil
}

// readVersion returns the value of the const Version declared in the Go file at p.
func readVersion(p string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), p, nil, 0)
	if err != nil {
		return "", err
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if name.Name != "Version" || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					return strconv.Unquote(lit.Value)
				}
			}
		}
	}
	return "", fmt.Errorf("%s declares no const Version string", p)
}

// published returns the published modules, the root first.
func (r *repo) published() []gomod {
	var ms []gomod
	for _, m := range r.modules {
		if m.published() {
			ms = append(ms, m)
		}
	}
	return ms
}

// byPath returns the repository's module of the module path p.
func (r *repo) byPath(p string) (gomod, bool) {
	for _, m := range r.modules {
		if m.path == p {
			return m, true
		}
	}
	return gomod{}, false
}

// check returns an error listing every require of a module of the repository that does
// not name the version of version.go, every such require without the replace that
// points to the module's directory for work inside the repository, and every module
// whose path does not match its directory.
func (r *repo) check() error {
	var errs []error
	want := "v" + r.version
	for _, m := range r.modules {
		if wantPath := path.Join(rootPath, m.dir); m.path != wantPath {
			errs = append(errs, fmt.Errorf("%s/go.mod: module %s, want %s for its directory", m.dir, m.path, wantPath))
		}
		for _, req := range m.file.Require {
			dep, ok := r.byPath(req.Mod.Path)
			if !ok {
				continue
			}
			if req.Mod.Version != want {
				errs = append(errs, fmt.Errorf("%s/go.mod: require %s %s, want %s (the version in %s)", m.dir, req.Mod.Path, req.Mod.Version, want, versionFile))
			}
			if rel := replacement(m, req.Mod.Path); rel != relDir(m.dir, dep.dir) {
				errs = append(errs, fmt.Errorf("%s/go.mod: %s is replaced by %q, want %q for work inside the repository", m.dir, req.Mod.Path, rel, relDir(m.dir, dep.dir)))
			}
		}
	}
	return errors.Join(errs...)
}

// replacement returns the directory that m's go.mod replaces module path p with, or ""
// when it does not replace it with a directory.
func replacement(m gomod, p string) string {
	for _, rep := range m.file.Replace {
		if rep.Old.Path == p && rep.New.Version == "" {
			return path.Clean(rep.New.Path)
		}
	}
	return ""
}

// relDir returns the slash-separated path of directory to from directory from, both
// from the root.
func relDir(from, to string) string {
	rel, err := filepath.Rel(filepath.FromSlash(from), filepath.FromSlash(to))
	if err != nil {
		return to
	}
	return filepath.ToSlash(rel)
}
