package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSetVersion(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod":     rootMod,
		"version.go": "package tcredit\n\n// Version is the version.\nconst Version = \"0.2.0\"\n",
		"redisstore/go.mod": "module github.com/tcredit-go/tcredit/redisstore\n\ngo 1.26.0\n\n" +
			"require (\n\tgithub.com/redis/go-redis/v9 v9.23.0\n\tgithub.com/tcredit-go/tcredit v0.2.0\n)\n",
		"examples/h5/go.mod": "module github.com/tcredit-go/tcredit/examples/h5\n\ngo 1.26.0\n\n" +
			"require (\n\tgithub.com/tcredit-go/tcredit v0.2.0\n\tgithub.com/tcredit-go/tcredit/redisstore v0.2.0\n)\n",
		"go.work": work("./examples/h5", "./redisstore") + "replace github.com/tcredit-go/tcredit/redisstore v0.2.0 => ./redisstore\n",
	})
	r, err := loadRepo(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.setVersion("0.3.0"); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if got := read("version.go"); !strings.Contains(got, "const Version = \"0.3.0\"\n") || !strings.Contains(got, "// Version is the version.") {
		t.Errorf("version.go:\n%s", got)
	}
	for name, want := range map[string][]string{
		"redisstore/go.mod":  {"github.com/tcredit-go/tcredit v0.3.0", "github.com/redis/go-redis/v9 v9.23.0"},
		"examples/h5/go.mod": {"github.com/tcredit-go/tcredit v0.3.0", "github.com/tcredit-go/tcredit/redisstore v0.3.0"},
		"go.work":            {"replace github.com/tcredit-go/tcredit v0.3.0 => ./", "replace github.com/tcredit-go/tcredit/redisstore v0.3.0 => ./redisstore", "\t./examples/h5\n"},
	} {
		got := read(name)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s does not say %q:\n%s", name, w, got)
			}
		}
	}
	again, err := loadRepo(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := again.check(); err != nil {
		t.Errorf("check after set: %v", err)
	}

	for _, bad := range []string{"v0.3.0", "0.3", "0.3.0-rc1", "00.3.0"} {
		if err := r.setVersion(bad); err == nil {
			t.Errorf("setVersion(%q) took it", bad)
		}
	}
}
