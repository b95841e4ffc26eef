package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree writes files (slash-separated names) under a new directory and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const rootMod = "module github.com/tcredit-go/tcredit\n\ngo 1.22\n"

// work returns a go.work that uses the root and dirs, and replaces the root module at
// v0.2.0 by the root directory.
func work(dirs ...string) string {
	return "go 1.26.0\n\nuse (\n\t.\n\t" + strings.Join(dirs, "\n\t") + "\n)\n\nreplace github.com/tcredit-go/tcredit v0.2.0 => ./\n\n"
}

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error; none for no error
	}{
		{"every require at the version", map[string]string{
			"redisstore/go.mod":  "module github.com/tcredit-go/tcredit/redisstore\n\nrequire github.com/tcredit-go/tcredit v0.2.0\n",
			"examples/h5/go.mod": "module github.com/tcredit-go/tcredit/examples/h5\n\nrequire (\n\tgithub.com/tcredit-go/tcredit v0.2.0\n\tgithub.com/tcredit-go/tcredit/redisstore v0.2.0\n)\n",
			"go.work":            work("./examples/h5", "./redisstore") + "replace github.com/tcredit-go/tcredit/redisstore v0.2.0 => ./redisstore\n",
		}, nil},
		{"an older version", map[string]string{
			"ledger/go.mod": "module github.com/tcredit-go/tcredit/ledger\n\nrequire github.com/tcredit-go/tcredit v0.0.0\n",
			"go.work":       work("./ledger"),
		}, []string{"ledger/go.mod: require github.com/tcredit-go/tcredit v0.0.0, want v0.2.0"}},
		{"a replace in a go.mod", map[string]string{
			"ledger/go.mod": "module github.com/tcredit-go/tcredit/ledger\n\nrequire github.com/tcredit-go/tcredit v0.2.0\n\nreplace github.com/tcredit-go/tcredit => ../\n",
			"go.work":       work("./ledger"),
		}, []string{"ledger/go.mod: replaces github.com/tcredit-go/tcredit; only go.work replaces"}},
		{"no go.work", map[string]string{
			"ledger/go.mod": "module github.com/tcredit-go/tcredit/ledger\n\nrequire github.com/tcredit-go/tcredit v0.2.0\n",
		}, []string{"no go.work"}},
		{"a module go.work does not use", map[string]string{
			"ledger/go.mod": "module github.com/tcredit-go/tcredit/ledger\n\nrequire github.com/tcredit-go/tcredit v0.2.0\n",
			"go.work":       "go 1.26.0\n\nuse .\n\nreplace github.com/tcredit-go/tcredit v0.2.0 => ./\n",
		}, []string{"go.work: no use of ledger"}},
		{"go.work replaces another version", map[string]string{
			"ledger/go.mod": "module github.com/tcredit-go/tcredit/ledger\n\nrequire github.com/tcredit-go/tcredit v0.2.0\n",
			"go.work":       "go 1.26.0\n\nuse (\n\t.\n\t./ledger\n)\n\nreplace github.com/tcredit-go/tcredit v0.1.0 => ./\n",
		}, []string{`go.work: github.com/tcredit-go/tcredit v0.2.0 is replaced by "", want "."`}},
		{"a module path other than its directory", map[string]string{
			"otel/go.mod": "module github.com/tcredit-go/tcredit/tcreditotel\n",
			"go.work":     work("./otel"),
		}, []string{"otel/go.mod: module github.com/tcredit-go/tcredit/tcreditotel, want github.com/tcredit-go/tcredit/otel"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.files["go.mod"] = rootMod
			tt.files["version.go"] = "package tcredit\n\nconst Version = \"0.2.0\"\n"
			r, err := loadRepo(writeTree(t, tt.files))
			if err != nil {
				t.Fatal(err)
			}
			err = r.check()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("check: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("check passed, want an error with %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("check: %v\nwant it to say %q", err, w)
				}
			}
		})
	}
}

func TestPublished(t *testing.T) {
	r, err := loadRepo(writeTree(t, map[string]string{
		"go.mod":                     rootMod,
		"version.go":                 "package tcredit\n\nconst Version = \"0.2.0\"\n",
		"redisstore/go.mod":          "module github.com/tcredit-go/tcredit/redisstore\n",
		"ledger/go.mod":              "module github.com/tcredit-go/tcredit/ledger\n",
		"examples/h5/go.mod":         "module github.com/tcredit-go/tcredit/examples/h5\n",
		"bench/go.mod":               "module github.com/tcredit-go/tcredit/bench\n",
		"h5/browsertest/go.mod":      "module github.com/tcredit-go/tcredit/h5/browsertest\n",
		"scripts/releasetool/go.mod": "module github.com/tcredit-go/tcredit/scripts/releasetool\n",
		"testdata/mod/go.mod":        "module example.com/fixture\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, m := range r.published() {
		tags = append(tags, m.tag(r.version))
	}
	if got, want := strings.Join(tags, " "), "v0.2.0 ledger/v0.2.0 redisstore/v0.2.0"; got != want {
		t.Errorf("published modules' tags: %s, want %s", got, want)
	}
}
