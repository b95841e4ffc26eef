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

func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error; none for no error
	}{
		{"every require at the version", map[string]string{
			"redisstore/go.mod":  "module github.com/tcredit-go/tcredit/redisstore\n\nrequire github.com/tcredit-go/tcredit v0.2.0\n\nreplace github.com/tcredit-go/tcredit => ../\n",
			"examples/h5/go.mod": "module github.com/tcredit-go/tcredit/examples/h5\n\nrequire (\n\tgithub.com/tcredit-go/tcredit v0.2.0\n\tgithub.com/tcredit-go/tcredit/redisstore v0.2.0\n)\n\nreplace (\n\tgithub.com/tcredit-go/tcredit => ../..\n\tgithub.com/tcredit-go/tcredit/redisstore => ../../redisstore\n)\n",
		}, nil},
		{"an older version", map[string]string{
			"ledger/go.mod": "module github.com/tcredit-go/tcredit/ledger\n\nrequire github.com/tcredit-go/tcredit v0.0.0\n\nreplace github.com/tcredit-go/tcredit => ../\n",
		}, []string{"ledger/go.mod: require github.com/tcredit-go/tcredit v0.0.0, want v0.2.0"}},
		{"no replace", map[string]string{
			"ledger/go.mod": "module github.com/tcredit-go/tcredit/ledger\n\nrequire github.com/tcredit-go/tcredit v0.2.0\n",
		}, []string{`ledger/go.mod: github.com/tcredit-go/tcredit is replaced by "", want ".."`}},
		{"a replace to another directory", map[string]string{
			"a/b/go.mod": "module github.com/tcredit-go/tcredit/a/b\n\nrequire github.com/tcredit-go/tcredit v0.2.0\n\nreplace github.com/tcredit-go/tcredit => ../\n",
		}, []string{`want "../.."`}},
		{"a module path other than its directory", map[string]string{
			"otel/go.mod": "module github.com/tcredit-go/tcredit/tcreditotel\n",
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
