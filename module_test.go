package tcredit_test

import (
	"context"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCopiedProgramsBuild copies what a new user copies into a module of their own,
// with a replace directive to this SDK: the README's first program and
// examples/quickstart. Both must build there (no internal package, every name
// defined), and the first program must run against its sandbox and print a summary
// of a report that ends last month.
func TestCopiedProgramsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs; skipped in -short mode")
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		t.Skipf("no go command at %s", goTool)
	}
	root, err := os.Getwd()
	require.NoError(t, err)
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
	write("go.mod", "module example.com/fund\n\ngo 1.22\n\nrequire github.com/tcredit-go/tcredit v0.0.0\n\n"+
		"replace github.com/tcredit-go/tcredit => "+root+"\n")
	sum, err := os.ReadFile("go.sum")
	require.NoError(t, err)
	write("go.sum", string(sum))

	var program string
	for _, b := range goBlocks(readMarkdown(t, "README.md")) {
		if strings.HasPrefix(b, "package main\n") {
			program = b
		}
	}
	require.NotEmpty(t, program, "README.md shows no program")
	write("first/main.go", program)
	files, err := filepath.Glob("examples/quickstart/*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		text, err := os.ReadFile(f)
		require.NoError(t, err)
		write("quickstart/"+filepath.Base(f), string(text))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, goTool, "build", "-o", filepath.Join(dir, "bin")+string(filepath.Separator), "./...")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	out, err := build.CombinedOutput()
	if err != nil && strings.Contains(string(out), "GOPROXY=off") {
		t.Skipf("the module cache cannot resolve the SDK's requirements offline:\n%s", out)
	}
	require.NoError(t, err, "the copied programs do not build in a module of their own:\n%s", out)

	run := exec.CommandContext(ctx, filepath.Join(dir, "bin", "first"))
	out, err = run.CombinedOutput()
	require.NoError(t, err, "%s", out)
	now := time.Now().In(time.FixedZone("CST", 8*60*60))
	last := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
	assert.Regexp(t, regexp.MustCompile(`^balance ¥\d+\.\d\d, latest contribution `+last+`, \d+ of the last 12 months paid\n$`), string(out))
}

// TestExamplesImportNoInternalPackage keeps every example copyable: a program outside
// this module cannot import its internal packages.
func TestExamplesImportNoInternalPackage(t *testing.T) {
	files, err := filepath.Glob("examples/*/*.go")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, name := range files {
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			assert.NotContains(t, imp.Path.Value, "/tcredit/internal", "%s imports %s", name, imp.Path.Value)
		}
	}
}
