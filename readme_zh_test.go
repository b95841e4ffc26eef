package tcredit_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcredit-go/tcredit"
)

// TestReadmeTranslationInStep fails when README.zh-CN.md drifts from README.md:
// both have the same number of sections, the same code blocks in the same order, byte
// for byte but for their comments, which README.zh-CN.md writes in Chinese, and each
// links the other.
func TestReadmeTranslationInStep(t *testing.T) {
	en := readMarkdown(t, "README.md")
	zh := readMarkdown(t, "README.zh-CN.md")

	assert.Equal(t, len(en.sections), len(zh.sections),
		"number of sections: README.md has %q, README.zh-CN.md has %q", en.sections, zh.sections)
	assert.Equal(t, len(en.code), len(zh.code), "number of code blocks")
	for i := 0; i < len(en.code) && i < len(zh.code); i++ {
		assert.Equal(t, withoutComments(en.code[i]), withoutComments(zh.code[i]), "code block %d of README.zh-CN.md differs from README.md's", i+1)
		for _, c := range comments(zh.code[i]) {
			assert.True(t, hasHan(c) || !hasLetters(c), "code block %d of README.zh-CN.md has a comment in English: %s", i+1, c)
		}
	}
	assert.True(t, strings.Contains(en.text, "](README.zh-CN.md)"), "README.md does not link README.zh-CN.md")
	assert.True(t, strings.Contains(zh.text, "](README.md)"), "README.zh-CN.md does not link README.md")
}

// markdown is what TestReadmeTranslationInStep compares in a README.
type markdown struct {
	text     string
	sections []string // "## " headings outside code blocks
	code     []string // fenced code blocks, fences included
}

// readMarkdown reads the sections, code blocks and text of the file name.
func readMarkdown(t *testing.T, name string) markdown {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	md := markdown{text: string(b)}
	var block []string
	for _, line := range strings.Split(md.text, "\n") {
		switch {
		case block != nil:
			block = append(block, line)
			if strings.TrimSpace(line) == "```" {
				md.code = append(md.code, strings.Join(block, "\n"))
				block = nil
			}
		case strings.HasPrefix(line, "```"):
			block = []string{line}
		case strings.HasPrefix(line, "## "):
			md.sections = append(md.sections, line)
		}
	}
	require.Nil(t, block, "%s: a code block is not closed", name)
	return md
}

// commentStart finds a comment in a line of a Go or shell code block: "//" or "#" at
// the start of the line or after white space, and a space.
var commentStart = regexp.MustCompile(`(^|\s)(//|#) `)

// withoutComments returns a code block without its comments and the white space
// before them.
func withoutComments(code string) string {
	lines := strings.Split(code, "\n")
	for i, line := range lines {
		if loc := commentStart.FindStringIndex(line); loc != nil {
			lines[i] = strings.TrimRight(line[:loc[0]], " \t")
		}
	}
	return strings.Join(lines, "\n")
}

// comments returns the comments of a code block.
func comments(code string) []string {
	var out []string
	for _, line := range strings.Split(code, "\n") {
		if loc := commentStart.FindStringIndex(line); loc != nil {
			out = append(out, strings.TrimSpace(line[loc[0]:]))
		}
	}
	return out
}

// hasHan reports whether s has a Chinese character.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// hasLetters reports whether s has two English words in a row, which a comment of
// code alone ("// ...", "// fundUserCode") does not.
func hasLetters(s string) bool { return englishWords.MatchString(s) }

// englishWords matches two words of Latin letters in a row.
var englishWords = regexp.MustCompile(`\b[a-z]{2,}\s+[a-z]{2,}\b`)

// TestReadmeInstallsTheRelease checks that every go get and go install of a module of
// this repository in the READMEs names the release, the version in version.go, and not
// @latest or another version.
func TestReadmeInstallsTheRelease(t *testing.T) {
	at := regexp.MustCompile(`github\.com/tcredit-go/tcredit[A-Za-z0-9/_.-]*@(\S+)`)
	for _, name := range []string{"README.md", "README.zh-CN.md"} {
		t.Run(name, func(t *testing.T) {
			md := readMarkdown(t, name)
			n := 0
			for _, block := range md.code {
				for _, m := range at.FindAllStringSubmatch(block, -1) {
					n++
					assert.Equal(t, "v"+tcredit.Version, m[1], "%s", m[0])
				}
			}
			assert.NotZero(t, n, "the README says how to install the release")
		})
	}
}
