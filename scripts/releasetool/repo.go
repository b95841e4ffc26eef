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

// workFile is the workspace file, in the root directory, that every module of the
// repository is built with inside it.
const workFile = "go.work"

// repo is the repository's modules, its workspace and its version.
type repo struct {
	root    string
	version string // without "v": "0.2.0"
	modules []gomod
	work    *modfile.WorkFile // nil when the root has no go.work
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
	wp := filepath.Join(root, workFile)
	data, err := os.ReadFile(wp)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if r.work, err = modfile.ParseWork(wp, data, nil); err != nil {
			return nil, err
		}
	}
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

// check returns an error listing every module whose path does not match its
// directory, every require of a module of the repository that does not name the
// version of version.go, every go.mod that replaces a module of the repository (go
// install refuses a module whose go.mod has a replace directive, and a user's build
// ignores it), and whatever go.work lacks: a use of every module, and a replace of
// every required module of the repository, at the version, by its directory.
func (r *repo) check() error {
	var errs []error
	want := "v" + r.version
	for _, m := range r.modules {
		if wantPath := path.Join(rootPath, m.dir); m.path != wantPath {
			errs = append(errs, fmt.Errorf("%s/go.mod: module %s, want %s for its directory", m.dir, m.path, wantPath))
		}
		for _, req := range m.file.Require {
			if _, ok := r.byPath(req.Mod.Path); ok && req.Mod.Version != want {
				errs = append(errs, fmt.Errorf("%s/go.mod: require %s %s, want %s (the version in %s)", m.dir, req.Mod.Path, req.Mod.Version, want, versionFile))
			}
		}
		for _, rep := range m.file.Replace {
			if _, ok := r.byPath(rep.Old.Path); ok {
				errs = append(errs, fmt.Errorf("%s/go.mod: replaces %s; only %s replaces the modules of the repository", m.dir, rep.Old.Path, workFile))
			}
		}
	}
	return errors.Join(append(errs, r.checkWork()...)...)
}

// checkWork returns what go.work lacks for work inside the repository: a use of every
// module, and for every module of the repository that another requires, a replace at
// the version of version.go by its directory.
func (r *repo) checkWork() []error {
	if r.work == nil {
		return []error{fmt.Errorf("no %s: the modules of the repository are built together with one (see CONTRIBUTING.md)", workFile)}
	}
	var errs []error
	used := map[string]bool{}
	for _, u := range r.work.Use {
		used[path.Clean(u.Path)] = true
	}
	replaced := map[string]string{} // "path@version" to directory
	for _, rep := range r.work.Replace {
		replaced[rep.Old.Path+"@"+rep.Old.Version] = path.Clean(rep.New.Path)
	}
	want := "v" + r.version
	for _, m := range r.modules {
		if !used[m.dir] {
			errs = append(errs, fmt.Errorf("%s: no use of %s", workFile, m.dir))
		}
	}
	for _, dep := range r.required() {
		if dir := replaced[dep.path+"@"+want]; dir != dep.dir {
			errs = append(errs, fmt.Errorf("%s: %s %s is replaced by %q, want %q", workFile, dep.path, want, dir, dep.dir))
		}
	}
	return errs
}

// required returns the modules of the repository that another module requires.
func (r *repo) required() []gomod {
	var deps []gomod
	for _, dep := range r.modules {
		for _, m := range r.modules {
			if requires(m, dep.path) {
				deps = append(deps, dep)
				break
			}
		}
	}
	return deps
}

// requires reports whether m's go.mod requires module path p.
func requires(m gomod, p string) bool {
	for _, req := range m.file.Require {
		if req.Mod.Path == p {
			return true
		}
	}
	return false
}
