package main

import (
	"bufio"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
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

// signingDocs are the pages that teach other languages to sign, relative to this
// package.
var signingDocs = []string{"../../docs/signing.md", "../../docs/signing.zh-CN.md"}

// recipeURL is the sandbox address the recipes are written for; the tests put the
// address of their own sandbox in its place.
const recipeURL = "http://127.0.0.1:8080"

// TestSigningExamples checks the worked examples of the signing pages: each string
// shown hashes to the tokenKey beside it.
func TestSigningExamples(t *testing.T) {
	row := regexp.MustCompile("\\| `(http://[^`]+)` \\| `([0-9a-f]{32})` \\|")
	for _, doc := range signingDocs {
		rows := row.FindAllStringSubmatch(readDoc(t, doc), -1)
		assert.Len(t, rows, 3, "%s: the three worked examples", doc)
		for _, r := range rows {
			sum := md5.Sum([]byte(r[1]))
			assert.Equal(t, r[2], hex.EncodeToString(sum[:]), "%s: %s", doc, r[1])
		}
	}
}

// TestSigningRecipes runs the recipes of the signing pages, the curl and md5sum script
// under bash and the Python client, against this command built and serving on
// loopback: signed with the sandbox's tokenId they get status 0 and 北京's login
// forms; signed with another, status 5, as the API answers. Without bash, curl, md5sum
// or python3 the test skips, unless CI is set.
func TestSigningRecipes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the sandbox; skipped in -short mode")
	}
	have := func(tools ...string) bool {
		for _, tool := range tools {
			if _, err := exec.LookPath(tool); err != nil {
				if os.Getenv("CI") != "" {
					t.Fatalf("%s is needed to run the signing recipes under CI: %v", tool, err)
				}
				t.Logf("%s not found: its recipe is not run", tool)
				return false
			}
		}
		return true
	}
	shell, python := have("bash", "curl", "md5sum"), have("python3")
	if !shell && !python {
		t.Skip("neither bash, curl and md5sum nor python3: no recipe can run")
	}
	base := startBuiltSandbox(t)

	for _, doc := range signingDocs {
		text := readDoc(t, doc)
		recipes := []struct {
			lang, token string
			ok          bool
			cmd         func(code string) *exec.Cmd
		}{
			{"sh", "TOKEN_ID=sandbox-token", shell, func(code string) *exec.Cmd { return exec.Command("bash", "-euo", "pipefail", "-c", code) }},
			{"python", `"sandbox-token"`, python, func(code string) *exec.Cmd { return exec.Command("python3", "-c", code) }},
		}
		for _, r := range recipes {
			code := codeBlock(t, text, r.lang)
			require.Contains(t, code, recipeURL, "%s: the %s recipe names the sandbox's address", doc, r.lang)
			require.Contains(t, code, r.token, "%s: the %s recipe names the sandbox's tokenId", doc, r.lang)
			if !r.ok {
				continue
			}
			code = strings.ReplaceAll(code, recipeURL, base)
			t.Run(filepath.Base(doc)+" "+r.lang, func(t *testing.T) {
				out := runRecipe(t, r.cmd(code))
				assert.Regexp(t, `["']status["']:\s*["']?0["']?[,}]`, out, "signed right: status 0")
				assert.Contains(t, out, "110100", "北京's login forms")
				wrong := strings.ReplaceAll(code, r.token, strings.ReplaceAll(r.token, "sandbox-token", "not-the-token"))
				out = runRecipe(t, r.cmd(wrong))
				assert.Regexp(t, `["']status["']:\s*["']?5["']?[,}]`, out, "signed with another tokenId: status 5")
			})
		}
	}
}

// startBuiltSandbox builds this command, starts it on a free loopback port, and returns
// the URL it prints; the sandbox is stopped when the test ends.
func startBuiltSandbox(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tcredit-sandbox")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-step", "1ms")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	var info struct {
		URL string `json:"url"`
	}
	require.NoError(t, json.Unmarshal([]byte(line), &info), line)
	return info.URL
}

// runRecipe runs a recipe and returns its standard output.
func runRecipe(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s", stderr.String())
	return string(out)
}

func readDoc(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// codeBlock returns the one fenced block of lang in a Markdown text.
func codeBlock(t *testing.T, text, lang string) string {
	t.Helper()
	parts := strings.Split(text, "```"+lang+"\n")
	require.Len(t, parts, 2, "one %s block", lang)
	code, _, ok := strings.Cut(parts[1], "```")
	require.True(t, ok, "the %s block is closed", lang)
	return code
}
